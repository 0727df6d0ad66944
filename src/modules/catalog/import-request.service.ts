// What a request to import a price list must satisfy before an import is recorded: an uploaded
// file of a price-list type, a known mode, a URL (given, or the shop's) that may be fetched. The
// v2 routes (supplier and staff) and the v1 adapter call these; the import itself is
// import.service.ts.
import type { Import, ImportMode, Shop } from '../../db/schema/catalog.ts';
import { transaction } from '../../db/transaction.ts';
import { AppError, unprocessable } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { checkUrlForm, checkUrlTarget, FetchError, fetchPriceList } from './fetch.ts';
import { importPriceList, queueImport } from './import.service.ts';

const UPLOAD_EXTENSIONS = /\.(ya?ml|json)$/i;

/** An uploaded file as the HTTP layer hands it over: named first, read only once its name is accepted. */
export interface UploadedFile {
  fileName: string | null;
  /** The `mode` form field, unchecked. */
  mode: unknown;
  read(): Promise<Buffer>;
  /** Drops the unread body (after a refusal). */
  discard(): void;
}

export interface ImportRequest {
  requestedBy: number;
  /** From the query string (wins over the form field). */
  mode?: ImportMode;
  /** A multipart upload; else `url`, or the shop's price-list URL. */
  upload?: UploadedFile;
  url?: string;
  /** Staff starting an import for a shop: the import is audited as `import.started`. */
  byStaff?: boolean;
}

/** The upload's size limit as an error. */
export function fileTooLarge(runtime: Runtime): AppError {
  const mb = Math.round(runtime.config.importMaxBytes / 1024 / 1024);
  return new AppError(413, 'file_too_large', {
    detail: { ru: `Файл больше допустимых ${mb} МБ`, en: `The file is larger than the allowed ${mb} MB` },
  });
}

function fieldError(field: string, message: { ru: string; en: string }): AppError {
  return new AppError(400, 'validation_failed', { errors: [{ field, message }] });
}

/** Checks an import request for the shop and queues the import (202 material for the routes). */
export async function requestImport(runtime: Runtime, shop: Shop, request: ImportRequest): Promise<Import> {
  const { upload } = request;
  if (upload) {
    const name = upload.fileName;
    if (name && /\.[^./\\]+$/.test(name) && !UPLOAD_EXTENSIONS.test(name)) {
      upload.discard();
      throw new AppError(415, 'unsupported_file_type', {
        detail: {
          ru: 'Загрузите прайс-лист в YAML (.yaml, .yml) или JSON (.json)',
          en: 'Upload the price list as YAML (.yaml, .yml) or JSON (.json)',
        },
      });
    }
    const content = await upload.read();
    const mode = (request.mode ?? (upload.mode as string | undefined) ?? 'lenient') as string;
    if (mode !== 'lenient' && mode !== 'strict') {
      throw fieldError('body.mode', { ru: 'lenient или strict', en: 'lenient or strict' });
    }
    return transaction(runtime, (scope) =>
      queueImport(scope, {
        shopId: shop.id,
        requestedBy: request.requestedBy,
        source: 'upload',
        mode,
        fileName: name || null,
        content,
        audited: request.byStaff,
      }),
    );
  }
  const url = request.url ?? shop.priceListUrl ?? undefined;
  if (!url) {
    throw fieldError('body.url', {
      ru: 'укажите URL прайс-листа или загрузите файл',
      en: 'give the price-list URL or upload a file',
    });
  }
  await checkImportUrl(runtime, url, 'body.url');
  return transaction(runtime, (scope) =>
    queueImport(scope, {
      shopId: shop.id,
      requestedBy: request.requestedBy,
      source: 'url',
      mode: request.mode ?? 'lenient',
      url,
      audited: request.byStaff,
    }),
  );
}

/** A price-list URL may be fetched: 400 on the field when malformed, 422 when its target is refused. */
export async function checkImportUrl(runtime: Runtime, url: string, field: string): Promise<void> {
  try {
    await checkUrlTarget(url, runtime.config.allowPrivateImportUrls);
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    if (error.code === 'invalid_url') throw fieldError(field, error.text);
    throw unprocessable(error.code, error.text);
  }
}

/** How an import by URL that answers at once (v1's partner/update) ended. */
export type ImmediateImport =
  | { outcome: 'invalid_url'; text: { ru: string; en: string } }
  | { outcome: 'refused'; text: { ru: string; en: string } }
  | { outcome: 'queued'; importId: number }
  | { outcome: 'done'; import: Import };

/**
 * Imports the price list at `url` before answering when it is at most `inlineMaxBytes`, and queues
 * an import job for a larger one. A malformed URL (`invalid_url`) or one that cannot be fetched
 * (`refused`) comes back with its text.
 */
export async function importNowOrQueue(
  runtime: Runtime,
  input: { shopId: number; requestedBy: number; url: string; inlineMaxBytes: number },
): Promise<ImmediateImport> {
  const { shopId, requestedBy, url } = input;
  try {
    checkUrlForm(url);
  } catch (error) {
    if (error instanceof FetchError) return { outcome: 'invalid_url', text: error.text };
    throw error;
  }
  let fetched: Awaited<ReturnType<typeof fetchPriceList>>;
  try {
    fetched = await fetchPriceList(url, {
      maxBytes: input.inlineMaxBytes,
      allowPrivate: runtime.config.allowPrivateImportUrls,
    });
  } catch (error) {
    if (!(error instanceof FetchError)) throw error;
    if (error.code !== 'file_too_large') return { outcome: 'refused', text: error.text };
    const queued = await transaction(runtime, (scope) =>
      queueImport(scope, { shopId, requestedBy, source: 'url', mode: 'lenient', url }),
    );
    return { outcome: 'queued', importId: queued.id };
  }
  const done = await importPriceList(runtime, {
    shopId,
    requestedBy,
    source: 'url',
    mode: 'lenient',
    url,
    content: fetched.content,
    fileName: fetched.fileName,
  });
  return { outcome: 'done', import: done };
}
