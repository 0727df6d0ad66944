// Staff upkeep of the shared catalog: rename and merge categories and characteristics, fix a
// characteristic's kind.
//
// A rename changes the name people see and the name imports match; the old name stays behind as
// an alias row (merged_into_id → the renamed one), so both the suppliers' old name and the new
// shown name lead to the same category (an export, which writes the shown name, imports back into
// the same place). A merge moves everything to the target and leaves the source as an alias the
// same way: later imports of the source's name go to the target, and nothing is deleted (ids in
// promotions, links and orders stay meaningful). Two products of the same name meeting in the target category become one: the
// offers move to the target's product and the other product is kept, empty, as an alias.
import { and, asc, eq, gt, ilike, isNull, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { categories, type ParameterKind, parameters } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict, notFound, unprocessable } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { changedValues, recordAudit } from '../audit/audit.service.ts';
import { normalizeName } from './normalize.ts';
import { searchWordsOf } from './search.ts';
import { searchWordsInsert } from './search-index.ts';

function categoryNotFound() {
  return notFound('category_not_found', { ru: 'Категория не найдена', en: 'Category not found' });
}

function parameterNotFound() {
  return notFound('parameter_not_found', { ru: 'Характеристика не найдена', en: 'Parameter not found' });
}

function rows<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/** A category as staff see it after a change: its products on sale counted. */
export interface CategoryView {
  id: number;
  name: string;
  product_count: number;
}

async function categoryView(db: Queryable, category: { id: number; name: string }): Promise<CategoryView> {
  const [row] = rows<{ count: number }>(
    await db.execute(
      sql`select count(*)::integer as count from products where category_id = ${category.id} and offer_count > 0`,
    ),
  );
  return { id: category.id, name: category.name, product_count: row.count };
}

export interface StaffCategoryRow {
  id: number;
  name: string;
  normalizedName: string;
  /** Products on sale now. */
  productCount: number;
  /** Every product of it, hidden and unsold ones included. */
  productsTotal: number;
}

/** Categories for staff by name (merged-away ones left out), with their product counts. */
export async function listCategoriesForStaff(
  db: Queryable,
  options: { q?: string; limit: number; after?: { name: string; id: number } },
): Promise<StaffCategoryRow[]> {
  const q = options.q?.trim();
  return db
    .select({
      id: categories.id,
      name: categories.name,
      normalizedName: categories.normalizedName,
      productCount: sql<number>`(select count(*)::integer from products p where p.category_id = "categories"."id" and p.offer_count > 0)`,
      productsTotal: sql<number>`(select count(*)::integer from products p where p.category_id = "categories"."id" and p.merged_into_id is null)`,
    })
    .from(categories)
    .where(
      and(
        isNull(categories.mergedIntoId),
        q ? ilike(categories.name, `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined,
        options.after
          ? sql`(${categories.normalizedName}, ${categories.id}) > (${options.after.name}, ${options.after.id})`
          : undefined,
      ),
    )
    .orderBy(asc(categories.normalizedName), asc(categories.id))
    .limit(options.limit);
}

export async function renameCategory(
  runtime: Runtime,
  categoryId: number,
  name: string,
  staffId: number,
): Promise<CategoryView> {
  const trimmed = name.trim();
  const renamed = await transaction(runtime, async ({ tx, now }) => {
    const [category] = await tx.select().from(categories).where(eq(categories.id, categoryId)).for('update');
    if (!category || category.mergedIntoId) throw categoryNotFound();
    await renameWithAlias(tx, 'categories', category, trimmed, (existingId) =>
      conflict(
        'category_exists',
        {
          ru: `Категория «${trimmed}» уже есть; объедините категории`,
          en: `The category "${trimmed}" already exists; merge the categories instead`,
        },
        { existing_id: existingId },
      ),
    );
    const [renamed] = await tx.select().from(categories).where(eq(categories.id, categoryId));
    // The category name is part of what search sees.
    await tx.execute(sql`
      select catalog_refresh_product_search(array(select id from products where category_id = ${categoryId}))`);
    await addSearchWords(tx, [trimmed]);
    await recordAudit(tx, {
      actorId: staffId,
      kind: 'category.renamed',
      objectType: 'category',
      objectId: categoryId,
      before: { name: category.name },
      after: { name: renamed.name },
      at: now,
    });
    return renamed;
  });
  return categoryView(runtime.db, renamed);
}

/**
 * Gives a category or characteristic a new name, both shown and matched, and keeps its old one as
 * an alias row pointing at it (how a merged source points at its target), so imports of either
 * name land in it. Renaming back to one of its own aliases swaps the two names; a name another
 * category or characteristic (or its alias) has is refused with `taken`.
 */
async function renameWithAlias(
  tx: Queryable,
  table: 'categories' | 'parameters',
  current: { id: number; name: string; normalizedName: string },
  name: string,
  taken: (existingId: number) => Error,
): Promise<void> {
  const target = sql.identifier(table);
  const normalized = normalizeName(name);
  if (normalized === current.normalizedName) {
    await tx.execute(sql`update ${target} set name = ${name} where id = ${current.id}`);
    return;
  }
  const [holder] = rows<{ id: number; merged_into_id: number | null }>(
    await tx.execute(
      sql`select id, merged_into_id from ${target} where normalized_name = ${normalized} for update`,
    ),
  );
  if (holder && holder.merged_into_id !== current.id) throw taken(holder.merged_into_id ?? holder.id);
  if (holder) {
    // One of its own aliases: the alias takes the outgoing name. Normalised names never start
    // with a space, so the placeholder cannot collide with a real one.
    await tx.execute(
      sql`update ${target} set name = ${current.name}, normalized_name = ${` alias ${holder.id}`} where id = ${holder.id}`,
    );
    await tx.execute(
      sql`update ${target} set name = ${name}, normalized_name = ${normalized} where id = ${current.id}`,
    );
    await tx.execute(
      sql`update ${target} set normalized_name = ${current.normalizedName} where id = ${holder.id}`,
    );
    return;
  }
  await tx.execute(
    sql`update ${target} set name = ${name}, normalized_name = ${normalized} where id = ${current.id}`,
  );
  await tx.execute(sql`
    insert into ${target} (name, normalized_name, merged_into_id)
    values (${current.name}, ${current.normalizedName}, ${current.id})`);
}

async function addSearchWords(tx: Queryable, texts: string[]): Promise<void> {
  const words = searchWordsOf(texts);
  if (words.length === 0) return;
  await tx.execute(searchWordsInsert(words));
}

// A merge of categories and of characteristics takes the same steps around its own moves: refuse
// a merge into itself, lock both rows in id order (two merges of one pair cannot deadlock), refuse
// an alias or a missing row, and at the end leave the source, and its aliases, pointing at the target
// (one hop, always).

function refuseSelfMerge(sourceId: number, targetId: number, text: { ru: string; en: string }): void {
  if (sourceId === targetId) throw unprocessable('merge_into_itself', text);
}

async function lockMergePair<T extends typeof categories | typeof parameters>(
  tx: Transaction,
  table: T,
  sourceId: number,
  targetId: number,
  missing: () => Error,
): Promise<{ source: T['$inferSelect']; target: T['$inferSelect'] }> {
  const locked = (await tx
    .select()
    .from(table as typeof categories)
    .where(sql`${table.id} in (${sourceId}, ${targetId})`)
    .orderBy(asc(table.id))
    .for('update')) as T['$inferSelect'][];
  const source = locked.find((row) => row.id === sourceId);
  const target = locked.find((row) => row.id === targetId);
  if (!source || !target || source.mergedIntoId || target.mergedIntoId) throw missing();
  return { source, target };
}

async function pointAliasesAt(
  tx: Transaction,
  table: 'categories' | 'parameters',
  sourceId: number,
  targetId: number,
): Promise<void> {
  const name = sql.raw(table);
  await tx.execute(sql`update ${name} set merged_into_id = ${targetId} where merged_into_id = ${sourceId}`);
  await tx.execute(sql`update ${name} set merged_into_id = ${targetId} where id = ${sourceId}`);
}

export async function mergeCategories(
  runtime: Runtime,
  sourceId: number,
  targetId: number,
  staffId: number,
): Promise<CategoryView> {
  refuseSelfMerge(sourceId, targetId, {
    ru: 'Нельзя объединить категорию с самой собой',
    en: 'A category cannot be merged into itself',
  });
  const target = await transaction(runtime, async ({ tx, now }) => {
    const { source, target } = await lockMergePair(tx, categories, sourceId, targetId, categoryNotFound);

    // Products whose name the target already has: their offers join the target's product.
    const collisions = rows<{ source_id: number; target_id: number }>(
      await tx.execute(sql`
        select s.id as source_id, t.id as target_id
        from products s join products t on t.category_id = ${targetId} and t.normalized_name = s.normalized_name
        where s.category_id = ${sourceId} and s.merged_into_id is null`),
    );
    for (const pair of collisions) {
      await tx.execute(
        sql`update offers set product_id = ${pair.target_id} where product_id = ${pair.source_id}`,
      );
      await tx.execute(
        sql`update products set merged_into_id = ${pair.target_id} where id = ${pair.source_id}`,
      );
    }
    const moved = rows<{ id: number }>(
      await tx.execute(sql`
        update products set category_id = ${targetId}
        where category_id = ${sourceId} and merged_into_id is null
        returning id`),
    ).map((row) => row.id);
    if (moved.length > 0) {
      await tx.execute(sql`select catalog_refresh_product_search(${sql.param(moved)}::integer[])`);
    }
    await tx.execute(sql`update offers set category_id = ${targetId} where category_id = ${sourceId}`);
    await tx.execute(
      sql`update shop_categories set category_id = ${targetId} where category_id = ${sourceId}`,
    );
    await pointAliasesAt(tx, 'categories', sourceId, targetId);
    await recordAudit(tx, {
      actorId: staffId,
      kind: 'category.merged',
      objectType: 'category',
      objectId: sourceId,
      before: { name: source.name },
      after: { merged_into_id: targetId, merged_into_name: target.name, products_moved: moved.length },
      at: now,
    });
    return target;
  });
  return categoryView(runtime.db, target);
}

export interface ParameterView {
  id: number;
  name: string;
  kind: string;
  kind_fixed: boolean;
  offer_count: number;
}

export async function listParameters(
  db: Queryable,
  options: { limit: number; afterId?: number },
): Promise<ParameterView[]> {
  return db
    .select({
      id: parameters.id,
      name: parameters.name,
      kind: parameters.kind,
      kind_fixed: parameters.kindFixed,
      offer_count: sql<number>`(select count(*)::integer from offer_parameters op where op.parameter_id = ${parameters.id})`,
    })
    .from(parameters)
    .where(
      options.afterId
        ? and(isNull(parameters.mergedIntoId), gt(parameters.id, options.afterId))
        : isNull(parameters.mergedIntoId),
    )
    .orderBy(asc(parameters.id))
    .limit(options.limit);
}

async function parameterView(db: Queryable, id: number): Promise<ParameterView> {
  const [view] = await db
    .select({
      id: parameters.id,
      name: parameters.name,
      kind: parameters.kind,
      kind_fixed: parameters.kindFixed,
      offer_count: sql<number>`(select count(*)::integer from offer_parameters op where op.parameter_id = ${parameters.id})`,
    })
    .from(parameters)
    .where(eq(parameters.id, id));
  return view;
}

/**
 * The characteristics shown by every offer holding the characteristic, rewritten with its name and
 * kind as they are now (offers.characteristics).
 */
async function refreshShownCharacteristics(tx: Transaction, parameterId: number): Promise<void> {
  await tx.execute(sql`
    select catalog_refresh_offer_characteristics(array(
      select offer_id from offer_parameters where parameter_id = ${parameterId}))`);
}

/** Renames a characteristic (what people see) and/or fixes its kind (imports stop re-inferring it). */
export async function updateParameter(
  runtime: Runtime,
  parameterId: number,
  patch: { name?: string; kind?: ParameterKind },
  staffId: number,
): Promise<ParameterView> {
  return transaction(runtime, async ({ tx, now }) => {
    const [parameter] = await tx
      .select()
      .from(parameters)
      .where(eq(parameters.id, parameterId))
      .for('update');
    if (!parameter || parameter.mergedIntoId) throw parameterNotFound();
    if (patch.name !== undefined) {
      const name = patch.name.trim();
      await renameWithAlias(tx, 'parameters', parameter, name, (existingId) =>
        conflict(
          'parameter_exists',
          {
            ru: `Характеристика «${name}» уже есть; объедините характеристики`,
            en: `The parameter "${name}" already exists; merge the parameters instead`,
          },
          { existing_id: existingId },
        ),
      );
    }
    if (patch.kind !== undefined) {
      if (patch.kind === 'number') {
        const [bad] = rows<{ value: string }>(
          await tx.execute(sql`
            select value from offer_parameters where parameter_id = ${parameterId} and value_number is null limit 1`),
        );
        if (bad) {
          throw unprocessable('kind_mismatch', {
            ru: `Не все значения — числа (например «${bad.value}»)`,
            en: `Not every value is a number (e.g. "${bad.value}")`,
          });
        }
      }
      if (patch.kind === 'boolean') {
        const [bad] = rows<{ value: string }>(
          await tx.execute(sql`
            select value from offer_parameters
            where parameter_id = ${parameterId} and value_key not in ('true', 'false') limit 1`),
        );
        if (bad) {
          throw unprocessable('kind_mismatch', {
            ru: `Не все значения — да/нет (например «${bad.value}»)`,
            en: `Not every value is true/false (e.g. "${bad.value}")`,
          });
        }
      }
      await tx
        .update(parameters)
        .set({ kind: patch.kind, kindFixed: true })
        .where(eq(parameters.id, parameterId));
    }
    await refreshShownCharacteristics(tx, parameterId);
    const view = await parameterView(tx, parameterId);
    const changed = changedValues<Record<string, unknown>>(
      { name: parameter.name, kind: parameter.kind, kind_fixed: parameter.kindFixed },
      { name: view.name, kind: view.kind, kind_fixed: view.kind_fixed },
    );
    if (changed) {
      await recordAudit(tx, {
        actorId: staffId,
        kind: changed.after.name !== undefined ? 'parameter.renamed' : 'parameter.kind_changed',
        objectType: 'parameter',
        objectId: parameterId,
        ...changed,
        at: now,
      });
    }
    return view;
  });
}

/** Moves every value of the source characteristic to the target (the target's value wins on an offer that has both). */
export async function mergeParameters(
  runtime: Runtime,
  sourceId: number,
  targetId: number,
  staffId: number,
): Promise<ParameterView> {
  refuseSelfMerge(sourceId, targetId, {
    ru: 'Нельзя объединить характеристику с самой собой',
    en: 'A parameter cannot be merged into itself',
  });
  return transaction(runtime, async ({ tx, now }) => {
    const { source, target } = await lockMergePair(tx, parameters, sourceId, targetId, parameterNotFound);
    // Offers holding the source's values: their facet keys name the characteristic by id.
    const affected = (
      (await tx.execute(
        sql`select offer_id from offer_parameters where parameter_id = ${sourceId}`,
      )) as unknown as {
        rows: { offer_id: number }[];
      }
    ).rows.map((row) => row.offer_id);
    await tx.execute(sql`
      delete from offer_parameters s
      where s.parameter_id = ${sourceId}
        and exists (select 1 from offer_parameters t where t.offer_id = s.offer_id and t.parameter_id = ${targetId})`);
    await tx.execute(
      sql`update offer_parameters set parameter_id = ${targetId} where parameter_id = ${sourceId}`,
    );
    await tx.execute(sql`select catalog_refresh_offer_facet_keys(${sql.param(affected)}::integer[])`);
    await pointAliasesAt(tx, 'parameters', sourceId, targetId);
    // Values of another kind make the target text, unless staff fixed its kind.
    if (!target.kindFixed && source.kind !== target.kind) {
      await tx.update(parameters).set({ kind: 'text' }).where(eq(parameters.id, targetId));
    }
    await refreshShownCharacteristics(tx, targetId);
    await recordAudit(tx, {
      actorId: staffId,
      kind: 'parameter.merged',
      objectType: 'parameter',
      objectId: sourceId,
      before: { name: source.name, kind: source.kind },
      after: { merged_into_id: targetId, merged_into_name: target.name, offers_moved: affected.length },
      at: now,
    });
    return parameterView(tx, targetId);
  });
}
