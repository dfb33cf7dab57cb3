// A course's cover as the certificate's logo: the image's re-encoded `thumbnail` (never the
// upload as it came), converted to PNG for pdf-lib (which takes PNG and JPEG only). Null when the
// course version has no ready cover image: the certificate is issued without a logo.
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import type { AssetsRepository } from '../assets/repository.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import type { CertificateLogo } from './render.ts';
import type { CertificatesRepository } from './repository.ts';

export function createCourseLogoLoader(deps: {
  certificates: Pick<CertificatesRepository, 'courseVersion'>;
  assetRows: Pick<AssetsRepository, 'derivativesOf'>;
  blobStore: Pick<BlobStore, 'read'>;
}) {
  return async (courseId: string, version: number): Promise<CertificateLogo | null> => {
    const facts = await deps.certificates.courseVersion(courseId, version);
    const coverId = (JSON.parse(facts?.content ?? '{}') as { basics?: { coverAssetId?: string | null } }).basics
      ?.coverAssetId;
    if (!coverId) return null;
    const thumbnail = (await deps.assetRows.derivativesOf([coverId])).find((d) => d.role === 'thumbnail');
    if (!thumbnail) return null;
    const bytes = await buffer(await deps.blobStore.read(thumbnail.blob_key));
    const png = await sharp(bytes)
      .resize({ width: 300, height: 120, fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer();
    return { bytes: new Uint8Array(png), type: 'png' };
  };
}
