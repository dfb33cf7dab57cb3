// Captions: the browser's <track> only takes WebVTT, so SRT is converted, and VTT is re-written from its
// parsed cues, which drops everything we do not understand (STYLE/REGION/NOTE blocks, unknown cue settings,
// broken cues). Cues are sorted by start time, as WebVTT requires.
import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Processor } from './types.ts';

const MAX_BYTES = 20 * 1024 * 1024; // far beyond any real subtitle file
const NO_CUES = 'No subtitles could be read from this file.';

export interface Cue {
  id?: string;
  start: number; // ms
  end: number; // ms
  settings: string;
  text: string;
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 — the usual encoding of old SRT files. */
export function decodeSubtitleBytes(bytes: Uint8Array): { text: string; encoding: string } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }; // strips a BOM
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

const TIME = /^(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})$/;

function parseTime(value: string): number | null {
  const m = TIME.exec(value);
  if (!m) return null;
  const [hours, minutes, seconds] = [Number(m[1] ?? 0), Number(m[2]), Number(m[3])];
  if (minutes > 59 || seconds > 59) return null;
  const ms = Number((m[4] ?? '0').padEnd(3, '0'));
  return ((hours * 60 + minutes) * 60 + seconds) * 1000 + ms;
}

function formatTime(ms: number): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

// The WebVTT cue settings; anything else is dropped.
const SETTING =
  /^(?:vertical:(?:rl|lr)|line:-?\d+(?:\.\d+)?%?(?:,(?:start|center|end))?|position:\d+(?:\.\d+)?%(?:,(?:line-left|center|line-right))?|size:\d+(?:\.\d+)?%|align:(?:start|center|end|left|right))$/;

/** SRT cue text → WebVTT cue text: keep <i>, <b>, <u>; drop <font> and {\an8}-style codes; escape the rest. */
function srtTextToVtt(text: string): string {
  const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const cleaned = text.replace(/\{\\[^}]*\}/g, '').replace(/<\/?font\b[^>]*>/gi, '');
  return cleaned
    .split(/(<\/?[ibu]>)/i)
    .map((part, i) => (i % 2 === 1 ? part.toLowerCase() : escapeText(part)))
    .join('');
}

/** Parses SRT or WebVTT (told apart by the `WEBVTT` header); invalid cues are skipped. */
export function parseSubtitles(text: string): { format: 'srt' | 'vtt'; cues: Cue[] } {
  const normalized = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const vtt = /^WEBVTT(?:[ \t][^\n]*)?(?:\n|$)/.test(normalized);
  const blocks = normalized.split(/\n[ \t]*\n/);
  if (vtt) blocks.shift(); // the header block
  const cues: Cue[] = [];
  for (const block of blocks) {
    const lines = block.split('\n');
    while (lines.length > 0 && lines[0]?.trim() === '') lines.shift();
    if (lines.length === 0 || (vtt && /^(?:NOTE|STYLE|REGION)(?:\s|$)/.test(lines[0] ?? ''))) continue;
    const at = lines[0]?.includes('-->') ? 0 : lines[1]?.includes('-->') ? 1 : -1;
    if (at < 0) continue;
    const timing = /^\s*([\d:.,]+)\s*-->\s*([\d:.,]+)(.*)$/.exec(lines[at] ?? '');
    if (!timing) continue;
    const start = parseTime(timing[1] ?? '');
    const end = parseTime(timing[2] ?? '');
    if (start === null || end === null || end <= start) continue;
    const body = lines
      .slice(at + 1)
      .join('\n')
      .trim();
    const cueText = vtt ? body.replace(/-->/g, '--&gt;') : srtTextToVtt(body);
    if (cueText.trim() === '') continue;
    const cue: Cue = { start, end, settings: '', text: cueText };
    if (vtt) {
      cue.settings = (timing[3] ?? '')
        .trim()
        .split(/[ \t]+/)
        .filter((s) => SETTING.test(s))
        .join(' ');
      const id = at === 1 ? lines[0]?.trim() : undefined;
      if (id) cue.id = id;
    }
    cues.push(cue);
  }
  cues.sort((a, b) => a.start - b.start); // stable: equal starts keep their order
  return { format: vtt ? 'vtt' : 'srt', cues };
}

export function formatWebVtt(cues: readonly Cue[]): string {
  const parts = cues.map((cue) => {
    const timing = `${formatTime(cue.start)} --> ${formatTime(cue.end)}${cue.settings ? ` ${cue.settings}` : ''}`;
    return `${cue.id ? `${cue.id}\n` : ''}${timing}\n${cue.text}\n`;
  });
  return `WEBVTT\n\n${parts.join('\n')}`;
}

export const processCaptions: Processor = async ({ file, workDir }) => {
  if ((await stat(file)).size > MAX_BYTES) return { ok: false, reason: 'The subtitle file is too large (over 20 MB).' };
  const { text, encoding } = decodeSubtitleBytes(await readFile(file));
  const { format, cues } = parseSubtitles(text);
  if (cues.length === 0) return { ok: false, reason: NO_CUES };
  const out = path.join(workDir, 'captions.vtt');
  await writeFile(out, formatWebVtt(cues), 'utf8');
  const last = cues.reduce((max, c) => Math.max(max, c.end), 0);
  return {
    ok: true,
    derivatives: [{ role: 'vtt', path: out, mime: 'text/vtt' }],
    metadata: { cues: cues.length, format, encoding, durationSeconds: last / 1000 },
  };
};
