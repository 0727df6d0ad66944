// The import's characteristics: names upserted with the kind their values suggest, values written
// per offer (offer_parameters), and the per-offer texts built from them (the supplier's object,
// facet keys, the characteristics shown).
import { type SQL, sql } from 'drizzle-orm';
import { arrayLiteral } from '../../db/array-literal.ts';
import type { ParameterKind } from '../../db/schema/catalog.ts';
import { param, type StatementQueue } from '../../db/statement-queue.ts';
import type { Staged } from './import-goods.ts';

/**
 * Good i's characteristics as a JSON object text, in file order: numbers written as their canonical
 * text (exact), booleans bare, text quoted.
 */
export function parametersJsonOf(staged: Staged, i: number): string {
  const { params, paramStart } = staged;
  const parts: string[] = [];
  for (let j = paramStart[i]; j < paramStart[i + 1]; j += 1) {
    const value = params.kind[j] === 'text' ? JSON.stringify(params.value[j]) : params.value[j];
    parts.push(`${JSON.stringify(params.name[j])}:${value}`);
  }
  return `{${parts.join(',')}}`;
}

/** Compares by Unicode code points: the order of UTF-8 bytes, which `collate "C"` sorts by. */
function byCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let k = 0; k < length; k += 1) {
    const x = a.codePointAt(k)!;
    const y = b.codePointAt(k)!;
    if (x !== y) return x - y;
    if (x > 0xffff) k += 1;
  }
  return a.length - b.length;
}

/**
 * Good i's characteristics as offers.characteristics holds them: {name, value, kind} of the
 * characteristic each value belongs to, in name byte order (as catalog_refresh_offer_characteristics
 * writes them).
 */
export function characteristicsJsonOf(
  staged: Staged,
  parameterIds: Map<string, number>,
  parameterShown: Map<number, ShownParameter>,
  i: number,
): string {
  const { params, paramStart } = staged;
  const entries: { name: string; json: string }[] = [];
  for (let j = paramStart[i]; j < paramStart[i + 1]; j += 1) {
    const shown = parameterShown.get(parameterIds.get(params.key[j])!)!;
    entries.push({
      name: shown.name,
      json: `{"name":${JSON.stringify(shown.name)},"value":${JSON.stringify(params.value[j])},"kind":"${shown.kind}"}`,
    });
  }
  entries.sort((a, b) => byCodePoints(a.name, b.name));
  return `[${entries.map((entry) => entry.json).join(',')}]`;
}

/** The characteristics an import met: their ids, and the kind the file suggests for each so far. */
export interface ParameterIndex {
  ids: Map<string, number>;
  kinds: Map<string, { name: string; kind: ParameterKind }>;
  /** By id: the name and kind offers.characteristics shows. */
  shown: Map<number, ShownParameter>;
  /** Characteristics this import turned into text: offers written before show the old kind. */
  turnedText: Set<number>;
}

export interface ShownParameter {
  name: string;
  kind: ParameterKind;
}

/**
 * The batch's characteristics upserted: their ids by normalised name (a renamed or merged name
 * leads to the characteristic it now belongs to). Only names new to this import go to the
 * database, and names whose values in this batch disagree with the kind seen before.
 */
export async function resolveParameters(
  queue: StatementQueue,
  staged: Staged,
  index: ParameterIndex,
): Promise<void> {
  // The kind the file suggests for each parameter: one kind throughout, or text.
  const names = new Map<string, { name: string; kind: ParameterKind }>();
  const { params } = staged;
  for (let j = 0; j < params.key.length; j += 1) {
    const known = index.kinds.get(params.key[j]);
    if (!known) {
      const entry = { name: params.name[j], kind: params.kind[j] };
      index.kinds.set(params.key[j], entry);
      names.set(params.key[j], entry);
    } else if (known.kind !== params.kind[j] && known.kind !== 'text') {
      known.kind = 'text';
      names.set(params.key[j], known);
    }
  }
  if (names.size === 0) return;
  const entries = [...names.entries()];
  // A new parameter takes the file's kind; a known one falls back to text when values disagree,
  // unless staff fixed its kind. A name may be an alias (renamed or merged): the kind that
  // matters is the one of the parameter it leads to.
  queue.run(
    'parameters',
    sql`
      insert into parameters (name, normalized_name, kind)
      select * from unnest(${param(entries.map(([, v]) => v.name))}::text[],
                           ${param(entries.map(([k]) => k))}::text[],
                           ${param(entries.map(([, v]) => v.kind))}::text[])
      on conflict (normalized_name) do nothing`,
  );
  const rows = await queue.run<{
    id: number;
    normalized_name: string;
    name: string;
    kind: ParameterKind;
    kind_fixed: boolean;
  }>(
    'parameters',
    sql`
      select t.id, p.normalized_name, t.name, t.kind, t.kind_fixed
      from parameters p join parameters t on t.id = coalesce(p.merged_into_id, p.id)
      where p.normalized_name = any(${param(entries.map(([k]) => k))}::text[])`,
  );
  const mixed = new Set<number>();
  for (const row of rows) {
    index.ids.set(row.normalized_name, row.id);
    index.shown.set(row.id, { name: row.name, kind: row.kind });
    if (!row.kind_fixed && row.kind !== 'text' && names.get(row.normalized_name)!.kind !== row.kind) {
      mixed.add(row.id);
    }
  }
  for (const id of mixed) {
    index.shown.get(id)!.kind = 'text';
    index.turnedText.add(id);
  }
  if (mixed.size > 0) {
    queue.run(
      'parameters',
      sql`update parameters set kind = 'text' where id = any(${param([...mixed])}::integer[])`,
    );
  }
}

/**
 * Good i's facet keys ("<parameter id>:<value key>", in parameter id order) as a PostgreSQL array
 * literal: the same keys migration 0018 derived from offer_parameters.
 */
export function facetKeysLiteralOf(staged: Staged, ids: Map<string, number>, i: number): string {
  const { params, paramStart } = staged;
  const keys: { id: number; key: string }[] = [];
  for (let j = paramStart[i]; j < paramStart[i + 1]; j += 1) {
    const id = ids.get(params.key[j])!;
    keys.push({ id, key: `${id}:${params.valueKey[j]}` });
  }
  keys.sort((a, b) => a.id - b.id);
  return `{${keys.map((k) => `"${k.key.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Queues the rewrite of the characteristics of stored offers the import changed: their values replaced. */
export function writeParameters(
  queue: StatementQueue,
  staged: Staged,
  offers: { id: number; idx: number }[],
  ids: Map<string, number>,
): void {
  queue.run(
    'parameters',
    sql`delete from offer_parameters where offer_id = any(${param(offers.map((row) => row.id))}::integer[])`,
  );
  const values = characteristicsUnnest(
    staged,
    ids,
    offers.map((row) => ({ offer: row.id, index: row.idx })),
    'integer',
  );
  queue.run(
    'parameters',
    sql`
      insert into offer_parameters (offer_id, parameter_id, value, value_number, value_key)
      select * from ${values}`,
  );
}

/**
 * `unnest(…)` of the characteristic rows of the given goods: (offer, parameter id, value, number,
 * value key), the offer named by `offer` (its id, or its supplier's id before it has one).
 */
export function characteristicsUnnest(
  staged: Staged,
  parameterIds: Map<string, number>,
  goods: { offer: string | number; index: number }[],
  offerType: 'text' | 'integer',
): SQL {
  const { params, paramStart } = staged;
  const offers: (string | number)[] = [];
  const parameters: number[] = [];
  const values: string[] = [];
  const numbers: (string | null)[] = [];
  const keys: string[] = [];
  for (const good of goods) {
    for (let j = paramStart[good.index]; j < paramStart[good.index + 1]; j += 1) {
      offers.push(good.offer);
      parameters.push(parameterIds.get(params.key[j])!);
      values.push(params.value[j]);
      numbers.push(params.valueNumber[j]);
      keys.push(params.valueKey[j]);
    }
  }
  return sql`unnest(${param(arrayLiteral(offers))}::${sql.raw(offerType)}[], ${param(arrayLiteral(parameters))}::integer[],
                    ${param(arrayLiteral(values))}::text[], ${param(arrayLiteral(numbers))}::numeric[],
                    ${param(arrayLiteral(keys))}::text[])`;
}
