// The import's goods reader: the file's frame checked, then its goods read IMPORT_BATCH valid ones
// at a time into columns (`Staged`), the rejected ones tallied with their report lines.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { ParameterKind } from '../../db/schema/catalog.ts';
import type { PriceListIssue } from './price-list/price-list.ts';
import type { WorkerPriceList } from './price-list/worker-reader.ts';

/**
 * Goods per batch, and rows (goods, products) per statement of the apply. With 10,000 the
 * statements took as long in all, but a batch's transient texts raised a 100,000-good import's
 * peak memory by about 120 MiB. Each batch's statements are built on the API's event loop: with
 * 5,000 that held it 200–300 ms of CPU a batch (with the forced collection then made per batch),
 * with 2,000 and no forced collection 50–110 ms, with 1,000 at most ~60 ms and the import no
 * slower (100,000 goods: 22–24 s at load 2 either way; issue 16, bench:import-responsiveness).
 */
export const IMPORT_BATCH = 1_000;

/**
 * Goods per statement on PGlite, whose statements run on the API's own thread and hold every
 * request while they run: a batch of 2,000 new goods took 350–500 ms of CPU a statement there, a
 * quarter of one about a tenth of that; 250 goods still took 55–90 ms at 100,000 goods already stored
 * (issue 16: no statement much over 50 ms).
 */
export const PGLITE_BATCH = 150;

/** The batch cut into pieces of at most `size` goods (their characteristics with them). */
export function splitStaged(staged: Staged, size: number): Staged[] {
  if (staged.rows.length <= size) return [staged];
  const pieces: Staged[] = [];
  for (let from = 0; from < staged.rows.length; from += size) {
    const to = Math.min(staged.rows.length, from + size);
    const first = staged.paramStart[from];
    const last = staged.paramStart[to];
    const params = staged.params;
    pieces.push({
      rows: staged.rows.slice(from, to),
      externalIds: staged.externalIds.slice(from, to),
      categoryNorms: staged.categoryNorms.slice(from, to),
      models: staged.models.slice(from, to),
      names: staged.names.slice(from, to),
      normalizedNames: staged.normalizedNames.slice(from, to),
      prices: staged.prices.slice(from, to),
      pricesRrc: staged.pricesRrc.slice(from, to),
      quantities: staged.quantities.slice(from, to),
      paramStart: staged.paramStart.slice(from, to + 1).map((start) => start - first),
      params: {
        name: params.name.slice(first, last),
        key: params.key.slice(first, last),
        kind: params.kind.slice(first, last),
        value: params.value.slice(first, last),
        valueKey: params.valueKey.slice(first, last),
        valueNumber: params.valueNumber.slice(first, last),
      },
    });
  }
  return pieces;
}

/** How many report lines an import keeps (the counts are always complete). */
export const MAX_REPORTED_ISSUES = 10_000;

/** A batch of valid goods as columns (compact, and ready for unnest). */
export interface Staged {
  rows: number[];
  externalIds: string[];
  categoryNorms: string[];
  models: (string | null)[];
  names: string[];
  normalizedNames: string[];
  prices: string[];
  pricesRrc: string[];
  quantities: number[];
  /** Characteristics, flat: good i's are at paramStart[i] … paramStart[i + 1] - 1. */
  paramStart: number[];
  params: {
    name: string[];
    key: string[];
    kind: ParameterKind[];
    value: string[];
    valueKey: string[];
    valueNumber: (string | null)[];
  };
}

/** What reading the goods found besides the valid ones, over the whole file. */
export interface FileTally {
  /** Goods read so far, valid or not. */
  read: number;
  rejected: number;
  /** The file's issues, then the rows' (at most MAX_REPORTED_ISSUES of those). */
  issues: PriceListIssue[];
  /** Supplier ids of rejected rows: their stored offers are kept as they are, not deactivated. */
  keptIds: string[];
  /** Time spent reading and checking goods. */
  readMs: number;
}

/**
 * What the apply needs of the file: its frame, and its goods to read. The file is read and
 * checked in a worker thread under bounds (price-list/worker-reader.ts); goods arrive in order.
 */
export type PriceListSummary = Pick<
  WorkerPriceList,
  'shopName' | 'categories' | 'goodsCount' | 'issues' | 'goods'
>;

/**
 * A copy of a string that does not keep a larger one alive: V8 represents substrings as slices of
 * their parent, and the parent here is the whole decoded file.
 */
export function own(value: string): string {
  return value.length < 13 ? value : ` ${value}`.slice(1);
}

/** Goods read between two turns of the event loop, so that the database's answers are taken promptly. */
const READ_SLICE = 1000;

/**
 * Reads the file's goods IMPORT_BATCH valid ones at a time (undefined at the end), tallying the rejected
 * ones. It yields to the event loop every READ_SLICE goods: it runs while the database works on
 * the statements before, and their answers must not wait for a whole batch to be read.
 */
export function goodsReader(
  priceList: PriceListSummary,
  tally: FileTally,
): () => Promise<Staged | undefined> {
  const goods = priceList.goods();
  let done = false;
  return async () => {
    if (done) return undefined;
    const staged: Staged = {
      rows: [],
      externalIds: [],
      categoryNorms: [],
      models: [],
      names: [],
      normalizedNames: [],
      prices: [],
      pricesRrc: [],
      quantities: [],
      paramStart: [0],
      params: { name: [], key: [], kind: [], value: [], valueKey: [], valueNumber: [] },
    };
    let started = performance.now();
    while (staged.rows.length < IMPORT_BATCH) {
      const next = await goods.next();
      if (next.done) {
        done = true;
        break;
      }
      tally.read += 1;
      if (tally.read % READ_SLICE === 0) {
        tally.readMs += performance.now() - started;
        await nextTurn();
        started = performance.now();
      }
      const result = next.value;
      if (!result.ok) {
        tally.rejected += 1;
        const goodId = result.issues.find((issue) => issue.goodId)?.goodId;
        const duplicate = result.issues.some((issue) => issue.code === 'duplicate_id');
        if (goodId && !duplicate) tally.keptIds.push(own(goodId));
        if (tally.issues.length < MAX_REPORTED_ISSUES) {
          for (const issue of result.issues) {
            if (issue.goodId) issue.goodId = own(issue.goodId);
            tally.issues.push(issue);
          }
        }
        continue;
      }
      const good = result.good;
      staged.rows.push(good.row);
      staged.externalIds.push(own(good.externalId));
      staged.categoryNorms.push(priceList.categories.get(good.categoryExternalId)!.normalizedName);
      staged.models.push(good.model === null ? null : own(good.model));
      staged.names.push(own(good.name));
      staged.normalizedNames.push(good.normalizedName);
      staged.prices.push(good.price);
      staged.pricesRrc.push(good.priceRrc);
      staged.quantities.push(good.quantity);
      for (const parameter of good.parameters) {
        staged.params.name.push(parameter.name);
        staged.params.key.push(parameter.normalizedName);
        staged.params.kind.push(parameter.kind);
        staged.params.value.push(parameter.value);
        staged.params.valueKey.push(parameter.valueKey);
        staged.params.valueNumber.push(parameter.valueNumber);
      }
      staged.paramStart.push(staged.params.name.length);
    }
    tally.readMs += performance.now() - started;
    return staged.rows.length > 0 ? staged : undefined;
  };
}
