// `node bench/profile-catalog.ts <database url>`: the catalog's service calls one at a time against a
// loaded database (BENCH_KEEP=true npm run bench:catalog keeps one), median and p90 of each, so a
// query change can be judged without HTTP and load-generator noise. Beside the wall times, the CPU
// time per call of this process (the service's JavaScript and the driver) and of its PostgreSQL
// backend (/proc): what a busy machine changes least.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openPostgres } from '../src/db/client.ts';
import { getProductJson, listOffers } from '../src/modules/catalog/catalog.service.ts';
import { productFacets } from '../src/modules/catalog/facets.service.ts';
import { listProducts } from '../src/modules/catalog/products.service.ts';

const url = process.argv[2] ?? process.env.BENCH_CATALOG_DB;
if (!url) throw new Error('usage: node bench/profile-catalog.ts <database url>');
const RUNS = Number(process.env.RUNS ?? 30);
const handle = openPostgres(url, 1);
const db = handle.db;
const [{ id: category }] = await handle.query<{ id: number }>(
  `select id from categories where name = 'Смартфоны'`,
);
const products = (
  await handle.query<{ id: number }>(
    'select id from products where offer_count > 0 order by md5(id::text) limit 200',
  )
).map((row) => row.id);
const [{ id: shop }] = await handle.query<{ id: number }>(
  'select id from shops order by id offset 10 limit 1',
);

const cases: [string, (i: number) => Promise<unknown>][] = [
  ['list by name', () => listProducts(db, { limit: 50 })],
  ['list cheapest', () => listProducts(db, { limit: 50, sort: 'price' })],
  ['category cheapest', () => listProducts(db, { limit: 50, sort: 'price', category })],
  ['category by name', () => listProducts(db, { limit: 50, category })],
  [
    'category in stock price range',
    () =>
      listProducts(db, {
        limit: 50,
        sort: 'price',
        category,
        inStock: true,
        priceMin: '20000',
        priceMax: '60000',
      }),
  ],
  [
    'category + characteristic',
    () => listProducts(db, { limit: 50, category, parameters: [{ name: 'Цвет', values: ['черный'] }] }),
  ],
  ['search ru', () => listProducts(db, { limit: 20, q: 'смартфоны samsung' })],
  ['search en prefix', () => listProducts(db, { limit: 20, q: 'wireless headph' })],
  ['search typo', () => listProducts(db, { limit: 20, q: 'samsnug galaxy' })],
  ['product detail', (i) => getProductJson(db, products[i % products.length])],
  ['offers of a shop', () => listOffers(db, { shop, limit: 50 })],
  ['facets category', () => productFacets(db, { category })],
  ['facets all', () => productFacets(db, {})],
];
const [{ pid: backend }] = await handle.query<{ pid: number }>('select pg_backend_pid() as pid');
/** The backend's CPU time so far (user + system), in ms (USER_HZ = 100). */
function backendCpuMs(): number {
  const stat = fs.readFileSync(`/proc/${backend}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}
const only = process.env.ONLY;
for (const [name, run] of cases) {
  if (only && !name.includes(only)) continue;
  await run(0);
  const times: number[] = [];
  const cpuBefore = { node: process.cpuUsage(), backend: backendCpuMs() };
  for (let i = 0; i < RUNS; i += 1) {
    const start = performance.now();
    await run(i + 1);
    times.push(performance.now() - start);
  }
  const nodeCpu = process.cpuUsage(cpuBefore.node);
  const nodeMs = (nodeCpu.user + nodeCpu.system) / 1000 / RUNS;
  const backendMs = (backendCpuMs() - cpuBefore.backend) / RUNS;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
  process.stdout.write(
    `${name.padEnd(32)} median ${at(0.5).padStart(7)} ms   p90 ${at(0.9).padStart(7)} ms   ` +
      `CPU per call: node ${nodeMs.toFixed(2)} ms, PostgreSQL ${backendMs.toFixed(2)} ms\n`,
  );
}
await handle.close();
