// The third-party test files (Moodle exports, Office documents, Flash movies) the repository carries
// in test/fixtures (sources, licences and SHA-256 in test/fixtures/SOURCES.md), or where
// LECTERN_FIXTURES_DIR says.
import { existsSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

export const FIXTURES = process.env.LECTERN_FIXTURES_DIR
  ? path.resolve(process.env.LECTERN_FIXTURES_DIR)
  : path.join(repoRoot, 'test', 'fixtures');

if (!existsSync(FIXTURES)) {
  throw new Error(`Test fixtures not found at ${FIXTURES} (LECTERN_FIXTURES_DIR overrides test/fixtures).`);
}
