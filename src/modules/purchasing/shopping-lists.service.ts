// Shopping lists: a buyer's named lists of products with quantities and an optional preferred shop
// («Молочка на понедельник»). Made by hand, from the basket or from an order; put into the basket
// line by line (see fill-basket.ts). Only the owner sees or changes a list (404 otherwise).
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable, Transaction } from '../../db/client.ts';
import { products, shops } from '../../db/schema/catalog.ts';
import { type ShoppingList, shoppingListLines, shoppingLists } from '../../db/schema/purchasing.ts';
import { transaction } from '../../db/transaction.ts';
import { conflict, notFound, validationError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { getBasket, lockBasket } from '../orders/basket.service.ts';
import { getBuyerOrder } from '../orders/orders.service.ts';
import { fillBasket, type WantedLine } from './fill-basket.ts';

/** The most lists a buyer keeps, and lines a list holds (a basket holds 200 distinct goods). */
export const MAX_LISTS = 100;
export const MAX_LIST_LINES = 200;

export interface ListLineInput {
  productId: number;
  quantity: number;
  preferredShopId?: number | null;
}

export interface ListLineView {
  id: number;
  productId: number;
  productName: string;
  quantity: number;
  preferredShop: { id: number; name: string } | null;
}

export interface ShoppingListView {
  id: number;
  name: string;
  lines: ListLineView[];
  createdAt: Date;
  updatedAt: Date;
}

export function listNotFound(listId: number) {
  return notFound('shopping_list_not_found', {
    ru: `Список покупок ${listId} не найден`,
    en: `Shopping list ${listId} not found`,
  });
}

/** The buyer's own list row, or 404. */
export async function ownList(db: Queryable, userId: number, listId: number): Promise<ShoppingList> {
  const [list] = await db
    .select()
    .from(shoppingLists)
    .where(and(eq(shoppingLists.id, listId), eq(shoppingLists.userId, userId)));
  if (!list) throw listNotFound(listId);
  return list;
}

export async function listLines(db: Queryable, listId: number): Promise<ListLineView[]> {
  const rows = await db
    .select({
      id: shoppingListLines.id,
      productId: shoppingListLines.productId,
      productName: products.name,
      quantity: shoppingListLines.quantity,
      shopId: shops.id,
      shopName: shops.name,
    })
    .from(shoppingListLines)
    .innerJoin(products, eq(products.id, shoppingListLines.productId))
    .leftJoin(shops, eq(shops.id, shoppingListLines.preferredShopId))
    .where(eq(shoppingListLines.listId, listId))
    .orderBy(asc(shoppingListLines.id));
  return rows.map((row) => ({
    id: row.id,
    productId: row.productId,
    productName: row.productName,
    quantity: row.quantity,
    preferredShop: row.shopId === null ? null : { id: row.shopId, name: row.shopName! },
  }));
}

/** A list's lines as fillBasket takes them. */
export async function wantedLines(db: Queryable, listId: number): Promise<WantedLine[]> {
  return (await listLines(db, listId)).map((line) => ({
    productId: line.productId,
    quantity: line.quantity,
    preferredShopId: line.preferredShop?.id ?? null,
  }));
}

export async function getShoppingList(
  db: Queryable,
  userId: number,
  listId: number,
): Promise<ShoppingListView> {
  const list = await ownList(db, userId, listId);
  return {
    id: list.id,
    name: list.name,
    lines: await listLines(db, list.id),
    createdAt: list.createdAt,
    updatedAt: list.updatedAt,
  };
}

export async function listShoppingLists(db: Queryable, userId: number) {
  return db
    .select({
      id: shoppingLists.id,
      name: shoppingLists.name,
      lineCount: sql<number>`(select count(*)::integer from shopping_list_lines l where l.list_id = "shopping_lists"."id")`,
      createdAt: shoppingLists.createdAt,
      updatedAt: shoppingLists.updatedAt,
    })
    .from(shoppingLists)
    .where(eq(shoppingLists.userId, userId))
    .orderBy(asc(shoppingLists.id));
}

/** Checks that the products exist and the preferred shops exist; merges repeated products. */
async function checkLines(db: Queryable, lines: readonly ListLineInput[]): Promise<ListLineInput[]> {
  const merged = new Map<number, ListLineInput>();
  for (const line of lines) {
    const known = merged.get(line.productId);
    merged.set(
      line.productId,
      known ? { ...known, quantity: Math.min(10_000, known.quantity + line.quantity) } : { ...line },
    );
  }
  if (merged.size > MAX_LIST_LINES) {
    throw conflict('shopping_list_full', {
      ru: `В списке не больше ${MAX_LIST_LINES} товаров`,
      en: `A shopping list holds at most ${MAX_LIST_LINES} goods`,
    });
  }
  const productIds = [...merged.keys()];
  const shopIds = [
    ...new Set(
      [...merged.values()].map((line) => line.preferredShopId).filter((id): id is number => id != null),
    ),
  ];
  const foundProducts = productIds.length
    ? await db.select({ id: products.id }).from(products).where(inArray(products.id, productIds))
    : [];
  const foundShops = shopIds.length
    ? await db.select({ id: shops.id }).from(shops).where(inArray(shops.id, shopIds))
    : [];
  const errors = [
    ...productIds
      .filter((id) => !foundProducts.some((row) => row.id === id))
      .map((id) => ({ field: 'body.lines', message: { ru: `нет товара ${id}`, en: `no product ${id}` } })),
    ...shopIds
      .filter((id) => !foundShops.some((row) => row.id === id))
      .map((id) => ({ field: 'body.lines', message: { ru: `нет магазина ${id}`, en: `no shop ${id}` } })),
  ];
  if (errors.length > 0) throw validationError(errors);
  return [...merged.values()];
}

async function writeLines(tx: Transaction, listId: number, lines: readonly ListLineInput[]) {
  if (lines.length === 0) return;
  await tx
    .insert(shoppingListLines)
    .values(
      lines.map((line) => ({
        listId,
        productId: line.productId,
        quantity: line.quantity,
        preferredShopId: line.preferredShopId ?? null,
      })),
    )
    .onConflictDoUpdate({
      target: [shoppingListLines.listId, shoppingListLines.productId],
      set: { quantity: sql`excluded.quantity`, preferredShopId: sql`excluded.preferred_shop_id` },
    });
}

export type ListSource =
  | { kind: 'lines'; lines: ListLineInput[] }
  | { kind: 'basket' }
  | { kind: 'order'; orderId: number };

/** The lines a new list starts with: given, the basket's (its shops preferred), or an order's. */
async function sourceLines(db: Queryable, userId: number, source: ListSource): Promise<ListLineInput[]> {
  if (source.kind === 'lines') return source.lines;
  if (source.kind === 'basket') {
    const basket = await getBasket(db, userId);
    return basket.groups.flatMap((group) =>
      group.lines.map((line) => ({
        productId: line.productId,
        quantity: line.quantity,
        preferredShopId: group.shop.id,
      })),
    );
  }
  const order = await getBuyerOrder(db, userId, source.orderId);
  return order.parts.flatMap((part) =>
    part.lines.map((line) => ({
      productId: line.productId,
      quantity: line.quantity,
      preferredShopId: part.shop.id,
    })),
  );
}

export async function createShoppingList(
  runtime: Runtime,
  userId: number,
  input: { name: string; source: ListSource },
): Promise<ShoppingListView> {
  const name = input.name.trim();
  if (!name)
    throw validationError([{ field: 'body.name', message: { ru: 'пустое название', en: 'empty name' } }]);
  const lines = await checkLines(runtime.db, await sourceLines(runtime.db, userId, input.source));
  const id = await transaction(runtime, async ({ tx, now }) => {
    const [{ count }] = await tx
      .select({ count: sql<number>`count(*)::integer` })
      .from(shoppingLists)
      .where(eq(shoppingLists.userId, userId));
    if (count >= MAX_LISTS) {
      throw conflict('shopping_list_limit', {
        ru: `Не больше ${MAX_LISTS} списков покупок`,
        en: `At most ${MAX_LISTS} shopping lists`,
      });
    }
    const [list] = await tx
      .insert(shoppingLists)
      .values({ userId, name, createdAt: now, updatedAt: now })
      .returning({ id: shoppingLists.id });
    await writeLines(tx, list.id, lines);
    return list.id;
  });
  return getShoppingList(runtime.db, userId, id);
}

/** Renames and/or replaces the lines (all of them, when `lines` is given). */
export async function updateShoppingList(
  runtime: Runtime,
  userId: number,
  listId: number,
  patch: { name?: string; lines?: ListLineInput[] },
): Promise<ShoppingListView> {
  const name = patch.name?.trim();
  if (patch.name !== undefined && !name) {
    throw validationError([{ field: 'body.name', message: { ru: 'пустое название', en: 'empty name' } }]);
  }
  const lines = patch.lines && (await checkLines(runtime.db, patch.lines));
  await transaction(runtime, async ({ tx, now }) => {
    const [list] = await tx
      .update(shoppingLists)
      .set({ ...(name ? { name } : {}), updatedAt: now })
      .where(and(eq(shoppingLists.id, listId), eq(shoppingLists.userId, userId)))
      .returning({ id: shoppingLists.id });
    if (!list) throw listNotFound(listId);
    if (lines) {
      await tx.delete(shoppingListLines).where(eq(shoppingListLines.listId, listId));
      await writeLines(tx, listId, lines);
    }
  });
  return getShoppingList(runtime.db, userId, listId);
}

/** Adds a product (or sets its quantity and preferred shop when already listed). */
export async function putListLine(
  runtime: Runtime,
  userId: number,
  listId: number,
  line: ListLineInput,
): Promise<ShoppingListView> {
  const [checked] = await checkLines(runtime.db, [line]);
  await transaction(runtime, async ({ tx, now }) => {
    await ownList(tx, userId, listId);
    const [{ count }] = await tx
      .select({ count: sql<number>`count(*)::integer` })
      .from(shoppingListLines)
      .where(
        and(eq(shoppingListLines.listId, listId), sql`${shoppingListLines.productId} <> ${line.productId}`),
      );
    if (count >= MAX_LIST_LINES) {
      throw conflict('shopping_list_full', {
        ru: `В списке не больше ${MAX_LIST_LINES} товаров`,
        en: `A shopping list holds at most ${MAX_LIST_LINES} goods`,
      });
    }
    await writeLines(tx, listId, [checked]);
    await tx.update(shoppingLists).set({ updatedAt: now }).where(eq(shoppingLists.id, listId));
  });
  return getShoppingList(runtime.db, userId, listId);
}

export async function removeListLine(
  runtime: Runtime,
  userId: number,
  listId: number,
  lineId: number,
): Promise<void> {
  await transaction(runtime, async ({ tx, now }) => {
    await ownList(tx, userId, listId);
    const gone = await tx
      .delete(shoppingListLines)
      .where(and(eq(shoppingListLines.id, lineId), eq(shoppingListLines.listId, listId)))
      .returning({ id: shoppingListLines.id });
    if (gone.length === 0) {
      throw notFound('shopping_list_line_not_found', {
        ru: `В списке нет строки ${lineId}`,
        en: `No list line ${lineId}`,
      });
    }
    await tx.update(shoppingLists).set({ updatedAt: now }).where(eq(shoppingLists.id, listId));
  });
}

/** Deletes a list; refused (409 `shopping_list_in_use`) while a standing order uses it. */
export async function deleteShoppingList(runtime: Runtime, userId: number, listId: number): Promise<void> {
  await transaction(runtime, async ({ tx }) => {
    await ownList(tx, userId, listId);
    const used = await tx.execute(sql`select 1 from standing_orders where list_id = ${listId} limit 1`);
    if ((used as unknown as { rows: unknown[] }).rows.length > 0) {
      throw conflict('shopping_list_in_use', {
        ru: 'Список используется регулярным заказом; сначала удалите заказ',
        en: 'A standing order uses this list; delete the standing order first',
      });
    }
    await tx.delete(shoppingLists).where(eq(shoppingLists.id, listId));
  });
}

/** Puts every line of the list into the basket (see fill-basket.ts); answers what went in and what did not. */
export async function shoppingListToBasket(runtime: Runtime, userId: number, listId: number) {
  return transaction(runtime, async ({ tx, now }) => {
    await ownList(tx, userId, listId);
    const basketId = await lockBasket(tx, userId, now);
    const filled = await fillBasket(tx, basketId, await wantedLines(tx, listId), now);
    return { ...filled, basket: await getBasket(tx, userId, now) };
  });
}
