// A stored file as a service hands it to be sent: which blob, what it is, and how the browser should
// take it. The HTTP layer (http/send-blob.ts) turns it into headers and bytes.

export interface FileToServe {
  key: string;
  size: number;
  mime: string;
  /** Content hash: a strong validator that never changes for this key. */
  etag: string;
  /** Shown in the browser, or saved under `fileName`. Active content is always saved, whatever is asked. */
  disposition: 'inline' | 'attachment';
  /** The name the browser offers; none for a file only ever shown (captions). */
  fileName?: string;
  /** Our own sanitized HTML (the docx preview): shown inline, sandboxed, in a frame of ours. */
  sanitizedMarkup?: boolean;
}

/** The etag of a content-addressed blob: the hash its key ends with. */
export function blobEtag(blobKey: string): string {
  return blobKey.slice(-64);
}
