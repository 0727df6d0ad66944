// Downloads a price list from a supplier's URL without letting the URL reach inside our network.
//
// - http and https only; at most 3 redirects, each target checked again;
// - every address a host name resolves to is checked at connection time (inside the socket's DNS
//   lookup, so a name cannot resolve to a public address for the check and a private one for the
//   connection); literal IPs are checked before connecting; loopback, private, link-local, CGNAT,
//   multicast and reserved ranges are refused unless ALLOW_PRIVATE_IMPORT_URLS=true;
// - one deadline for the whole download (30 s by default), a byte limit on the (decompressed)
//   body, and the Content-Type is not trusted: the parser decides what the bytes are.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import zlib from 'node:zlib';
import {
  bareHost,
  checkUrlForm,
  FetchError,
  forbidden,
  guardedLookup,
  isForbiddenAddress,
} from '../../lib/outbound-url.ts';

export { checkUrlForm, checkUrlTarget, FetchError, isForbiddenAddress } from '../../lib/outbound-url.ts';

export interface FetchOptions {
  maxBytes: number;
  /**
   * Bytes in one line of a file that does not start as JSON: over it the download stops at once
   * (a stream of one endless line is refused after this many bytes, not after maxBytes).
   */
  maxLineBytes?: number;
  allowPrivate: boolean;
  timeoutMs?: number;
  maxRedirects?: number;
}

export interface Fetched {
  content: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
  /** The last path segment, for format detection. */
  fileName: string | null;
}

function tooLarge(maxBytes: number): FetchError {
  const mb = (maxBytes / 1024 / 1024).toFixed(maxBytes < 1024 * 1024 ? 3 : 0);
  return new FetchError('file_too_large', {
    ru: `Файл больше допустимых ${mb} МБ`,
    en: `The file is larger than the allowed ${mb} MB`,
  });
}

/** Downloads the URL under the rules above. Throws FetchError with a code and a localized text. */
export async function fetchPriceList(raw: string, options: FetchOptions): Promise<Fetched> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxRedirects = options.maxRedirects ?? 3;
  const deadline = AbortSignal.timeout(timeoutMs);
  let url = checkUrlForm(raw);
  for (let redirects = 0; ; redirects += 1) {
    const host = bareHost(url);
    if (!options.allowPrivate && net.isIP(host) && isForbiddenAddress(host)) throw forbidden(host);
    const answer = await requestOnce(url, options, deadline, timeoutMs);
    if (answer.kind === 'redirect') {
      if (redirects >= maxRedirects) {
        throw new FetchError('too_many_redirects', {
          ru: `Больше ${maxRedirects} перенаправлений`,
          en: `More than ${maxRedirects} redirects`,
        });
      }
      let next: URL;
      try {
        next = new URL(answer.location, url);
      } catch {
        throw new FetchError('invalid_url', {
          ru: 'Неверный адрес перенаправления',
          en: 'Invalid redirect target',
        });
      }
      url = checkUrlForm(next.toString());
      continue;
    }
    const segment = decodeURIComponent(url.pathname.split('/').pop() ?? '');
    return { content: answer.body, url: url.toString(), fileName: segment || null };
  }
}

type Answer = { kind: 'redirect'; location: string } | { kind: 'body'; body: Buffer };

function requestOnce(
  url: URL,
  options: FetchOptions,
  deadline: AbortSignal,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const timedOut = () =>
      new FetchError('url_timeout', {
        ru: `Сервер не отдал файл за ${Math.round(timeoutMs / 1000)} с`,
        en: `The server did not deliver the file within ${Math.round(timeoutMs / 1000)} s`,
      });
    if (deadline.aborted) return reject(timedOut());
    const request = client.get(
      url,
      {
        lookup: guardedLookup(options.allowPrivate),
        signal: deadline,
        headers: { 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'Zakupka price-list import' },
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400 && response.headers.location) {
          response.resume();
          return resolve({ kind: 'redirect', location: response.headers.location });
        }
        if (status < 200 || status >= 300) {
          response.resume();
          return reject(
            new FetchError('url_http_error', {
              ru: `Сервер ответил ${status} на запрос файла`,
              en: `The server answered ${status} to the file request`,
            }),
          );
        }
        const declared = Number(response.headers['content-length']);
        const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
        if (encoding === 'identity' && Number.isFinite(declared) && declared > options.maxBytes) {
          response.destroy();
          return reject(tooLarge(options.maxBytes));
        }
        let stream: NodeJS.ReadableStream = response;
        if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(zlib.createGunzip());
        else if (encoding === 'deflate') stream = response.pipe(zlib.createInflate());
        else if (encoding === 'br') stream = response.pipe(zlib.createBrotliDecompress());
        const chunks: Buffer[] = [];
        let size = 0;
        const lines = options.maxLineBytes ? lineWatch(options.maxLineBytes) : undefined;
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            response.destroy();
            reject(tooLarge(options.maxBytes));
            return;
          }
          const refused = lines?.(chunk);
          if (refused) {
            response.destroy();
            reject(refused);
            return;
          }
          chunks.push(chunk);
        });
        stream.on('end', () => resolve({ kind: 'body', body: Buffer.concat(chunks, size) }));
        stream.on('error', (error) => reject(translate(error, timedOut)));
        response.on('error', (error) => reject(translate(error, timedOut)));
      },
    );
    request.on('error', (error) => reject(translate(error, timedOut)));
  });
}

/** Tracks the current line's length across chunks; answers the refusal once a line is too long. */
function lineWatch(maxLineBytes: number): (chunk: Buffer) => FetchError | undefined {
  let current = 0;
  let json: boolean | undefined;
  return (chunk) => {
    if (json === undefined) {
      const first = chunk.findIndex(
        (byte) => byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09,
      );
      if (first >= 0) json = chunk[first] === 0x7b || chunk[first] === 0x5b; // { or [
    }
    if (json) return undefined;
    let start = 0;
    for (;;) {
      const end = chunk.indexOf(0x0a, start);
      const length = current + (end < 0 ? chunk.length : end) - start;
      if (length > maxLineBytes) {
        return new FetchError('line_too_long', {
          ru: `В файле есть строка длиннее ${maxLineBytes} байт; загрузка остановлена`,
          en: `The file has a line longer than ${maxLineBytes} bytes; the download was stopped`,
        });
      }
      if (end < 0) {
        current = length;
        return undefined;
      }
      current = 0;
      start = end + 1;
    }
  };
}

function translate(error: Error, timedOut: () => FetchError): FetchError {
  if (error instanceof FetchError) return error;
  if ((error as { cause?: unknown }).cause instanceof FetchError)
    return (error as { cause: FetchError }).cause;
  if (error.name === 'AbortError' || error.name === 'TimeoutError') return timedOut();
  return new FetchError('url_unreachable', {
    ru: `Не удалось скачать файл: ${error.message}`,
    en: `Could not download the file: ${error.message}`,
  });
}
