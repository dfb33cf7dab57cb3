// The bundled certificate fonts (fonts/SOURCES.md), read once, on first use.
import { readFileSync } from 'node:fs';
import type { CertificateFonts } from './render.ts';

let loaded: CertificateFonts | undefined;

export function certificateFonts(): CertificateFonts {
  loaded ??= {
    regular: new Uint8Array(readFileSync(new URL('./fonts/DejaVuSans.ttf', import.meta.url))),
    bold: new Uint8Array(readFileSync(new URL('./fonts/DejaVuSans-Bold.ttf', import.meta.url))),
  };
  return loaded;
}
