// The JSON-LD contexts Lectern's credentials name, pinned in the repository (contexts/SOURCES.md)
// and never fetched at run time. Any JSON-LD processing (a document loader) must use these.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export const VC_V2_CONTEXT = 'https://www.w3.org/ns/credentials/v2';
export const OB_V3_CONTEXT = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';

export const PINNED_CONTEXTS = {
  [VC_V2_CONTEXT]: {
    file: 'credentials-v2.json',
    sha256: '59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734',
  },
  [OB_V3_CONTEXT]: {
    file: 'ob-context-3.0.3.json',
    sha256: 'ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761',
  },
} as const;

const cache = new Map<string, unknown>();

/** The pinned context document for a URL, or undefined for a context Lectern does not know (never fetched). */
export function pinnedContext(url: string): unknown {
  const pinned = (PINNED_CONTEXTS as Record<string, { file: string; sha256: string }>)[url];
  if (!pinned) return undefined;
  const cached = cache.get(url);
  if (cached !== undefined) return cached;
  const bytes = readFileSync(new URL(`./contexts/${pinned.file}`, import.meta.url));
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== pinned.sha256) throw new Error(`The pinned context ${pinned.file} was changed (SHA-256 ${digest}).`);
  const document = JSON.parse(bytes.toString('utf8'));
  cache.set(url, document);
  return document;
}
