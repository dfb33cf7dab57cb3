// OLE2 / Compound File Binary: legacy Word, Excel and PowerPoint, but also Outlook messages,
// Windows installers, password-protected OOXML and more; the streams inside tell them apart.
import CFB, { type CFB$Container } from 'cfb';
import { startsWith } from './bytes.ts';
import { known, type Sniffed } from './types.ts';

export function isCfb(head: Buffer): boolean {
  return startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
}

// Root storage CLSIDs of Windows Installer packages (.msi), patches (.msp) and transforms (.mst),
// as the cfb package prints them (the GUID's bytes in file order).
const INSTALLER_CLSIDS = new Set([
  '84100c0000000000c000000000000046',
  '86100c0000000000c000000000000046',
  '82100c0000000000c000000000000046',
]);

const FORMATS = {
  doc: { mime: 'application/msword', label: 'a Word 97–2003 document', streams: ['WordDocument'] },
  xls: { mime: 'application/vnd.ms-excel', label: 'an Excel 97–2003 workbook', streams: ['Workbook', 'Book'] },
  ppt: {
    mime: 'application/vnd.ms-powerpoint',
    label: 'a PowerPoint 97–2003 presentation',
    streams: ['PowerPoint Document'],
  },
} as const;

/** `data` is the whole file (legacy Office files are limited to a few hundred MB upstream). */
export function sniffCfb(data: Buffer): Sniffed {
  let container: CFB$Container;
  try {
    container = CFB.read(data, { type: 'buffer' });
  } catch {
    return { type: 'broken', reason: 'This file looks like an Office 97–2003 document but it is damaged or cut off.' };
  }
  const root = container.FileIndex[0];
  if (root && INSTALLER_CLSIDS.has(root.clsid.toLowerCase())) {
    return { type: 'dangerous', label: 'a Windows installer', why: 'Programs and scripts cannot be uploaded.' };
  }
  // Top-level streams only: "Root Entry/WordDocument" and so on. An embedded document lives in a
  // sub-storage (e.g. "ObjectPool/…") and must not make its container look like Word.
  const top = new Set<string>();
  for (const full of container.FullPaths) {
    const parts = full.split('/').filter(Boolean);
    if (parts.length === 2 && parts[1]) top.add(parts[1]);
  }
  // VBA lives in "Macros/" (Word) or "_VBA_PROJECT_CUR/" (Excel); PowerPoint hides it inside its
  // main stream, so macros there go unnoticed.
  const macros = container.FullPaths.some((p) => /\/(?:Macros|_VBA_PROJECT_CUR)\//.test(p));
  for (const format of ['doc', 'xls', 'ppt'] as const) {
    const { mime, label, streams } = FORMATS[format];
    if (streams.some((s) => top.has(s))) {
      return known(format, mime, label, ['office'], { details: macros ? { format, macros } : { format } });
    }
  }
  if (top.has('EncryptedPackage')) {
    return known('cfb', 'application/x-cfb', 'a password-protected Office document', [], {
      whyNot:
        'This document is protected with a password, so it cannot be shown or converted. Remove the password and upload it again.',
    });
  }
  return known(
    'cfb',
    'application/x-cfb',
    'a Microsoft compound file that is not a Word, Excel or PowerPoint document',
    [],
  );
}
