// An import file that cannot be read at all (too large, not text, not well-formed, hostile): the
// service turns it into a domain error; nothing is stored.
export class ImportError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'ImportError';
    this.code = code;
  }
}
