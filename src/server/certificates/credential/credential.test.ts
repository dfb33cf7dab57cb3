import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { OB_V3_CONTEXT, PINNED_CONTEXTS, pinnedContext, VC_V2_CONTEXT } from './contexts.ts';
import { buildCredential, isoSeconds, issuerProfile, openBadgeCredentialSchema, subjectId } from './credential.ts';
import { snapshot } from './test-fixtures.ts';

const publicUrl = 'https://learn.example.org/';
const issuer = issuerProfile(publicUrl, 'Example Academy');

describe('the Open Badges 3.0 credential of a certificate', () => {
  it('says who, what, when and where its status is', () => {
    const vc = buildCredential(snapshot(), { issuer, publicUrl });
    assert.deepEqual(vc['@context'], [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    assert.deepEqual(vc.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    assert.equal(vc.id, 'https://learn.example.org/verify/Q7H2-M4KX-9TRA-C3PZ-W6NB-E8JF-5VYD');
    assert.deepEqual(vc.issuer, {
      id: 'https://learn.example.org/api/issuer',
      type: ['Profile'],
      name: 'Example Academy',
      url: 'https://learn.example.org',
    });
    assert.equal(vc.validFrom, '2026-12-01T09:30:14Z');
    assert.equal(vc.validUntil, '2028-12-01T09:30:14Z');
    assert.equal(vc.awardedDate, vc.validFrom);
    const subject = vc.credentialSubject;
    assert.deepEqual(subject.type, ['AchievementSubject']);
    assert.equal(subject.name, 'Zoë Ångström-Łukasiewicz');
    assert.deepEqual(subject.identifier, [
      { type: 'IdentityObject', identityType: 'name', hashed: false, identityHash: 'Zoë Ångström-Łukasiewicz' },
    ]);
    assert.equal(subject.activityEndDate, '2026-12-01T09:30:12Z');
    const achievement = subject.achievement;
    assert.equal(achievement.id, 'https://learn.example.org/courses/c0ffee00-0000-4000-8000-000000000001/versions/3');
    assert.deepEqual(achievement.type, ['Achievement']);
    assert.equal(achievement.name, 'Handling chemicals safely');
    assert.equal(achievement.version, '3');
    assert.match(achievement.criteria.narrative, /version 3/);
    assert.match(achievement.description, /Handling chemicals safely/);
    assert.deepEqual(subject.result, [
      { type: ['Result'], resultDescription: `${achievement.id}#score`, value: '87.5' },
    ]);
    assert.equal(achievement.resultDescription?.[0]?.id, `${achievement.id}#score`);
    assert.deepEqual(vc.credentialStatus, {
      id: 'https://learn.example.org/api/credentials/status/1#42',
      type: 'BitstringStatusListEntry',
      statusPurpose: 'revocation',
      statusListIndex: '42',
      statusListCredential: 'https://learn.example.org/api/credentials/status/1',
    });
    // The schema accepts what we build, and JSON round trips it unchanged (it is what gets signed).
    assert.deepEqual(openBadgeCredentialSchema.parse(JSON.parse(JSON.stringify(vc))), vc);
  });

  it('leaves out what the certificate does not have: no expiry, no test score', () => {
    const vc = buildCredential(
      snapshot({ expiresAt: null, scorePercent: null, courseDescription: '  Learn to store acids.  ' }),
      {
        issuer,
        publicUrl,
      },
    );
    assert.equal('validUntil' in vc, false);
    assert.equal('result' in vc.credentialSubject, false);
    assert.equal('resultDescription' in vc.credentialSubject.achievement, false);
    assert.equal(vc.credentialSubject.achievement.description, 'Learn to store acids.');
  });

  it('is pure: the same snapshot gives the same credential', () => {
    assert.deepEqual(
      buildCredential(snapshot(), { issuer, publicUrl }),
      buildCredential(snapshot(), { issuer, publicUrl }),
    );
  });

  it('refuses a snapshot that breaks the schema', () => {
    assert.throws(() => buildCredential(snapshot({ holderName: '' }), { issuer, publicUrl }));
    assert.throws(() => buildCredential(snapshot({ statusIndex: -1 }), { issuer, publicUrl }));
  });

  it('names its holder by a per-certificate UUID, not an account', () => {
    const id = subjectId('CODE-1');
    assert.match(id, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(subjectId('CODE-1'), id);
    assert.notEqual(subjectId('CODE-2'), id);
  });

  it('writes dates in whole seconds, so nbf/exp equal validFrom/validUntil', () => {
    assert.equal(isoSeconds(Date.parse('2026-12-01T09:30:14.999Z')), '2026-12-01T09:30:14Z');
  });
});

describe('pinned JSON-LD contexts', () => {
  it('are in the repository with the SHA-256 SOURCES.md records, and nothing else is', () => {
    const dir = new URL('./contexts/', import.meta.url);
    const sources = readFileSync(new URL('SOURCES.md', dir), 'utf8');
    for (const [url, { file, sha256 }] of Object.entries(PINNED_CONTEXTS)) {
      const digest = createHash('sha256')
        .update(readFileSync(new URL(file, dir)))
        .digest('hex');
      assert.equal(digest, sha256, file);
      assert.ok(sources.includes(sha256) && sources.includes(url), `SOURCES.md names ${file}`);
      assert.ok((pinnedContext(url) as { '@context': object })['@context']);
    }
    assert.deepEqual(readdirSync(dir).sort(), ['SOURCES.md', 'credentials-v2.json', 'ob-context-3.0.3.json']);
    assert.equal(pinnedContext('https://example.org/other'), undefined);
  });

  it('define the terms the credential uses', () => {
    const vc = pinnedContext(VC_V2_CONTEXT) as { '@context': Record<string, unknown> };
    const ob = pinnedContext(OB_V3_CONTEXT) as { '@context': Record<string, unknown> };
    for (const term of ['VerifiableCredential', 'BitstringStatusListEntry', 'BitstringStatusListCredential', 'name']) {
      assert.ok(term in vc['@context'], term);
    }
    for (const term of [
      'OpenBadgeCredential',
      'Achievement',
      'AchievementSubject',
      'IdentityObject',
      'Profile',
      'awardedDate',
    ]) {
      assert.ok(term in ob['@context'], term);
    }
  });
});
