// What the catalog searches: each version keeps lower-cased text (title, topics, short description), its
// topics between newlines and its language, so a search is a LIKE that reads the same on SQLite and
// PostgreSQL (both compare the lower-cased text; PostgreSQL's LIKE is case-sensitive). Pure functions.
import type { Basics } from '../../shared/drafts.ts';

export interface SearchColumns {
  search_text: string;
  topics_key: string;
  language: string;
}

export function searchColumns(
  basics: Pick<Basics, 'title' | 'topics' | 'shortDescription' | 'language'>,
): SearchColumns {
  const topics = basics.topics.map((t) => t.trim()).filter(Boolean);
  return {
    search_text: [basics.title, topics.join('\n'), basics.shortDescription].join('\n').toLowerCase(),
    topics_key: `\n${topics.map((t) => t.toLowerCase()).join('\n')}\n`,
    language: basics.language,
  };
}

/** The escape character of every LIKE pattern made here (`LIKE … ESCAPE '\'`). */
export const LIKE_ESCAPE = '\\';

/** `%`, `_` and the escape itself match only themselves. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `${LIKE_ESCAPE}${c}`);
}

/** Text containing every word of the query, one pattern per word (lower-cased, at most 8 words). */
export function wordPatterns(query: string): string[] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 8)
    .map((word) => `%${escapeLike(word)}%`);
}

/** Topics key holding exactly this topic. */
export function topicPattern(topic: string): string {
  return `%\n${escapeLike(topic.trim().toLowerCase())}\n%`;
}
