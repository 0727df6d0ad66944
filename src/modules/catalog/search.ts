// Catalog search: PostgreSQL full-text search in the russian and english configurations at once
// (so "смартфоны" finds "Смартфон" and "phones" finds "phone"), the last word (and an earlier one
// the catalog has only as part of a longer word) a prefix (search as you type: "самс" finds
// "Samsung"), ranked by where the words occur (name > model and category >
// characteristics). When nothing matches, each unknown word is corrected to its nearest catalog
// word (trigram distance, then edit distance: "samsnug" → "samsung", "смартфом" → "смартфон") and
// the search runs once more with the corrected words; then with fewer words (catalog.service.ts).
import { type SQL, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { catalogQuery } from './query.ts';
import { transliterate } from './transliterate.ts';

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

/** A catalog word near a misspelt token, with its query part in either place of the query. */
interface Candidate {
  word: string;
  /** As an earlier word: the word with its forms. */
  whole: string;
  /** As the last word: a prefix. */
  prefix: string;
}

/** A search query compiled by the database. */
export interface CompiledQuery {
  /** The tsquery as text; null when every word is a stop word. */
  query: string | null;
  /** Each token's part of the query ('' for a stop word), in token order. */
  parts: string[];
  /**
   * For each token that starts no catalog word (a likely typo) and is long enough to correct, the
   * nearest catalog words by trigram distance: what correction picks from, without another trip.
   */
  candidates: Map<string, Candidate[]>;
}

function joinParts(parts: readonly string[]): string | null {
  const present = parts.filter((part) => part !== '').map((part) => `( ${part} )`);
  return present.length > 0 ? present.join(' & ') : null;
}

/** The tsquery part of one pattern in both configurations (a Latin word gives one lexeme: once). */
function partOf(pattern: SQL): SQL {
  return sql`(select case when numnode(r) = 0 then r when r = e then r else r || e end
              from (select to_tsquery('russian', ${pattern}) as r, to_tsquery('english', ${pattern}) as e) c)::text`;
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
 * any plan) decides its form; a token that starts no catalog word also gets its correction
 * candidates, compiled. Tokens hold only letters and digits, so they cannot break the query syntax.
 */
export async function compileQuery(db: Queryable, tokens: readonly string[]): Promise<CompiledQuery> {
  if (tokens.length === 0) return { query: null, parts: [], candidates: new Map() };
  // Each token is compiled with its alternatives: its transliteration (brand names typed in the
  // other alphabet) and its staff-kept synonyms (a phrase: each word, all required). A token's part
  // is then `token | alternative | …`; only the token itself gets correction candidates.
  const synonyms = await synonymsOf(db, tokens);
  const entries: { word: string; last: boolean; correct: boolean; token: number; alternative: number }[] = [];
  tokens.forEach((token, index) => {
    const last = index === tokens.length - 1;
    entries.push({ word: token, last, correct: true, token: index, alternative: 0 });
    const other = transliterate(token);
    if (other && other !== token)
      entries.push({ word: other, last, correct: false, token: index, alternative: 1 });
    (synonyms.get(token) ?? []).forEach((phrase, n) => {
      const words = queryTokens(phrase);
      for (const [w, word] of words.entries()) {
        entries.push({
          word,
          last: last && w === words.length - 1,
          correct: false,
          token: index,
          alternative: 2 + n,
        });
      }
    });
  });
  const rows = await catalogQuery<{ n: number; part: string; candidates: Candidate[] | null }>(
    db,
    sql`select u.n::integer as n, q.part, c.candidates
        from unnest(${sql.param(entries.map((e) => e.word))}::text[], ${sql.param(entries.map((e) => e.last))}::boolean[],
                    ${sql.param(entries.map((e) => e.correct))}::boolean[]) with ordinality as u(token, last, correct, n)
        left join lateral (
          select w.word as next_word from search_words w where w.word ~>=~ u.token order by w.word using ~<~ limit 1
        ) k on true
        cross join lateral (
          select case when not u.last and k.next_word = u.token then u.token else u.token || ':*' end as pattern
        ) p
        cross join lateral (select ${partOf(sql`p.pattern`)} as part) q
        left join lateral (
          select json_agg(json_build_object('word', w.word, 'whole', ${partOf(sql`w.word`)},
                                            'prefix', ${partOf(sql`w.word || ':*'`)})) as candidates
          from (select word from search_words order by word <-> u.token limit 12) w
          where u.correct and length(u.token) >= ${MIN_CORRECTED_LENGTH} and not starts_with(coalesce(k.next_word, ''), u.token)
        ) c on true
        order by u.n`,
  );
  // Words of one alternative are all required; the alternatives of a token any one.
  const alternatives = tokens.map(() => new Map<number, string[]>());
  const candidates = new Map<string, Candidate[]>();
  // A stop word as typed ("для", "the") stays one: its spellings and synonyms are not required either.
  const stopWords = new Set(
    rows
      .filter((row) => entries[row.n - 1].alternative === 0 && row.part === '')
      .map((row) => entries[row.n - 1].token),
  );
  for (const row of rows) {
    const entry = entries[row.n - 1];
    if (entry.correct && row.candidates) candidates.set(entry.word, row.candidates);
    if (row.part === '' || stopWords.has(entry.token)) continue;
    const words = alternatives[entry.token].get(entry.alternative) ?? [];
    words.push(`( ${row.part} )`);
    alternatives[entry.token].set(entry.alternative, words);
  }
  const parts = alternatives.map((byAlternative) =>
    [...byAlternative.values()]
      .map((words) => (words.length === 1 ? words[0] : `( ${words.join(' & ')} )`))
      .join(' | '),
  );
  return { query: joinParts(parts), parts, candidates };
}

/** The staff-kept synonyms of each of these query words that has some. */
async function synonymsOf(db: Queryable, tokens: readonly string[]): Promise<Map<string, string[]>> {
  const rows = await catalogQuery<{ term: string; synonyms: string[] }>(
    db,
    sql`select term, synonyms from search_synonyms where term = any(${sql.param(tokens)}::text[])`,
  );
  return new Map(rows.map((row) => [row.term, row.synonyms]));
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

const MIN_CORRECTED_LENGTH = 4;

/** How many edits a word of this length may contain and still be corrected. */
function allowedEdits(length: number): number {
  if (length < MIN_CORRECTED_LENGTH) return 0;
  if (length < 8) return 1;
  return 2;
}

/**
 * The tokens with each misspelt one (one that starts no catalog word) replaced by its nearest
 * catalog word within the allowed edits, and their query. Null when nothing could be corrected.
 */
export function correctTokens(
  tokens: readonly string[],
  compiled: CompiledQuery,
): { tokens: string[]; query: string | null } | null {
  let changed = false;
  const parts = [...compiled.parts];
  const corrected = tokens.map((token, i) => {
    const candidates = compiled.candidates.get(token);
    if (!candidates) return token;
    const limit = allowedEdits(token.length);
    let best: { candidate: Candidate; distance: number } | undefined;
    for (const candidate of candidates) {
      // A longer token may also be the start of a word the user was still typing.
      const whole = editDistance(token, candidate.word);
      const distance =
        token.length >= 6
          ? Math.min(whole, editDistance(token, candidate.word.slice(0, token.length)))
          : whole;
      if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
    }
    if (!best) return token;
    changed = true;
    parts[i] = i < tokens.length - 1 ? best.candidate.whole : best.candidate.prefix;
    return best.candidate.word;
  });
  return changed ? { tokens: corrected, query: joinParts(parts) } : null;
}
