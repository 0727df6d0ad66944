// Names of the groups a report shows (shops, categories, products, buyers), for at most `limit` ids.
// A read of other modules' tables by primary key, nothing else: their services offer no bulk
// lookup by ids, and statistics never write there.
import { inArray } from 'drizzle-orm';
import type { Queryable } from '../../db/client.ts';
import { categories, products, shops } from '../../db/schema/catalog.ts';
import { users } from '../../db/schema/users.ts';

export type GroupBy = 'shop' | 'category' | 'product' | 'buyer';

export async function groupNames(
  db: Queryable,
  groupBy: GroupBy,
  ids: number[],
): Promise<Map<number, string>> {
  const known = ids.filter((id) => id > 0);
  if (known.length === 0) return new Map();
  switch (groupBy) {
    case 'shop': {
      const rows = await db
        .select({ id: shops.id, name: shops.name })
        .from(shops)
        .where(inArray(shops.id, known));
      return new Map(rows.map((row) => [row.id, row.name]));
    }
    case 'category': {
      const rows = await db
        .select({ id: categories.id, name: categories.name })
        .from(categories)
        .where(inArray(categories.id, known));
      return new Map(rows.map((row) => [row.id, row.name]));
    }
    case 'product': {
      const rows = await db
        .select({ id: products.id, name: products.name })
        .from(products)
        .where(inArray(products.id, known));
      return new Map(rows.map((row) => [row.id, row.name]));
    }
    case 'buyer': {
      const rows = await db
        .select({ id: users.id, company: users.company, email: users.email })
        .from(users)
        .where(inArray(users.id, known));
      return new Map(rows.map((row) => [row.id, row.company ? `${row.company} (${row.email})` : row.email]));
    }
  }
}
