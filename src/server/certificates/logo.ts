// Images on a certificate: the course's cover as its logo and the author's signature. Always a
// re-encoded derivative (never the upload as it came), converted to PNG for pdf-lib (which takes PNG
// and JPEG only; PNG keeps a signature's transparency). Null when there is no ready image: the
// certificate is issued without it.
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import type { AssetsRepository } from '../assets/repository.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { CertificateLogo } from './render.ts';
import type { CertificatesRepository } from './repository.ts';

interface ImageDeps {
  assetRows: Pick<AssetsRepository, 'derivativesOf'>;
  blobStore: Pick<BlobStore, 'read'>;
}

/** An image asset's derivative of this role as a PNG within the box (pixels), or null when it has none. */
async function derivativeAsPng(
  deps: ImageDeps,
  assetId: string,
  role: 'thumbnail' | 'web',
  box: { width: number; height: number },
): Promise<CertificateLogo | null> {
  const derivative = (await deps.assetRows.derivativesOf([assetId])).find((d) => d.role === role);
  if (!derivative) return null;
  const bytes = await buffer(await deps.blobStore.read(derivative.blob_key));
  const png = await sharp(bytes).resize({ ...box, fit: 'inside', withoutEnlargement: true }).png().toBuffer();
  return { bytes: new Uint8Array(png), type: 'png' };
}

/** The cover of a course version, or of a draft (by its asset id). */
export function createCourseLogoLoader(deps: ImageDeps & { certificates: Pick<CertificatesRepository, 'courseVersion'> }) {
  const byAsset = (coverId: string) => derivativeAsPng(deps, coverId, 'thumbnail', { width: 300, height: 120 });
  const ofVersion = async (courseId: string, version: number): Promise<CertificateLogo | null> => {
    const facts = await deps.certificates.courseVersion(courseId, version);
    const coverId = (JSON.parse(facts?.content ?? '{}') as { basics?: { coverAssetId?: string | null } }).basics
      ?.coverAssetId;
    return coverId ? byAsset(coverId) : null;
  };
  return Object.assign(ofVersion, { byAsset });
}

/**
 * A signature image: the larger `web` derivative (a thumbnail would print blurred), at twice the
 * box the certificate draws it in (200 × 60 points), so it stays sharp when printed.
 */
export function createSignatureLoader(deps: ImageDeps) {
  return (assetId: string) => derivativeAsPng(deps, assetId, 'web', { width: 800, height: 240 });
}
