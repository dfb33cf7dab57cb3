// The third-party test files (Moodle exports, Office documents, Flash movies) in shared/fixtures,
// which sits beside the repository (`<clone>/../shared/fixtures`), or where LECTERN_FIXTURES_DIR says.
import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export const FIXTURES = process.env.LECTERN_FIXTURES_DIR
  ? path.resolve(process.env.LECTERN_FIXTURES_DIR)
  : path.resolve(repoRoot, '../shared/fixtures');

if (!existsSync(FIXTURES)) {
  throw new Error(
    `Test fixtures not found at ${FIXTURES}: keep the repository beside shared/ (as CI does) or set LECTERN_FIXTURES_DIR.`,
  );
}
