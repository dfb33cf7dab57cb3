import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanFileName, contentDisposition } from './names.ts';

describe('file names', () => {
  it('keeps only the last path part and drops control and bidi characters', () => {
    assert.equal(cleanFileName('../../etc/passwd'), 'passwd');
    assert.equal(cleanFileName('C:\\Users\\me\\lecture.pdf'), 'lecture.pdf');
    assert.equal(cleanFileName('a\u0000b\u0007c\n.pdf'), 'abc.pdf');
    assert.equal(cleanFileName('evil\u202Efdp.exe'), 'evilfdp.exe');
    assert.equal(cleanFileName('..'), 'unnamed file');
    assert.equal(cleanFileName(''), 'unnamed file');
    assert.equal(cleanFileName('Übung \uFFFD.pdf'), 'Übung \uFFFD.pdf');
    assert.ok(cleanFileName('x'.repeat(1000)).length <= 255);
  });

  it('writes Content-Disposition with an ASCII fallback and the UTF-8 name', () => {
    assert.equal(
      contentDisposition('attachment', 'Übung "1".pdf'),
      `attachment; filename="_bung _1_.pdf"; filename*=UTF-8''%C3%9Cbung%20%221%22.pdf`,
    );
  });
});
