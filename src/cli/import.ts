// `npm run import -- --shop-owner <email> <file> [--strict]`: imports a price list into the shop of
// that supplier account.
// `npm run import -- --dir <folder> [--strict]`: imports every .yaml/.yml/.json file of the folder,
// one shop per file: the shop named by the file's `shop` (created, with a supplier account, when no
// shop has that name yet).
// Runs in this process (no worker needed) and prints each import's counts and report; exits 1 when
// any import failed.
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { type Import, importIssues, shops } from '../db/schema/catalog.ts';
import { transaction } from '../db/transaction.ts';
import { hashPassword } from '../lib/passwords.ts';
import { ensureAccount, findAccountByEmail } from '../modules/accounts/provisioning.service.ts';
import { importPriceList } from '../modules/catalog/import.service.ts';
import { normalizeName } from '../modules/catalog/normalize.ts';
import {
  decodeContent,
  detectFormat,
  PriceListError,
  readPriceList,
} from '../modules/catalog/price-list/price-list.ts';
import { createShopForOwner, shopOfOwner } from '../modules/catalog/shops.service.ts';
import type { Runtime } from '../runtime.ts';
import { CliError, parseCliArgs, printCliFailure, runCli } from './run-cli.ts';

const USAGE =
  'Usage: npm run import -- --shop-owner <email> <file> [--strict]\n' +
  '       npm run import -- --dir <folder> [--strict]';

const { values, positionals } = parseCliArgs(
  {
    options: {
      'shop-owner': { type: 'string' },
      dir: { type: 'string' },
      strict: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  },
  USAGE,
);

async function shopOfOwnerEmail(runtime: Runtime, email: string): Promise<number> {
  const owner = await findAccountByEmail(runtime.db, email);
  if (!owner) throw new CliError(`No account with the email ${email}`);
  if (owner.role !== 'supplier') throw new CliError(`${email} is a ${owner.role} account, not a supplier`);
  const [shop] = await runtime.db.select({ id: shops.id }).from(shops).where(eq(shops.ownerId, owner.id));
  if (shop) return shop.id;
  return (await transaction(runtime, (scope) => createShopForOwner(scope, owner))).id;
}

/** The shop a file names; a shop (and a supplier account to own it) is created when none has that name. */
async function shopNamedIn(runtime: Runtime, file: string, content: Buffer): Promise<number | string> {
  let name: string;
  try {
    const text = decodeContent(content);
    name = readPriceList(text, detectFormat(text, file)).shopName;
  } catch (error) {
    if (error instanceof PriceListError) return error.text.en;
    throw error;
  }
  const existing = await runtime.db.select({ id: shops.id, name: shops.name }).from(shops);
  const match = existing.find((shop) => normalizeName(shop.name) === normalizeName(name));
  if (match) return match.id;
  const slug =
    normalizeName(name)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'shop';
  const email = `${slug}-${existing.length + 1}@suppliers.zakupka.local`;
  // The account cannot log in until staff give it a password (its hash matches no password).
  const passwordHash = await hashPassword(crypto.randomUUID() + crypto.randomUUID());
  const owner = await ensureAccount(runtime, { email, passwordHash, role: 'supplier', company: name });
  return (await shopOfOwner(runtime.db, owner.id)).id;
}

async function report(runtime: Runtime, file: string, result: Import): Promise<void> {
  const out = process.stdout;
  const timing = ['download', 'parse', 'apply']
    .filter((phase) => result.timings[`${phase}_ms`] !== undefined)
    .map((phase) => `${phase} ${result.timings[`${phase}_ms`]} ms`)
    .join(', ');
  out.write(
    `${path.basename(file)}: ${result.status} (import ${result.id}, shop ${result.shopId})` +
      `${timing ? ` — ${timing}` : ''}\n` +
      `  total ${result.totalRows}, created ${result.created}, updated ${result.updated}, ` +
      `unchanged ${result.unchanged}, deactivated ${result.deactivated}, rejected ${result.rejected}\n`,
  );
  if (result.shopRenamedFrom)
    out.write(`  shop renamed: «${result.shopRenamedFrom}» → «${result.shopRenamedTo}»\n`);
  if (result.errorCode) out.write(`  error ${result.errorCode}: ${result.errorMessage?.en ?? ''}\n`);
  const lines = await runtime.db
    .select()
    .from(importIssues)
    .where(eq(importIssues.importId, result.id))
    .limit(21);
  for (const line of lines.slice(0, 20)) {
    out.write(
      `  row ${line.row}${line.line ? ` (line ${line.line})` : ''}${line.goodId ? ` id ${line.goodId}` : ''}` +
        `${line.field ? ` ${line.field}` : ''}: ${line.message.en}\n`,
    );
  }
  if (lines.length > 20) out.write('  … more in GET /api/v2/supplier/imports/:id\n');
}

// A usage error needs no database: said before one is opened (the same line and exit status).
if (
  !values.help &&
  (values.dir
    ? values['shop-owner'] || positionals.length > 0
    : !values['shop-owner'] || positionals.length !== 1)
) {
  printCliFailure(new CliError(USAGE));
  process.exit(1);
}

await runCli(async (runtime) => {
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const mode = values.strict ? 'strict' : 'lenient';
  let jobs: { file: string; shop: (content: Buffer) => Promise<number | string> }[];
  if (values.dir) {
    if (values['shop-owner'] || positionals.length > 0) throw new CliError(USAGE);
    const dir = path.resolve(values.dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new CliError(`Not a folder: ${dir}`);
    const files = fs
      .readdirSync(dir)
      .filter((name) => /\.(ya?ml|json)$/i.test(name))
      .sort()
      .map((name) => path.join(dir, name));
    if (files.length === 0) throw new CliError(`No .yaml, .yml or .json files in ${dir}`);
    jobs = files.map((file) => ({ file, shop: (content) => shopNamedIn(runtime, file, content) }));
  } else {
    const owner = values['shop-owner'];
    if (!owner || positionals.length !== 1) throw new CliError(USAGE);
    const shopId = await shopOfOwnerEmail(runtime, owner);
    jobs = [{ file: path.resolve(positionals[0]), shop: async () => shopId }];
  }
  let failed = 0;
  for (const job of jobs) {
    let content: Buffer;
    try {
      content = fs.readFileSync(job.file);
    } catch (error) {
      throw new CliError(`Cannot read ${job.file}: ${(error as Error).message}`);
    }
    if (content.length > runtime.config.importMaxBytes) {
      process.stdout.write(`${path.basename(job.file)}: failed — larger than IMPORT_MAX_BYTES\n`);
      failed += 1;
      continue;
    }
    const shop = await job.shop(content);
    if (typeof shop === 'string') {
      process.stdout.write(`${path.basename(job.file)}: failed — ${shop}\n`);
      failed += 1;
      continue;
    }
    const result = await importPriceList(runtime, {
      shopId: shop,
      mode,
      source: 'cli',
      content,
      fileName: path.basename(job.file),
    });
    await report(runtime, job.file, result);
    if (result.status !== 'succeeded') failed += 1;
  }
  if (failed > 0) throw new CliError(`${failed} of ${jobs.length} imports failed`);
});
