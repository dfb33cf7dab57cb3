// Shared by the processor tests: temp folders, inputs, and the third-party fixtures.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { ProcessInput } from './types.ts';

import { FIXTURES } from '../../testing/fixtures.ts';

export { FIXTURES };
assert.ok(existsSync(path.join(FIXTURES, 'office', 'single-paragraph.docx')), `fixtures not found in ${FIXTURES}`);

/** A fresh folder, removed when the test ends. */
export async function tempDir(t: TestContext, prefix = 'lectern-proc-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function inputFor(
  file: string,
  workDir: string,
  detected: Partial<ProcessInput['detected']> = {},
  extra: Partial<ProcessInput> = {},
): ProcessInput {
  return {
    file,
    workDir,
    signal: new AbortController().signal,
    detected: { mime: 'application/octet-stream', ext: path.extname(file).slice(1), details: {}, ...detected },
    ...extra,
  };
}

/** Whether a process is still running (a zombie waiting to be reaped counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Pids of running processes whose command line mentions `text`. */
export function processesMentioning(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text) && alive(Number(entry)))
        found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}
