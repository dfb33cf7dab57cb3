// Key rotation from the command line: node src/server/certificates/credential/rotate-key.ts
// With the keys in DATA_DIR, rotates the file in place (restart Lectern afterwards). With
// CREDENTIAL_SIGNING_KEYS set, prints the rotated JWK Set for you to give every node.
import path from 'node:path';
import { loadConfig } from '../../config.ts';
import { KEY_FILE_NAME, parseKeySet, rotateIssuerKeyFile, rotateKeySet } from './keys.ts';

const config = loadConfig();
if (config.credentials.signingKeys !== undefined) {
  const rotated = rotateKeySet(parseKeySet(config.credentials.signingKeys, 'CREDENTIAL_SIGNING_KEYS'));
  process.stdout.write(`${JSON.stringify({ keys: rotated })}\n`);
  process.stderr.write('Set this as CREDENTIAL_SIGNING_KEYS on every node, then restart them.\n');
} else {
  rotateIssuerKeyFile(config.dataDir);
  process.stderr.write(
    `Rotated ${path.join(config.dataDir, KEY_FILE_NAME)}; restart Lectern to sign with the new key.\n`,
  );
}
