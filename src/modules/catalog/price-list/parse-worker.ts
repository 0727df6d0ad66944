// The price-list reader's thread. It decodes the file, scans it against the bounds, reads its
// frame (shop, categories, the goods list) and then its goods on request, a slice at a time: all
// the parsing and checking of a price list happens here, never on the API's event loop. The
// parent bounds this thread's heap (resourceLimits) and its working time, and terminates it.
//
// Messages in: {type:'start', bytes, fileName, limits}, then {type:'more'} per slice.
// Messages out: {type:'frame', …} or {type:'error', code, text, line}, then {type:'goods', results, done}.
import { parentPort, workerData } from 'node:worker_threads';
import type { PriceListLimits } from './limits.ts';
import { scanText } from './limits.ts';
import { decodeContent, detectFormat, type GoodResult, PriceListError, readPriceList } from './price-list.ts';
import { setYamlLimits } from './yaml-reader.ts';

/** Goods per message: large enough that messaging costs nothing, small enough to stay prompt. */
const SLICE = 1000;

interface Start {
  bytes: Uint8Array;
  fileName: string | null;
  limits: PriceListLimits;
}

const port = parentPort!;

function fail(error: unknown): void {
  if (error instanceof PriceListError) {
    port.postMessage({ type: 'error', code: error.code, text: error.text, line: error.line });
    return;
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    port.postMessage({
      type: 'error',
      code: 'too_deep',
      text: { ru: 'Вложенность в файле слишком глубокая', en: 'The file nests too deeply' },
    });
    return;
  }
  port.postMessage({
    type: 'error',
    code: 'reader_failed',
    text: { ru: 'Файл не удалось прочитать', en: 'The file could not be read' },
    detail: error instanceof Error ? error.message : String(error),
  });
}

function run({ bytes, fileName, limits }: Start): void {
  let goods: Generator<GoodResult> | undefined;
  try {
    setYamlLimits({ maxAliases: limits.maxAliases, maxNodes: limits.maxNodes, maxDepth: limits.maxDepth });
    const content = decodeContent(bytes);
    const format = detectFormat(content, fileName);
    scanText(content, format, limits);
    const priceList = readPriceList(content, format, limits);
    goods = priceList.goods();
    port.postMessage({
      type: 'frame',
      format,
      shopName: priceList.shopName,
      categories: priceList.categories,
      issues: priceList.issues,
      goodsCount: priceList.goodsCount,
    });
  } catch (error) {
    fail(error);
    return;
  }
  port.on('message', (message: { type: string }) => {
    if (message.type !== 'more' || !goods) return;
    try {
      const results: GoodResult[] = [];
      let done = false;
      while (results.length < SLICE) {
        const next = goods.next();
        if (next.done) {
          done = true;
          break;
        }
        results.push(next.value);
      }
      port.postMessage({ type: 'goods', results, done });
    } catch (error) {
      fail(error);
    }
  });
}

run(workerData as Start);
