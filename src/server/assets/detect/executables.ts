// Programs and scripts: refused whatever kind the author chose, because a learner who downloads
// one could run it. Only magic numbers are checked; Windows .bat/.ps1/.vbs cannot be told from text.
import { startsWith } from './bytes.ts';
import type { Sniffed } from './types.ts';

const WHY = 'Programs and scripts cannot be uploaded.';

export function sniffExecutable(head: Buffer): Sniffed | null {
  if (startsWith(head, 'MZ')) return { type: 'dangerous', label: 'a Windows program', why: WHY };
  if (startsWith(head, [0x7f, 0x45, 0x4c, 0x46])) return { type: 'dangerous', label: 'a Linux program', why: WHY };
  const be = head.length >= 4 ? head.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabf].includes(be)) {
    return { type: 'dangerous', label: 'a macOS program', why: WHY };
  }
  // 0xCAFEBABE is both a universal Mach-O binary and a Java class file; the next word is the
  // architecture count (small) for Mach-O and the class file version (>= 45) for Java.
  if (be === 0xcafebabe && head.length >= 8 && head.readUInt32BE(4) < 45) {
    return { type: 'dangerous', label: 'a macOS program', why: WHY };
  }
  // `#!` makes any text file runnable on Linux and macOS (also checked after a UTF-8 BOM).
  if (startsWith(head, '#!') || startsWith(head, [0xef, 0xbb, 0xbf, 0x23, 0x21])) {
    return { type: 'dangerous', label: 'a script (it starts with “#!”)', why: WHY };
  }
  return null;
}
