// Search synonyms, kept by staff at /api/v2/admin/synonyms: a query word equal to a synonym's
// `term` also finds goods named by any of its `synonyms` (each a word or a phrase, all its words
// required). Terms and synonyms are stored normalised (lower case, ё→е, single spaces). Writes bump
// the catalog revision (migration trigger), so the read cache drops answers built before them.
import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { type SearchSynonym, searchSynonyms } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict, notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { queryTokens } from './search.ts';

export interface SynonymInput {
  term: string;
  synonyms: string[];
}

function notFoundSynonym(id: number) {
  return notFound('synonym_not_found', { ru: `Синоним ${id} не найден`, en: `Synonym ${id} not found` });
}

/** A term is one search word; a synonym one or more words, as search reads them. */
function normalized(input: SynonymInput): SynonymInput {
  const term = queryTokens(input.term);
  const synonyms = [
    ...new Set(input.synonyms.map((synonym) => queryTokens(synonym).join(' ')).filter(Boolean)),
  ];
  const errors = [];
  if (term.length !== 1) {
    errors.push({
      field: 'body.term',
      message: { ru: 'одно слово из букв и цифр', en: 'one word of letters and digits' },
    });
  }
  if (synonyms.length === 0) {
    errors.push({
      field: 'body.synonyms',
      message: { ru: 'хотя бы один синоним', en: 'at least one synonym' },
    });
  }
  if (errors.length > 0) throw validationError(errors);
  return { term: term[0], synonyms: synonyms.filter((synonym) => synonym !== term[0]).slice(0, 20) };
}

function duplicateTerm(term: string) {
  return conflict('synonym_term_taken', {
    ru: `Для слова «${term}» синонимы уже заданы`,
    en: `Synonyms for "${term}" already exist`,
  });
}

export async function listSynonyms(db: Queryable): Promise<SearchSynonym[]> {
  return db.select().from(searchSynonyms).orderBy(asc(searchSynonyms.term));
}

export async function getSynonym(db: Queryable, id: number): Promise<SearchSynonym> {
  const [row] = await db.select().from(searchSynonyms).where(eq(searchSynonyms.id, id));
  if (!row) throw notFoundSynonym(id);
  return row;
}

export async function createSynonym(runtime: Runtime, input: SynonymInput): Promise<SearchSynonym> {
  const values = normalized(input);
  return transaction(runtime, async ({ tx, now }) => {
    const [row] = await tx
      .insert(searchSynonyms)
      .values({ ...values, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!row) throw duplicateTerm(values.term);
    return row;
  });
}

export async function updateSynonym(
  runtime: Runtime,
  id: number,
  input: SynonymInput,
): Promise<SearchSynonym> {
  const values = normalized(input);
  return transaction(runtime, async ({ tx, now }) => {
    const [taken] = await tx
      .select({ id: searchSynonyms.id })
      .from(searchSynonyms)
      .where(eq(searchSynonyms.term, values.term));
    if (taken && taken.id !== id) throw duplicateTerm(values.term);
    const [row] = await tx
      .update(searchSynonyms)
      .set({ ...values, updatedAt: now })
      .where(eq(searchSynonyms.id, id))
      .returning();
    if (!row) throw notFoundSynonym(id);
    return row;
  });
}

export async function deleteSynonym(runtime: Runtime, id: number): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    const gone = await tx
      .delete(searchSynonyms)
      .where(eq(searchSynonyms.id, id))
      .returning({ id: searchSynonyms.id });
    if (gone.length === 0) throw notFoundSynonym(id);
  });
}
