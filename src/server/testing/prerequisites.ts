// What the test suite needs from the machine, grouped by what a person may opt out of with
// TEST_SKIP (e.g. `TEST_SKIP=browser,office npm test`). `npm test` checks (and, as root with
// apt-get, installs) every group not opted out before any test runs; a test that needs a group
// asks `skipIfOptedOut`, so it runs, and fails loudly, when its tool is missing without an opt-out.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { FFMPEG, FFPROBE, LIBREOFFICE, PDFTOPPM, type SystemTool } from '../system-tools.ts';

export const TEST_GROUPS = ['browser', 'video', 'office', 'pdf', 'strace'] as const;
export type TestGroup = (typeof TEST_GROUPS)[number];

export interface Requirement {
  name: string;
  /** Why the tests need it, said when it is installed or missing. */
  why: string;
  debianPackages: string[];
  /** null when present, else what is wrong. */
  check(): string | null;
}

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  return result.status === 0;
}

function tool(t: SystemTool, why: string): Requirement {
  return {
    name: t.name,
    why,
    debianPackages: t.debianPackages,
    check: () => (runs(t.command, t.versionArgs) ? null : `${t.command} not found in PATH`),
  };
}

const fonts: Requirement = {
  name: 'DejaVu fonts',
  why: 'pages, converted documents and screenshots render text with them',
  debianPackages: ['fonts-dejavu-core', 'fontconfig'],
  check: () => {
    const list = spawnSync('fc-list', [], { encoding: 'utf8', timeout: 30_000 });
    return list.status === 0 && /dejavu/i.test(list.stdout) ? null : 'no DejaVu font known to fontconfig (fc-list)';
  },
};

/**
 * `soffice --version` answers even when Debian's writer, calc or impress parts are missing (the core
 * package alone), and then every conversion fails: check the parts the tests convert with.
 */
const libreOffice: Requirement = {
  ...tool(LIBREOFFICE, 'the Office tests convert Word, Excel, PowerPoint and OpenDocument files to PDF'),
  check: () => {
    const found = spawnSync('sh', ['-c', 'readlink -f "$(command -v soffice)"'], { encoding: 'utf8' });
    const program = found.status === 0 ? path.dirname(found.stdout.trim()) : '';
    if (!program || !runs('soffice', ['--version'])) return 'soffice not found in PATH';
    const parts = { writer: 'libswlo.so', calc: 'libsclo.so', impress: 'libsdlo.so' };
    const missing = Object.entries(parts).filter(([, lib]) => !existsSync(path.join(program, lib)));
    return missing.length ? `LibreOffice without ${missing.map(([part]) => part).join(', ')}` : null;
  },
};

export const REQUIREMENTS: Record<TestGroup, Requirement[]> = {
  browser: [
    {
      name: 'Chromium',
      why: 'the browser tests drive Debian’s Chromium (CHROMIUM_PATH overrides /usr/bin/chromium)',
      debianPackages: ['chromium'],
      check: () => (runs(CHROMIUM_PATH, ['--version']) ? null : `${CHROMIUM_PATH} does not run`),
    },
    fonts,
  ],
  video: [
    tool(FFMPEG, 'the video and audio tests make their clips with it and process them'),
    tool(FFPROBE, 'the video tests probe every clip'),
  ],
  office: [libreOffice, fonts],
  pdf: [tool(PDFTOPPM, 'the PDF and Office tests make thumbnails with it')],
  strace: [
    {
      name: 'strace',
      why: 'a test proves that probing a video opens nothing but the input',
      debianPackages: ['strace'],
      check: () => {
        if (!runs('strace', ['-V'])) return 'strace not found in PATH';
        return runs('strace', ['-f', '-e', 'trace=openat', '-o', '/dev/null', 'true'])
          ? null
          : 'strace cannot trace here (ptrace not permitted); opt out with TEST_SKIP=strace';
      },
    },
  ],
};

/** TEST_SKIP as a set; unknown names are refused so a typo does not silently run everything. */
export function parseTestSkip(value: string | undefined): Set<TestGroup> {
  const names = (value ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !(TEST_GROUPS as readonly string[]).includes(n));
  if (unknown.length) {
    throw new Error(`TEST_SKIP names unknown group(s) ${unknown.join(', ')}; known: ${TEST_GROUPS.join(', ')}`);
  }
  return new Set(names as TestGroup[]);
}

let optedOut: Set<TestGroup> | undefined;

/** For `{ skip }` of a test that needs these groups: a reason only when the person opted out. */
export function skipIfOptedOut(...needs: TestGroup[]): string | false {
  optedOut ??= parseTestSkip(process.env.TEST_SKIP);
  const out = needs.filter((group) => optedOut?.has(group));
  return out.length ? `opted out with TEST_SKIP=${out.join(',')}` : false;
}
