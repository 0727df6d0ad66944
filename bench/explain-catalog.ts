// `node bench/explain-catalog.ts <database url>`: every statement one catalog read runs, with
// EXPLAIN (ANALYZE, BUFFERS) after a few warm runs (prepared, as the services run them), so the
// PostgreSQL side of a read can be judged statement by statement. ONLY=<part of a case name>.
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '../src/db/client.ts';
import * as schema from '../src/db/schema/index.ts';
import { getProductJson } from '../src/modules/catalog/catalog.service.ts';
import { productFacets } from '../src/modules/catalog/facets.service.ts';
import { listProducts } from '../src/modules/catalog/products.service.ts';

const url = process.argv[2] ?? process.env.BENCH_CATALOG_DB;
if (!url) throw new Error('usage: node bench/explain-catalog.ts <database url>');
const pool = new pg.Pool({ connectionString: url, max: 1 });
let captured: { text: string; params: unknown[] }[] = [];
const db = drizzle({
  client: pool,
  schema,
  logger: { logQuery: (text: string, params: unknown[]) => captured.push({ text, params }) },
}) as unknown as Database;
const category = (await pool.query<{ id: number }>(`select id from categories where name = 'Смартфоны'`))
  .rows[0].id;
const product = (
  await pool.query<{ id: number }>(
    'select id from products where offer_count > 0 order by md5(id::text) limit 1',
  )
).rows[0].id;

const cases: [string, () => Promise<unknown>][] = [
  ['search ru', () => listProducts(db, { limit: 20, q: 'смартфоны samsung' })],
  ['search en prefix', () => listProducts(db, { limit: 20, q: 'wireless headph' })],
  ['search typo', () => listProducts(db, { limit: 20, q: 'samsnug galaxy' })],
  ['product detail', () => getProductJson(db, product)],
  ['facets category', () => productFacets(db, { category })],
  ['facets all', () => productFacets(db, {})],
];
for (const [name, run] of cases) {
  if (process.env.ONLY && !name.includes(process.env.ONLY)) continue;
  for (let i = 0; i < 6; i += 1) await run(); // past the custom plans PostgreSQL tries first
  captured = [];
  await run();
  const statements = captured;
  process.stdout.write(`\n=== ${name}: ${statements.length} statements\n`);
  for (const statement of statements) {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const plan = await client.query(`explain (analyze, buffers) ${statement.text}`, statement.params);
      await client.query('rollback');
      process.stdout.write(
        `\n-- ${statement.text.replace(/\s+/g, ' ').slice(0, 160)}…\n${plan.rows.map((r) => r['QUERY PLAN']).join('\n')}\n`,
      );
    } finally {
      client.release();
    }
  }
}
await pool.end();
