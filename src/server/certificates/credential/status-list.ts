// W3C Bitstring Status List v1.0: each certificate owns one bit (its status index) in a list of
// LIST_SIZE bits; revocation sets it. Index 0 is the left-most (most significant) bit of byte 0.
// The list is GZIP-compressed and multibase base64url encoded ('u' prefix, no padding).
import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import { VC_V2_CONTEXT } from './contexts.ts';

/** 16 KiB: the specification's minimum, so one list hides which of 131,072 holders it is about. */
export const LIST_SIZE = 131_072;
/** Refuses a list that inflates past this (a hostile or broken list would otherwise fill memory). */
const MAX_DECODED_BYTES = 16 * 1024 * 1024;
/** List ids go up to this (2^20 lists of 2^17: far beyond any instance). */
export const MAX_LIST_ID = 1_048_575;

export const statusEntrySchema = z.object({
  id: z.url(),
  type: z.literal('BitstringStatusListEntry'),
  statusPurpose: z.literal('revocation'),
  statusListIndex: z.string().regex(/^(0|[1-9]\d*)$/),
  statusListCredential: z.url(),
});
export type StatusListEntry = z.infer<typeof statusEntrySchema>;

export function statusListUrl(publicUrl: string, listId: number): string {
  return `${publicUrl.replace(/\/+$/, '')}/api/credentials/status/${listId}`;
}

/** Which list and which bit of it a certificate's status index is. */
export function statusPosition(statusIndex: number, size = LIST_SIZE): { listId: number; index: number } {
  if (!Number.isSafeInteger(statusIndex) || statusIndex < 0) throw new RangeError(`Bad status index ${statusIndex}`);
  return { listId: Math.floor(statusIndex / size), index: statusIndex % size };
}

/** The first and one-past-last status index a list covers. */
export function statusIndexRange(listId: number, size = LIST_SIZE): { from: number; to: number } {
  return { from: listId * size, to: (listId + 1) * size };
}

/** The `credentialStatus` of a certificate's credential. */
export function statusListEntry(publicUrl: string, statusIndex: number): StatusListEntry {
  const { listId, index } = statusPosition(statusIndex);
  const list = statusListUrl(publicUrl, listId);
  return {
    id: `${list}#${index}`,
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: String(index),
    statusListCredential: list,
  };
}

/** The raw bitstring with the given positions set. */
export function bitstring(setPositions: Iterable<number>, size = LIST_SIZE): Uint8Array {
  if (!Number.isSafeInteger(size) || size < LIST_SIZE || size % 8 !== 0) {
    throw new RangeError(`A status list has at least ${LIST_SIZE} bits, a multiple of 8 (got ${size})`);
  }
  const bytes = new Uint8Array(size / 8);
  for (const position of setPositions) {
    if (!Number.isSafeInteger(position) || position < 0 || position >= size) {
      throw new RangeError(`Status position ${position} is outside a list of ${size} bits`);
    }
    bytes[position >> 3] = (bytes[position >> 3] as number) | (0x80 >> (position & 7));
  }
  return bytes;
}

export function encodeStatusList(setPositions: Iterable<number>, size = LIST_SIZE): string {
  return `u${gzipSync(bitstring(setPositions, size), { level: 9 }).toString('base64url')}`;
}

export function decodeStatusList(encodedList: string): Uint8Array {
  if (!encodedList.startsWith('u')) throw new Error("An encoded status list starts with the multibase prefix 'u'");
  const compressed = Buffer.from(encodedList.slice(1), 'base64url');
  return new Uint8Array(gunzipSync(compressed, { maxOutputLength: MAX_DECODED_BYTES }));
}

export function bitAt(bytes: Uint8Array, index: number): boolean {
  if (!Number.isSafeInteger(index) || index < 0 || index >= bytes.length * 8) {
    throw new RangeError(`Status index ${index} is outside a list of ${bytes.length * 8} bits`);
  }
  return ((bytes[index >> 3] as number) & (0x80 >> (index & 7))) !== 0;
}

/** Whether the bit at `index` (a credential's statusListIndex) is set in an encoded list. */
export function isRevoked(encodedList: string, index: number): boolean {
  return bitAt(decodeStatusList(encodedList), index);
}

export const statusListCredentialSchema = z.object({
  '@context': z.tuple([z.literal(VC_V2_CONTEXT)]),
  id: z.url(),
  type: z.tuple([z.literal('VerifiableCredential'), z.literal('BitstringStatusListCredential')]),
  issuer: z.url(),
  validFrom: z.iso.datetime({ offset: false, precision: 0 }),
  credentialSubject: z.object({
    id: z.url(),
    type: z.literal('BitstringStatusList'),
    statusPurpose: z.literal('revocation'),
    encodedList: z.string().startsWith('u'),
  }),
});
export type StatusListCredential = z.infer<typeof statusListCredentialSchema>;

/** The unsigned status list credential of list `listId` (positions are bits within that list). */
export function buildStatusListCredential(options: {
  publicUrl: string;
  issuerId: string;
  listId: number;
  revokedPositions: Iterable<number>;
  size?: number;
  now: number;
}): StatusListCredential {
  const id = statusListUrl(options.publicUrl, options.listId);
  return statusListCredentialSchema.parse({
    '@context': [VC_V2_CONTEXT],
    id,
    type: ['VerifiableCredential', 'BitstringStatusListCredential'],
    issuer: options.issuerId,
    validFrom: new Date(Math.floor(options.now / 1000) * 1000).toISOString().replace(/\.000Z$/, 'Z'),
    credentialSubject: {
      id: `${id}#list`,
      type: 'BitstringStatusList',
      statusPurpose: 'revocation',
      encodedList: encodeStatusList(options.revokedPositions, options.size),
    },
  });
}
