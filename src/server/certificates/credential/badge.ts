// The badge image a credential is baked into: a medal with the course title, drawn as SVG and
// rasterised by sharp (librsvg; text in the system's sans-serif font through fontconfig).
import sharp from 'sharp';

export const BADGE_SIZE = 512;
const MAX_LINES = 3;
const LINE_CHARS = 15;

const escapeXml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);

/** The title broken into at most three short lines at spaces (long words cut), ending with … when cut. */
export function titleLines(title: string, lineChars = LINE_CHARS, maxLines = MAX_LINES): string[] {
  // Characters, not UTF-16 units, so a name in any script is cut between letters.
  const words = title
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .flatMap((w) => chunk([...w], lineChars));
  const lines: string[] = [];
  let line: string[] = [];
  let i = 0;
  for (; i < words.length; i++) {
    const word = words[i] as string[];
    const next = line.length ? [...line, ' ', ...word] : word;
    if (next.length <= lineChars) {
      line = next;
      continue;
    }
    lines.push(line.join(''));
    line = word;
    if (lines.length === maxLines) break;
  }
  if (lines.length < maxLines && line.length) {
    lines.push(line.join(''));
    line = [];
  }
  const cut = i < words.length || line.length > 0;
  if (cut && lines.length) {
    const last = [...(lines.pop() as string)];
    lines.push(
      `${last
        .slice(0, lineChars - 1)
        .join('')
        .trimEnd()}…`,
    );
  }
  return lines.length ? lines : ['Course'];
}

function chunk(chars: string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size));
  return out;
}

export function badgeSvg(title: string): string {
  const lines = titleLines(title);
  const lineHeight = 40;
  const firstY = 272 - ((lines.length - 1) * lineHeight) / 2;
  const text = lines.map((l, i) => `<tspan x="256" y="${firstY + i * lineHeight}">${escapeXml(l)}</tspan>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${BADGE_SIZE}" height="${BADGE_SIZE}" viewBox="0 0 512 512">
  <path d="M176 380 L136 500 L196 470 L226 508 L256 400 Z" fill="#1c7ed6"/>
  <path d="M336 380 L376 500 L316 470 L286 508 L256 400 Z" fill="#1864ab"/>
  <circle cx="256" cy="236" r="200" fill="#f8f9fa" stroke="#1864ab" stroke-width="16"/>
  <circle cx="256" cy="236" r="172" fill="none" stroke="#74c0fc" stroke-width="4"/>
  <text x="256" y="150" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="24" font-weight="bold" letter-spacing="4" fill="#1864ab">CERTIFIED</text>
  <text text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="30" font-weight="bold" fill="#212529">${text}</text>
  <text x="256" y="356" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="20" fill="#495057">Lectern</text>
</svg>`;
}

/** A PNG badge for a course (to be baked with `bakePng`). */
export function renderBadgePng(title: string): Promise<Buffer> {
  return sharp(Buffer.from(badgeSvg(title)), { density: 72 })
    .png({ compressionLevel: 9 })
    .toBuffer();
}
