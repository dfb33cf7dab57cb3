// The programs Lectern runs, what each is for and the Debian packages that bring it: read by
// `npm run doctor` and by the test suite's prerequisites step, so both name the same packages.
export interface SystemTool {
  /** What a person calls it. */
  name: string;
  /** Looked up in PATH. */
  command: string;
  versionArgs: string[];
  versionPattern: RegExp;
  usedFor: string;
  debianPackages: string[];
}

export const FFMPEG: SystemTool = {
  name: 'ffmpeg',
  command: 'ffmpeg',
  versionArgs: ['-version'],
  versionPattern: /ffmpeg version (\S+)/,
  usedFor: 'video and audio processing',
  debianPackages: ['ffmpeg'],
};

export const FFPROBE: SystemTool = {
  name: 'ffprobe',
  command: 'ffprobe',
  versionArgs: ['-version'],
  versionPattern: /ffprobe version (\S+)/,
  usedFor: 'video probing',
  debianPackages: ['ffmpeg'],
};

export const LIBREOFFICE: SystemTool = {
  name: 'LibreOffice',
  command: 'soffice',
  versionArgs: ['--version'],
  versionPattern: /LibreOffice (\S+)/,
  usedFor: 'Office documents converted to PDF for viewing',
  debianPackages: ['libreoffice-core', 'libreoffice-writer', 'libreoffice-calc', 'libreoffice-impress'],
};

export const PDFTOPPM: SystemTool = {
  name: 'pdftoppm',
  command: 'pdftoppm',
  versionArgs: ['-v'],
  versionPattern: /pdftoppm version (\S+)/,
  usedFor: 'PDF thumbnails',
  debianPackages: ['poppler-utils'],
};

/** What the server itself can use; none is required to start, each missing one narrows what it does. */
export const SERVER_TOOLS: SystemTool[] = [FFMPEG, FFPROBE, LIBREOFFICE, PDFTOPPM];
