// Lectern processes for the scale-out tests: web nodes and workers as real child processes.
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface LecternProcess {
  child: ChildProcess;
  pid: number;
  /** For web nodes. */
  url?: string;
  /** What it printed on stderr, for failure messages. */
  stderr(): string;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL, and wait for the exit. */
  kill(): Promise<void>;
}

export function startProcess(kind: 'web' | 'worker', env: Record<string, string>): Promise<LecternProcess> {
  const script = kind === 'web' ? 'src/server/main.ts' : 'src/server/worker.ts';
  const child = fork(path.join(root, script), kind === 'web' ? ['--web-only'] : [], {
    cwd: root,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: mkdtempSync(path.join(tmpdir(), `lectern-${kind}-`)),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} did not start in 60 s:\n${stderr}`)), 60_000);
    child.on('message', (message: { type?: string; port?: number }) => {
      if (message.type !== 'listening' && message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({
        child,
        pid: child.pid as number,
        url: message.port ? `http://127.0.0.1:${message.port}` : undefined,
        stderr: () => stderr,
        stop: () => signal('SIGTERM'),
        kill: () => signal('SIGKILL'),
      });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited with ${code} before it was ready:\n${stderr}`));
    });
  });
}

/** A browser-like HTTP client over real sockets: cookies and the CSRF token. */
export class HttpClient {
  private readonly cookies = new Map<string, string>();
  private csrf: string | undefined;

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  /** A request with our cookies and CSRF token but the caller's own headers and body (tus). */
  async raw(base: string, method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    this.csrf ??= ((await (await this.request(base, 'GET', '/api/auth/csrf')).json()) as { token: string }).token;
    return fetch(`${base}${url}`, {
      method,
      headers: { ...headers, cookie: this.cookieHeader(), 'x-csrf-token': this.csrf },
      body,
    });
  }

  async request(base: string, method: string, url: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (method !== 'GET') {
      this.csrf ??= ((await (await this.request(base, 'GET', '/api/auth/csrf')).json()) as { token: string }).token;
      headers['x-csrf-token'] = this.csrf;
      headers['content-type'] = 'application/json';
    }
    headers.cookie = this.cookieHeader();
    const response = await fetch(`${base}${url}`, {
      method,
      headers,
      body: method === 'GET' ? undefined : JSON.stringify(body ?? {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 0) continue;
      // A new session or CSRF secret (sign-in, sign-out): the token is bound to it, fetch another.
      if (/lectern_(session|csrf)=/.test(pair)) this.csrf = undefined;
      const value = pair.slice(eq + 1);
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
    return response;
  }
}
