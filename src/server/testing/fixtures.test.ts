// The repository's copies of third-party fixtures must stay byte-for-byte what SOURCES.md lists.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { FIXTURES } from './fixtures.ts';

/** `| `moodle/questions.gift.txt` | … | `ace3…` |` rows → file → sha256. */
function listedHashes(sources: string): Map<string, string> {
  const listed = new Map<string, string>();
  for (const line of sources.split('\n')) {
    const file = line.match(/^\| `([a-z]+\/[^`]+)`/)?.[1];
    const sha = line.match(/`([0-9a-f]{64})` \|\s*$/)?.[1];
    if (file && sha) listed.set(file, sha);
  }
  return listed;
}

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : prefix
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

test('every fixture is listed in SOURCES.md with the SHA-256 of its bytes', () => {
  const listed = listedHashes(readFileSync(path.join(FIXTURES, 'SOURCES.md'), 'utf8'));
  const present = filesUnder(FIXTURES).sort();
  assert.ok(present.length >= 19, `expected the fixtures in ${FIXTURES}, found ${present.length}`);
  assert.deepEqual(present, [...listed.keys()].sort(), 'files on disk and rows in SOURCES.md differ');
  for (const file of present) {
    const sha = createHash('sha256')
      .update(readFileSync(path.join(FIXTURES, file)))
      .digest('hex');
    assert.equal(sha, listed.get(file), `${file} is not the listed bytes`);
  }
});
