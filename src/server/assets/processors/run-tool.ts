// Runs an external converter (ffmpeg, pdftoppm, LibreOffice…) on an untrusted file: no shell, low CPU
// priority, bounded output and time, and the whole process group killed on timeout or abort, so helper
// processes a tool starts (soffice → oosplash → soffice.bin) never outlive the job.
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Command names or absolute paths of the tools; a processor given a missing one takes its "no tool" path. */
export interface ToolPaths {
  ffmpeg: string;
  ffprobe: string;
  pdftoppm: string;
  soffice: string;
}
export const DEFAULT_TOOLS: ToolPaths = {
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffprobe',
  pdftoppm: 'pdftoppm',
  soffice: 'soffice',
};

export interface RunToolOptions {
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  /** Added to (not replacing) the current environment. */
  env?: Record<string, string>;
  /** Per stream; the rest is read and dropped. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Every stdout chunk as it arrives (e.g. ffmpeg `-progress pipe:1`). */
  onStdout?: (chunk: string) => void;
  onSpawn?: (pid: number) => void;
  /** CPU priority (nice), default 10; 0 for short steps someone is waiting on (a video's fast path). */
  niceness?: number;
}

export interface ToolOutput {
  stdout: string;
  stderr: string;
  /** Exit code; null when the tool was killed by a signal it did not get from us. */
  code: number | null;
}

export type ToolErrorKind = 'missing' | 'timeout' | 'aborted' | 'failed';

export class ToolError extends Error {
  readonly tool: string;
  readonly kind: ToolErrorKind;
  constructor(tool: string, kind: ToolErrorKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ToolError';
    this.tool = tool;
    this.kind = kind;
  }
}

const availability = new Map<string, boolean>();

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Whether `command` (a name looked up in PATH, or a path) can be run. Cached per process. */
export function toolAvailable(command: string): boolean {
  let found = availability.get(command);
  if (found === undefined) {
    found = command.includes('/')
      ? isExecutable(command)
      : (process.env.PATH ?? '')
          .split(path.delimiter)
          .some((dir) => dir !== '' && isExecutable(path.join(dir, command)));
    availability.set(command, found);
  }
  return found;
}

// Groups still running, killed if this process exits first (e.g. a worker shutting down mid-conversion).
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<ToolOutput> {
  const tool = path.basename(command);
  const { signal } = options;
  const maxOutput = options.maxOutputBytes ?? 1024 * 1024;
  return new Promise<ToolOutput>((resolve, reject) => {
    if (signal.aborted) {
      reject(new ToolError(tool, 'aborted', `${tool} was not started because the job was cancelled.`));
      return;
    }
    if (!toolAvailable(command)) {
      reject(new ToolError(tool, 'missing', `${tool} is not installed on this server.`));
      return;
    }
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const pid of liveGroups) killGroup(pid);
      });
    }
    // `nice` execs the tool, so the pid (and process group) stays the tool's own.
    const niceness = options.niceness ?? 10;
    const useNice = niceness > 0 && toolAvailable('nice');
    const child = spawn(useNice ? 'nice' : command, useNice ? ['-n', String(niceness), command, ...args] : [...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      detached: true, // its own process group, so we can kill the tool's children too
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) {
      liveGroups.add(pid);
      if (!useNice && niceness > 0) {
        try {
          os.setPriority(pid, niceness);
        } catch {
          // Not permitted here; run at normal priority.
        }
      }
      options.onSpawn?.(pid);
    }

    const out = { stdout: '', stderr: '' };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: string) => {
      if (out[stream].length < maxOutput) out[stream] += chunk.slice(0, maxOutput - out[stream].length);
      if (stream === 'stdout') options.onStdout?.(chunk);
    };
    child.stdout.setEncoding('utf8').on('data', collect('stdout'));
    child.stderr.setEncoding('utf8').on('data', collect('stderr'));

    let failure: ToolError | undefined;
    let settled = false;
    let fallback: NodeJS.Timeout | undefined;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(fallback);
      signal.removeEventListener('abort', onAbort);
      if (pid !== undefined) liveGroups.delete(pid);
      if (failure) reject(failure);
      else resolve({ ...out, code });
    };
    const stop = (error: ToolError) => {
      if (failure || settled) return;
      failure = error;
      if (pid !== undefined) killGroup(pid);
      // Normally 'close' follows within milliseconds; do not wait forever for a process stuck in the kernel.
      fallback = setTimeout(() => finish(null), 2000);
    };
    const timer = setTimeout(
      () =>
        stop(
          new ToolError(
            tool,
            'timeout',
            `${tool} took longer than ${Math.round(options.timeoutMs / 1000)} s and was stopped.`,
          ),
        ),
      options.timeoutMs,
    );
    const onAbort = () =>
      stop(
        new ToolError(tool, 'aborted', `${tool} was stopped because the job was cancelled.`, { cause: signal.reason }),
      );
    signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (err) => {
      failure ??= new ToolError(tool, 'failed', `${tool} could not be started: ${err.message}`, { cause: err });
      finish(null);
    });
    // Kill leftovers of the group once the tool itself exits, so a stray helper cannot hold the pipes open.
    child.on('exit', () => {
      if (pid !== undefined) killGroup(pid);
    });
    child.on('close', (code) => finish(code));
  });
}
