// Catalog search: PostgreSQL full-text search in the russian and english configurations at once
// (so "смартфоны" finds "Смартфон" and "phones" finds "phone"), the last word (and an earlier one
// the catalog has only as part of a longer word) a prefix (search as you type: "самс" finds
// "Samsung"), ranked by where the words occur (name > model and category >
// characteristics). When nothing matches, each unknown word is corrected to its nearest catalog
// word (trigram distance, then edit distance: "samsnug" → "samsung", "смартфом" → "смартфон") and
// the search runs once more with the corrected words; then with fewer words (catalog.service.ts).
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { catalogQuery } from './query.ts';

const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TOKENS = 8;

function fold(word: string): string {
  return word.toLowerCase().replace(/ё/g, 'е');
}

/** The words of a search query, lower-cased (ё→е), at most 8, each at most 40 characters. */
export function queryTokens(q: string): string[] {
  const tokens: string[] = [];
  for (const match of q.matchAll(WORD)) {
    const token = fold(match[0]).slice(0, 40);
    if (!tokens.includes(token)) tokens.push(token);
    if (tokens.length === MAX_TOKENS) break;
  }
  return tokens;
}

/** Distinct words (3–40 letters or digits, not only digits) for the correction dictionary. */
export function searchWordsOf(texts: Iterable<string>): string[] {
  const words = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(WORD)) {
      const word = fold(match[0]);
      if (word.length >= 3 && word.length <= 40 && !/^\d+$/.test(word)) words.add(word);
    }
  }
  return [...words];
}

/** A search query compiled by the database. */
export interface CompiledQuery {
  /** The tsquery as text; null when every word is a stop word. */
  query: string | null;
  /** Each token's first catalog word at or after it in byte order (null: none): what correction needs. */
  nextWords: Map<string, string | null>;
}

/**
 * The tsquery for the tokens, compiled once per request so that list statements get it as a value.
 * Every word is required and read in both the russian and the english configuration (so
 * "смартфоны" finds "Смартфон" and "phones" finds "phone"):
 *
 * - The last word is a prefix (search as you type: "самс" finds "Samsung"). So is an earlier word
 *   the catalog does not have as a whole word: it may be cut short ("galax samsung") or a model's
 *   part. An earlier word the catalog has whole is finished: it is matched as a word with its
 *   forms, which the index answers far faster than a prefix of a common word.
 * - Search vectors are built with the russian configuration, so a word it drops as a stop word
 *   ("для", "и", "the") is in no vector: it is left out rather than required in its english form
 *   (which would find nothing). A Latin word gives the same lexeme in both: it is asked once.
 *
 * One statement: each token's next catalog word (a byte-order range the prefix index answers under
 * any plan) decides its form and is kept for typo correction. Tokens hold only letters and digits,
 * so they cannot break the query syntax.
 */
export async function compileQuery(db: Queryable, tokens: readonly string[]): Promise<CompiledQuery> {
  if (tokens.length === 0) return { query: null, nextWords: new Map() };
  const rows = await catalogQuery<{ token: string; next_word: string | null; part: string }>(
    db,
    sql`select u.token, k.next_word, q.part::text as part
        from unnest(${sql.param(tokens)}::text[]) with ordinality as u(token, n)
        left join lateral (
          select w.word as next_word from search_words w where w.word ~>=~ u.token order by w.word using ~<~ limit 1
        ) k on true
        cross join lateral (
          select case when u.n < ${tokens.length} and k.next_word = u.token then u.token else u.token || ':*' end as pattern
        ) p
        cross join lateral (
          select to_tsquery('russian', p.pattern) as r, to_tsquery('english', p.pattern) as e
        ) c
        cross join lateral (
          select case when numnode(c.r) = 0 then c.r when c.r = c.e then c.r else c.r || c.e end as part
        ) q
        order by u.n`,
  );
  const parts = rows.filter((row) => row.part !== '').map((row) => `( ${row.part} )`);
  return {
    query: parts.length > 0 ? parts.join(' & ') : null,
    nextWords: new Map(rows.map((row) => [row.token, row.next_word])),
  };
}

/** Damerau–Levenshtein (optimal string alignment) distance, small strings only. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => {
    const row = new Array<number>(cols).fill(0);
    row[0] = i;
    return row;
  });
  for (let j = 0; j < cols; j += 1) d[0][j] = j;
  for (let i = 1; i < rows; i += 1) {
    for (let j = 1; j < cols; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** How many edits a word of this length may contain and still be corrected. */
function allowedEdits(length: number): number {
  if (length < 4) return 0;
  if (length < 8) return 1;
  return 2;
}

/**
 * Corrects the tokens that are not the start of any catalog word (as compileQuery found them).
 * Returns null when nothing could be corrected.
 */
export async function correctTokens(
  db: Queryable,
  tokens: readonly string[],
  nextWords: Map<string, string | null>,
): Promise<string[] | null> {
  const unknown = tokens.filter(
    (token) => allowedEdits(token.length) > 0 && !nextWords.get(token)?.startsWith(token),
  );
  if (unknown.length === 0) return null;
  const nearest = await catalogQuery<{ token: string; word: string }>(
    db,
    sql`select u.token, w.word
        from unnest(${sql.param(unknown)}::text[]) as u(token)
        cross join lateral (select word from search_words order by word <-> u.token limit 12) w`,
  );

  let changed = false;
  const corrected = tokens.map((token) => {
    if (!unknown.includes(token)) return token;
    const limit = allowedEdits(token.length);
    let best: { word: string; distance: number } | undefined;
    for (const { word } of nearest.filter((row) => row.token === token)) {
      // A longer token may also be the start of a word the user was still typing.
      const whole = editDistance(token, word);
      const distance =
        token.length >= 6 ? Math.min(whole, editDistance(token, word.slice(0, token.length))) : whole;
      if (distance <= limit && (!best || distance < best.distance)) best = { word, distance };
    }
    if (!best) return token;
    changed = true;
    return best.word;
  });
  return changed ? corrected : null;
}
