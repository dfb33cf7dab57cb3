// Uploads a buffer through the tus protocol with tus-js-client, as a browser would.
import tus from 'tus-js-client';

export interface TusUploadResult {
  url: string;
  assetId: string;
}

export function tusUpload(
  base: string,
  content: Buffer,
  options: {
    cookie: string;
    csrf: string;
    filename: string;
    kind: string;
    chunkSize?: number;
    metadata?: Record<string, string>;
  },
): Promise<TusUploadResult> {
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(content, {
      endpoint: `${base}/api/uploads`,
      metadata: { filename: options.filename, kind: options.kind, ...options.metadata },
      headers: { cookie: options.cookie, 'x-csrf-token': options.csrf },
      chunkSize: options.chunkSize ?? 64 * 1024,
      retryDelays: [],
      onError: (err) => reject(err),
      onSuccess: () => {
        const url = upload.url as string;
        resolve({ url, assetId: url.split('/').pop() as string });
      },
    });
    upload.start();
  });
}
