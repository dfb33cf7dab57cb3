// The pure certificate rules: codes (≥ 128 random bits, typed back in any case with dashes and
// look-alikes), expiry in calendar months, and status (revoked wins over expired).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { CODE_LENGTH, certificateStatus, encodeCode, expiryOf, formatCode, normalizeCode } from './certificates.ts';

describe('certificate codes', () => {
  it('carry at least 128 random bits in Crockford base32', () => {
    assert.ok(CODE_LENGTH * 5 >= 128);
    const codes = new Set(Array.from({ length: 1000 }, () => encodeCode(randomBytes(17))));
    assert.equal(codes.size, 1000);
    for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.throws(() => encodeCode(randomBytes(16)));
  });

  it('encode every bit: bytes differing in one bit give different codes', () => {
    const a = new Uint8Array(17);
    for (let bit = 0; bit < 130 && bit < 17 * 8; bit++) {
      const b = new Uint8Array(17);
      b[Math.floor(bit / 8)] = 1 << (7 - (bit % 8));
      assert.notEqual(encodeCode(a), encodeCode(b), `bit ${bit}`);
    }
  });

  it('read back what people type: case, dashes, spaces, O for 0 and I or L for 1', () => {
    const code = encodeCode(randomBytes(17));
    assert.equal(normalizeCode(code), code);
    assert.equal(normalizeCode(formatCode(code).toLowerCase()), code);
    assert.equal(normalizeCode(` ${formatCode(code)} `), code);
    assert.equal(normalizeCode('O1234567890ABCDEFGHJKMNPQI'), '01234567890ABCDEFGHJKMNPQ1');
    assert.equal(normalizeCode('short'), null);
    assert.equal(normalizeCode('U1234567890ABCDEFGHJKMNPQR'), null);
    assert.equal(formatCode('0123456789ABCDEFGHJKMNPQRS'), '01234-56789-ABCDE-FGHJK-MNPQR-S');
  });
});

describe('certificate validity', () => {
  it('expires in calendar months, clamped to the end of a shorter month, or never', () => {
    assert.equal(expiryOf(Date.UTC(2026, 0, 31, 12), 1), Date.UTC(2026, 1, 28, 12));
    assert.equal(expiryOf(Date.UTC(2026, 4, 15, 8, 30), 12), Date.UTC(2027, 4, 15, 8, 30));
    assert.equal(expiryOf(Date.UTC(2024, 1, 29), 12), Date.UTC(2025, 1, 28));
    assert.equal(expiryOf(Date.UTC(2026, 0, 1), null), null);
  });

  it('is valid, expired at its expiry, and revoked whatever the date', () => {
    const now = Date.UTC(2026, 5, 1);
    assert.equal(certificateStatus({ revokedAt: null, expiresAt: null }, now), 'valid');
    assert.equal(certificateStatus({ revokedAt: null, expiresAt: now + 1 }, now), 'valid');
    assert.equal(certificateStatus({ revokedAt: null, expiresAt: now }, now), 'expired');
    assert.equal(certificateStatus({ revokedAt: now - 5, expiresAt: now - 10 }, now), 'revoked');
  });
});
