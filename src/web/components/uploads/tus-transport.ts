// The browser's transport for the transfer queue: tus (tus-js-client) at /api/uploads, in large
// chunks, retried by tus after network drops and server errors, with the CSRF token on every
// request, and tus's URL storage (localStorage) for resuming after a reload.
import * as tus from 'tus-js-client';
import { ApiError, getCsrfToken, reportUnauthenticated, resetCsrfToken } from '../../api.ts';
import { assetsApi } from '../../assets-api.ts';
import type { StoredUpload, Transfer, TransferEvents, Transport } from './transfer-types.ts';

const UPLOAD_PATH = '/api/uploads';
// Large chunks: each PATCH has a fixed cost on the server, and an interrupted one keeps the bytes
// that arrived, so resuming loses nothing (bench/upload.ts: 8 MiB ≈ 0.3 of a raw PUT, 64 MiB ≈ 0.5).
const CHUNK_SIZE = 64 * 1024 * 1024;
const RETRY_DELAYS = [0, 1000, 3000, 5000, 10000, 20000];

function endpoint(): string {
  // tus resolves the Location header against the endpoint, which must therefore be absolute.
  return new URL(UPLOAD_PATH, window.location.href).href;
}

function statusOf(error: unknown): number {
  if (error instanceof tus.DetailedError) return error.originalResponse?.getStatus() ?? 0;
  return 0;
}

function bodyOf(error: unknown): string {
  if (!(error instanceof tus.DetailedError)) return '';
  try {
    return error.originalResponse?.getBody() ?? '';
  } catch {
    return '';
  }
}

/** The server's own words for a refusal: its JSON `message`, or its text, or a sentence per status. */
export function serverMessage(status: number, body: string): string {
  const text = body.trim();
  if (text.startsWith('{')) {
    try {
      const json = JSON.parse(text) as { message?: unknown };
      if (typeof json.message === 'string' && json.message) return json.message;
    } catch {
      // not JSON after all
    }
  } else if (text && text.length <= 500 && !text.startsWith('<')) {
    return text;
  }
  switch (status) {
    case 401:
      return 'Your session has expired. Sign in again, then choose the file again.';
    case 403:
      return 'You may not upload files.';
    case 404:
    case 410:
      return 'The server no longer has this upload. Choose the file again to start over.';
    case 413:
      return 'This file is too large.';
    case 0:
      return 'Could not reach the server.';
    default:
      return `The server could not take the file (status ${status}).`;
  }
}

export function assetIdFromUrl(url: string): string | null {
  const id = url.split('?')[0]?.split('/').filter(Boolean).at(-1);
  return id ? decodeURIComponent(id) : null;
}

function toStored(entry: tus.PreviousUpload): StoredUpload | null {
  if (!entry.uploadUrl?.startsWith(`${endpoint()}/`)) return null;
  const assetId = assetIdFromUrl(entry.uploadUrl);
  if (!assetId) return null;
  return {
    storageKey: entry.urlStorageKey,
    uploadUrl: entry.uploadUrl,
    assetId,
    name: entry.metadata?.filename ?? 'Unnamed file',
    size: entry.size,
    createdAt: entry.creationTime,
  };
}

function createTransfer(file: File, meta: { kind: string; draftId: string | null }, events: TransferEvents): Transfer {
  const upload: tus.Upload = new tus.Upload(file, {
    endpoint: endpoint(),
    chunkSize: CHUNK_SIZE,
    retryDelays: RETRY_DELAYS,
    removeFingerprintOnSuccess: true,
    storeFingerprintForResuming: true,
    metadata: { filename: file.name, kind: meta.kind, ...(meta.draftId ? { draftId: meta.draftId } : {}) },
    // The token is set here, not in `headers`, so that a renewed token is used from then on.
    onBeforeRequest: async (req) => {
      if (req.getMethod() !== 'HEAD') req.setHeader('x-csrf-token', await getCsrfToken());
    },
    onShouldRetry: (error) => {
      const status = statusOf(error);
      if (status === 403 && bodyOf(error).includes('csrf_invalid')) {
        // The token belongs to an older session secret: fetch a new one and try again.
        resetCsrfToken();
        return true;
      }
      if (status >= 400 && status < 500 && status !== 409 && status !== 423) return false;
      // No answer, or a server error: say so while tus waits and tries again.
      if (status === 0 || status >= 500) events.onRetrying(status === 0 ? 'network' : 'server');
      return true;
    },
    onUploadUrlAvailable: () => {
      const assetId = upload.url ? assetIdFromUrl(upload.url) : null;
      if (assetId) events.onCreated(assetId);
    },
    onProgress: (bytesSent) => events.onProgress(bytesSent),
    onSuccess: () => events.onSuccess(),
    onError: (error) => {
      const status = statusOf(error);
      const isHttp = error instanceof tus.DetailedError && error.originalRequest !== null;
      if (isHttp && (status === 0 || status === 423)) {
        events.onError({ kind: 'offline' });
        return;
      }
      if (status === 401) reportUnauthenticated();
      const message = isHttp
        ? serverMessage(status, bodyOf(error))
        : `The upload stopped: ${error instanceof Error ? error.message : String(error)}`;
      // A refusal (too large, not allowed, unknown kind) stays a refusal; other failures may pass later.
      const retryable = !isHttp || !(status >= 400 && status < 500) || status === 408 || status === 429;
      events.onError({ kind: 'refused', message, retryable });
    },
  });
  return {
    get url() {
      return upload.url;
    },
    async resumeStored(inUse) {
      const previous = await upload.findPreviousUploads();
      const candidate = previous
        .filter((p) => p.uploadUrl && !inUse.has(p.uploadUrl))
        .sort((a, b) => b.creationTime.localeCompare(a.creationTime))[0];
      if (!candidate) return null;
      upload.resumeFromPreviousUpload(candidate);
      return (
        toStored(candidate) ?? {
          storageKey: candidate.urlStorageKey,
          uploadUrl: candidate.uploadUrl ?? '',
          assetId: '',
          name: file.name,
          size: candidate.size,
          createdAt: candidate.creationTime,
        }
      );
    },
    start: () => upload.start(),
    abort: (terminate) => upload.abort(terminate),
  };
}

export const tusTransport: Transport<File> = {
  // The first request needs the CSRF token: get it before anything starts.
  prepare: async () => {
    await getCsrfToken();
  },
  create: createTransfer,
  async stored() {
    const all = await tus.defaultOptions.urlStorage.findAllUploads();
    return all.map(toStored).filter((entry) => entry !== null);
  },
  async forgetStored(storageKey) {
    await tus.defaultOptions.urlStorage.removeUpload(storageKey);
  },
  async serverOffset(url) {
    try {
      const response = await fetch(url, {
        method: 'HEAD',
        headers: { 'tus-resumable': '1.0.0' },
        credentials: 'same-origin',
      });
      if (response.status >= 400 && response.status < 500) return 'gone';
      if (!response.ok) return null;
      const offset = Number.parseInt(response.headers.get('upload-offset') ?? '', 10);
      const length = Number.parseInt(response.headers.get('upload-length') ?? '', 10);
      if (Number.isFinite(offset) && Number.isFinite(length) && offset >= length) return 'gone';
      return Number.isFinite(offset) ? offset : null;
    } catch {
      return null;
    }
  },
  async terminate(url) {
    try {
      await tus.Upload.terminate(url, {
        retryDelays: [0, 1000, 3000],
        onBeforeRequest: async (req) => {
          req.setHeader('x-csrf-token', await getCsrfToken());
        },
      });
    } catch (error) {
      const status = statusOf(error);
      // Already gone (404/410), or finished (the asset then stays, like any uploaded file).
      if (status !== 404 && status !== 410 && status !== 400) throw new Error(serverMessage(status, bodyOf(error)));
    }
  },
  async removeAsset(assetId) {
    try {
      await assetsApi.remove(assetId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return;
      throw error instanceof ApiError ? error : new Error(serverMessage(0, ''));
    }
  },
};
