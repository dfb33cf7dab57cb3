import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeLike, searchColumns, topicPattern, wordPatterns } from './search.ts';

describe('catalog search columns and patterns', () => {
  it('keeps lower-cased title, topics and description, and the topics between newlines', () => {
    assert.deepEqual(
      searchColumns({
        title: 'Fire Safety',
        topics: [' Fire ', 'First Aid', ''],
        shortDescription: 'Stay **safe**.',
        language: 'pt-BR',
      }),
      {
        search_text: 'fire safety\nfire\nfirst aid\nstay **safe**.',
        topics_key: '\nfire\nfirst aid\n',
        language: 'pt-BR',
      },
    );
  });

  it('escapes LIKE wildcards and the escape itself', () => {
    assert.equal(escapeLike('100%_off\\'), '100\\%\\_off\\\\');
    assert.deepEqual(wordPatterns('  First   AID% '), ['%first%', '%aid\\%%']);
    assert.equal(topicPattern(' First Aid '), '%\nfirst aid\n%');
    assert.equal(wordPatterns('a b c d e f g h i j').length, 8);
  });
});
