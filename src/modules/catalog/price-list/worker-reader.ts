// Reads a price list in a worker thread (parse-worker.ts) and hands its goods to the import as an
// async reader of the same shape the import consumed before: the frame (shop name, categories,
// file issues, goods count), then the goods in file order. The API's event loop only receives
// ready results, so a large or hostile file cannot stall requests while it is read.
//
// The thread runs under a heap ceiling (resourceLimits: IMPORT_PARSE_MEMORY_MB) and a deadline
// on its own working time (IMPORT_PARSE_TIMEOUT_MS: the time between asking for a slice and
// getting it, so the database's share of an import does not count); over either it is terminated
// and the import fails with `parse_memory_exceeded` or `parse_timeout`.
import { Worker } from 'node:worker_threads';
import type { PriceListLimits } from './limits.ts';
import {
  type GoodResult,
  type PriceListCategory,
  PriceListError,
  type PriceListFormat,
  type PriceListIssue,
} from './price-list.ts';

export interface WorkerPriceList {
  format: PriceListFormat;
  shopName: string;
  categories: Map<string, PriceListCategory>;
  issues: PriceListIssue[];
  goodsCount: number;
  /** The goods in file order; a file-level problem met on the way throws PriceListError. */
  goods(): AsyncGenerator<GoodResult>;
  /** Ends the thread (idempotent); the import calls it however it ends. */
  close(): void;
}

type Message =
  | {
      type: 'frame';
      format: PriceListFormat;
      shopName: string;
      categories: Map<string, PriceListCategory>;
      issues: PriceListIssue[];
      goodsCount: number;
    }
  | { type: 'goods'; results: GoodResult[]; done: boolean }
  | { type: 'error'; code: string; text: { ru: string; en: string }; line?: number; detail?: string };

const WORKER_URL = new URL('./parse-worker.ts', import.meta.url);

function timeoutError(limits: PriceListLimits): PriceListError {
  const seconds = Math.round(limits.timeoutMs / 1000);
  return new PriceListError('parse_timeout', {
    ru: `Файл читался дольше ${seconds} с и был остановлен`,
    en: `Reading the file took longer than ${seconds} s and was stopped`,
  });
}

function memoryError(limits: PriceListLimits): PriceListError {
  return new PriceListError('parse_memory_exceeded', {
    ru: `Чтение файла потребовало больше ${limits.memoryMb} МБ памяти и было остановлено`,
    en: `Reading the file needed more than ${limits.memoryMb} MB of memory and was stopped`,
  });
}

/**
 * Starts reading `bytes` in a worker thread; resolves with the frame once it is read and checked.
 * With `transfer`, bytes that own their whole buffer move to the thread without a copy (and are
 * empty here afterwards); otherwise they are copied.
 */
export async function openPriceListInWorker(
  bytes: Uint8Array,
  fileName: string | null,
  limits: PriceListLimits,
  transfer = false,
): Promise<WorkerPriceList> {
  const own =
    transfer &&
    bytes.byteOffset === 0 &&
    bytes.byteLength === bytes.buffer.byteLength &&
    bytes.buffer instanceof ArrayBuffer
      ? bytes
      : new Uint8Array(bytes);
  const worker = new Worker(WORKER_URL, {
    workerData: { bytes: own, fileName, limits },
    transferList: [own.buffer as ArrayBuffer],
    resourceLimits: {
      maxOldGenerationSizeMb: limits.memoryMb,
      maxYoungGenerationSizeMb: Math.min(64, Math.max(8, Math.floor(limits.memoryMb / 16))),
      stackSizeMb: 4,
    },
    stdout: false,
    stderr: false,
  });
  let closed = false;
  let busyMs = 0;
  let pending: { resolve(message: Message): void; reject(error: Error): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let failure: Error | undefined;

  const settle = (outcome: Message | Error) => {
    const waiter = pending;
    pending = undefined;
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (!waiter) {
      if (outcome instanceof Error) failure = outcome;
      return;
    }
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  };
  const close = () => {
    if (closed) return;
    closed = true;
    void worker.terminate();
  };
  worker.on('message', (message: Message) => settle(message));
  worker.on('error', (error: Error & { code?: string }) => {
    closed = true;
    settle(
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? memoryError(limits)
        : new Error(`price-list reader failed: ${error.message}`),
    );
  });
  worker.on('exit', (code) => {
    closed = true;
    settle(new Error(`price-list reader stopped (exit code ${code})`));
  });

  /** The next message, counting the wait as the thread's working time against the deadline. */
  const next = (ask: boolean): Promise<Message> => {
    if (failure) return Promise.reject(failure);
    if (closed) return Promise.reject(new Error('price-list reader is closed'));
    return new Promise<Message>((resolve, reject) => {
      const started = performance.now();
      pending = {
        resolve: (message) => {
          busyMs += performance.now() - started;
          resolve(message);
        },
        reject,
      };
      timer = setTimeout(
        () => {
          close();
          settle(timeoutError(limits));
        },
        Math.max(1, limits.timeoutMs - busyMs),
      );
      if (ask) worker.postMessage({ type: 'more' });
    });
  };

  const asError = (message: Extract<Message, { type: 'error' }>): Error =>
    message.code === 'reader_failed'
      ? new Error(`price-list reader failed: ${message.detail ?? message.code}`)
      : new PriceListError(message.code, message.text, message.line);

  let frame: Message;
  try {
    frame = await next(false);
  } catch (error) {
    close();
    throw error;
  }
  if (frame.type === 'error') {
    close();
    throw asError(frame);
  }
  if (frame.type !== 'frame') {
    close();
    throw new Error(`price-list reader: unexpected ${frame.type}`);
  }
  return {
    format: frame.format,
    shopName: frame.shopName,
    categories: frame.categories,
    issues: frame.issues,
    goodsCount: frame.goodsCount,
    close,
    async *goods() {
      try {
        for (;;) {
          const message = await next(true);
          if (message.type === 'error') throw asError(message);
          if (message.type !== 'goods') throw new Error(`price-list reader: unexpected ${message.type}`);
          yield* message.results;
          if (message.done) return;
        }
      } finally {
        close();
      }
    },
  };
}
