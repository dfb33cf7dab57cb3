// The renderer is a pure function: the same snapshot, template and options give the same bytes
// (the issue job may render again after a crash); characters the font lacks print as "?" and are
// reported; the page is A4 landscape; a logo is drawn; the file stays small.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { PDFDocument } from '@cantoo/pdf-lib';
import sharp from 'sharp';
import { type CertificateSnapshot, DEFAULT_CERTIFICATE_TEMPLATE } from '../../shared/certificates.ts';
import { certificateFonts } from './fonts.ts';
import { renderCertificatePdf } from './render.ts';

const snapshot: CertificateSnapshot = {
  holderName: 'Zoë Ångström-Łukasiewicz',
  courseTitle: 'Évacuation & sécurité incendie',
  version: 3,
  versionLabel: '',
  score: 92.25,
  completedAt: '2026-12-05T10:00:00.000Z',
  issuedAt: '2026-12-05T10:00:02.000Z',
  expiresAt: '2027-12-05T10:00:02.000Z',
  code: '0123456789ABCDEFGHJKMNPQRS',
};
const options = { fonts: certificateFonts(), verifyUrl: 'https://learn.example.org/verify/0123456789ABCDEFGHJKMNPQRS' };

describe('the certificate renderer', () => {
  it('gives the same bytes for the same inputs, on an A4 landscape page, under 150 KB', async () => {
    const a = await renderCertificatePdf(snapshot, DEFAULT_CERTIFICATE_TEMPLATE, options);
    const b = await renderCertificatePdf(snapshot, DEFAULT_CERTIFICATE_TEMPLATE, options);
    assert.deepEqual(Buffer.from(a), Buffer.from(b));
    assert.ok(a.length < 150 * 1024, `${a.length} bytes`);
    const page = (await PDFDocument.load(a)).getPage(0);
    assert.deepEqual([Math.round(page.getWidth()), Math.round(page.getHeight())], [842, 595]);
    const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(a), encoding: 'utf8' });
    for (const expected of [
      'Zoë Ångström-Łukasiewicz',
      'Évacuation & sécurité incendie',
      'Version 3',
      'Score 92.3 %',
      'Valid until 5 December 2027',
    ]) {
      assert.ok(text.includes(expected), `${expected} in ${text}`);
    }
  });

  it('prints characters the font lacks as "?" and reports them once', async () => {
    const reported: string[][] = [];
    const pdf = await renderCertificatePdf(
      { ...snapshot, holderName: '山田 太郎 Taro' },
      DEFAULT_CERTIFICATE_TEMPLATE,
      {
        ...options,
        onReplacedCharacters: (c) => reported.push(c),
      },
    );
    assert.deepEqual(reported, [['山', '田', '太', '郎']]);
    const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(pdf), encoding: 'utf8' });
    assert.ok(text.includes('?? ?? Taro'), text);
  });

  it('draws names beyond the shared Latin subset (Greek, Cyrillic) and decomposed accents', async () => {
    // The shared subset covers Latin; other scripts the font has take the shaped path, and a name
    // typed with combining accents (NFD) is drawn composed.
    for (const holderName of ['Αλέξανδρος Παπαδόπουλος', 'Олена Шевченко', 'Zoe\u0308 A\u030Angstro\u0308m']) {
      const reported: string[][] = [];
      const pdf = await renderCertificatePdf({ ...snapshot, holderName }, DEFAULT_CERTIFICATE_TEMPLATE, {
        ...options,
        onReplacedCharacters: (c) => reported.push(c),
      });
      assert.deepEqual(reported, []);
      assert.ok(pdf.length < 150 * 1024, `${pdf.length} bytes`);
      const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(pdf), encoding: 'utf8' });
      assert.ok(text.normalize('NFC').includes(holderName.normalize('NFC')), `${holderName} in ${text}`);
    }
  });

  it("draws the course's logo and the template's wording", async () => {
    const logo = new Uint8Array(
      await sharp({ create: { width: 200, height: 80, channels: 3, background: '#c00' } })
        .png()
        .toBuffer(),
    );
    const template = {
      ...DEFAULT_CERTIFICATE_TEMPLATE,
      heading: 'Licence to lift',
      signatory: 'Chief Instructor',
      logo: 'cover' as const,
    };
    const pdf = await renderCertificatePdf(snapshot, template, { ...options, logo: { bytes: logo, type: 'png' } });
    const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(pdf), encoding: 'utf8' });
    assert.ok(text.includes('Licence to lift') && text.includes('Chief Instructor'), text);
    const png = execFileSync('pdftoppm', ['-r', '30', '-png', '-singlefile', '-'], { input: Buffer.from(pdf) });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    let red = 0;
    for (let i = 0; i < data.length; i += info.channels)
      if ((data[i] as number) > 180 && (data[i + 1] as number) < 60) red++;
    assert.ok(red > 50, `${red} red pixels`);
  });

  it('draws a signature image (PNG or JPEG) above the signatory line, scaled into its box', async () => {
    const png = new Uint8Array(
      await sharp({ create: { width: 800, height: 240, channels: 4, background: { r: 0, g: 0, b: 200, alpha: 1 } } })
        .png()
        .toBuffer(),
    );
    const jpeg = new Uint8Array(
      await sharp({ create: { width: 400, height: 100, channels: 3, background: '#0000c8' } })
        .jpeg()
        .toBuffer(),
    );
    const template = { ...DEFAULT_CERTIFICATE_TEMPLATE, signatory: 'Head of Training' };
    for (const signature of [
      { bytes: png, type: 'png' as const },
      { bytes: jpeg, type: 'jpeg' as const },
    ]) {
      const pdf = await renderCertificatePdf(snapshot, template, { ...options, signature });
      await PDFDocument.load(pdf);
      const text = execFileSync('pdftotext', ['-', '-'], { input: Buffer.from(pdf), encoding: 'utf8' });
      assert.ok(text.includes('Head of Training'), text);
      // At 36 dpi (half a pixel per point) the 200 × 60 point box is about 100 × 30 blue pixels,
      // in the bottom left quarter of the page.
      const page = execFileSync('pdftoppm', ['-r', '36', '-png', '-singlefile', '-'], { input: Buffer.from(pdf) });
      const { data, info } = await sharp(page).raw().toBuffer({ resolveWithObject: true });
      let blue = 0;
      let outside = 0;
      for (let i = 0; i < data.length; i += info.channels) {
        if (!((data[i] as number) < 60 && (data[i + 2] as number) > 150)) continue;
        const pixel = i / info.channels;
        const [x, y] = [pixel % info.width, Math.floor(pixel / info.width)];
        if (x < info.width / 2 && y > info.height / 2) blue++;
        else outside++;
      }
      assert.ok(blue > 400 && blue < 3600, `${blue} blue pixels (${signature.type})`);
      assert.equal(outside, 0);
    }
  });
});
