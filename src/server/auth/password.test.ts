import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse battery staple', 12);
    assert.match(hash, /^scrypt\$12\$8\$1\$/);
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
    assert.equal(await verifyPassword('correct horse battery stapl', hash), false);
  });

  it('salts every hash', async () => {
    assert.notEqual(await hashPassword('same password here', 10), await hashPassword('same password here', 10));
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const hash = await hashPassword('caf\u00e9 au lait 123', 10);
    assert.equal(await verifyPassword('cafe\u0301 au lait 123', hash), true);
  });

  it('asks for a rehash when the cost was raised, and rejects malformed hashes', async () => {
    const weak = await hashPassword('some long password', 10);
    assert.equal(needsRehash(weak, 17), true);
    assert.equal(needsRehash(weak, 10), false);
    assert.equal(await verifyPassword('x', 'md5$abc'), false);
  });

  it('hashes at the OWASP cost (N=2^17) without hitting scrypt memory limits', async () => {
    const hash = await hashPassword('correct horse battery staple', 17);
    assert.equal(await verifyPassword('correct horse battery staple', hash), true);
  });
});
