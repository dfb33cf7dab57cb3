// What file-type recognised, mapped onto the allowlist of asset kinds. Containers that may hold
// either sound or pictures (MP4, Matroska/WebM, Ogg, 3GP, ASF) keep the kind the author declared
// when it is audio or video; ffprobe looks at the streams later.
import type { AssetKind } from '../../../shared/assets.ts';
import { known, type Sniffed } from './types.ts';

interface Entry {
  kinds: AssetKind[];
  ext?: string;
  mime?: string;
  mimeByKind?: Partial<Record<AssetKind, string>>;
  extByKind?: Partial<Record<AssetKind, string>>;
}

const image = (ext?: string): Entry => ({ kinds: ['image'], ext });
const video: Entry = { kinds: ['video'] };
const audio: Entry = { kinds: ['audio'] };

const TABLE: Record<string, Entry> = {
  png: image(),
  apng: image(),
  jpg: image(),
  gif: image(),
  webp: image(),
  avif: image(),
  bmp: image(),
  tif: image('tiff'),
  heic: image(),

  mp4: { kinds: ['video', 'audio'], mimeByKind: { audio: 'audio/mp4' }, extByKind: { audio: 'm4a' } },
  m4v: video,
  mov: video,
  mkv: { kinds: ['video', 'audio'], mimeByKind: { audio: 'audio/matroska' }, extByKind: { audio: 'mka' } },
  webm: { kinds: ['video', 'audio'], mimeByKind: { audio: 'audio/webm' } },
  avi: video,
  ogv: video,
  ogm: video,
  mts: { kinds: ['video'], ext: 'ts' },
  flv: video,
  f4v: video,
  mpg: { kinds: ['video'], mime: 'video/mpeg' }, // file-type says video/MP1S or video/MP2P
  '3gp': { kinds: ['video', 'audio'], mimeByKind: { audio: 'audio/3gpp' } },
  '3g2': { kinds: ['video', 'audio'], mimeByKind: { audio: 'audio/3gpp2' } },

  mp3: audio,
  m4a: audio,
  aac: audio,
  wav: audio,
  // Vorbis first page: usually sound, but an Ogg file may carry Theora video after it.
  ogg: { kinds: ['audio', 'video'], mimeByKind: { video: 'video/ogg' }, extByKind: { video: 'ogv' } },
  oga: audio,
  opus: { kinds: ['audio'], mime: 'audio/ogg; codecs=opus' },
  flac: audio,
  aif: { kinds: ['audio'], ext: 'aiff' },
};

const LABELS: Record<string, string> = {
  zip: 'a zip archive',
  rar: 'a RAR archive',
  '7z': 'a 7-Zip archive',
  gz: 'a gzip-compressed file',
  epub: 'an e-book (EPUB)',
  xml: 'an XML document',
  psd: 'a Photoshop document',
  ico: 'an icon',
  jxl: 'a JPEG XL image',
  rtf: 'a rich text (RTF) document',
  ps: 'a PostScript document',
  mid: 'a MIDI file',
  jar: 'a Java archive',
  apk: 'an Android app',
  class: 'a Java class file',
};

export interface FileTypeResult {
  ext: string;
  mime: string;
}

export function fromFileType(ft: FileTypeResult): Sniffed {
  // ASF (WMV/WMA): file-type tells sound from video by the first stream's type.
  if (ft.ext === 'asf') {
    if (ft.mime.startsWith('audio/')) return known('wma', 'audio/x-ms-wma', 'a Windows Media audio file', ['audio']);
    if (ft.mime.startsWith('video/')) return known('wmv', 'video/x-ms-wmv', 'a Windows Media video', ['video']);
    return known('wmv', 'video/x-ms-asf', 'a Windows Media file', ['video', 'audio'], {
      mimeByKind: { audio: 'audio/x-ms-asf' },
      extByKind: { audio: 'wma' },
    });
  }
  const entry = TABLE[ft.ext];
  const ext = entry?.ext ?? ft.ext;
  const label = LABELS[ft.ext] ?? `a .${ext} file (${ft.mime})`;
  if (!entry) return known(ext, ft.mime, label, []);
  return known(ext, entry.mime ?? ft.mime, label, entry.kinds, {
    mimeByKind: entry.mimeByKind,
    extByKind: entry.extByKind,
  });
}
