// Per-user storage quotas: what a user's files and uploads take, and the limits they are held to.
import { z } from 'zod';

const count = z.int().min(0);
const bytes = z.number().int().min(0);

export const storageLimitsSchema = z.object({
  /** Uploads in progress at once. */
  openUploads: count,
  /** Bytes the uploads in progress may reserve (their declared sizes), together. */
  reservedBytes: bytes,
  /** Bytes of stored files plus uploads in progress. */
  storedBytes: bytes,
});
export type StorageLimits = z.infer<typeof storageLimitsSchema>;

export const storageUsageSchema = z.object({
  /** Files stored (uploads in progress not counted). */
  files: count,
  /** Bytes of those files (their originals; previews and renditions are not counted). */
  storedBytes: bytes,
  openUploads: count,
  /** Declared sizes of the uploads in progress. */
  reservedBytes: bytes,
});
export type StorageUsage = z.infer<typeof storageUsageSchema>;

/** GET /api/assets/usage: the signed-in user's usage and limits. */
export const myStorageUsageResponseSchema = z.object({ usage: storageUsageSchema, limits: storageLimitsSchema });
export type MyStorageUsageResponse = z.infer<typeof myStorageUsageResponseSchema>;

/** GET /api/admin/storage-usage: every user's usage (users without files are left out) and the limits. */
export const usersStorageUsageResponseSchema = z.object({
  users: z.array(storageUsageSchema.extend({ userId: z.string() })),
  limits: storageLimitsSchema,
});
export type UsersStorageUsageResponse = z.infer<typeof usersStorageUsageResponseSchema>;

export const EMPTY_USAGE: StorageUsage = { files: 0, storedBytes: 0, openUploads: 0, reservedBytes: 0 };
