// One POST of a signed message to an endpoint, under the price-list URLs' network rules
// (catalog/fetch.ts): http(s) only, no loopback/private/reserved address unless
// ALLOW_PRIVATE_IMPORT_URLS=true, every DNS answer checked at connection time. Redirects are not
// followed (a 3xx is a failed attempt); the whole attempt has one deadline.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { checkUrlForm, FetchError, guardedLookup, isForbiddenAddress } from '../../lib/outbound-url.ts';

export const DELIVERY_TIMEOUT_MS = 10_000;
const EXCERPT_BYTES = 1024;

export type SendOutcome =
  | { ok: boolean; statusCode: number; excerpt: string; durationMs: number; error: null }
  | { ok: false; statusCode: null; excerpt: ''; durationMs: number; error: string };

export async function postMessage(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: { allowPrivate: boolean; timeoutMs?: number },
): Promise<SendOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const failed = (error: string): SendOutcome => ({
    ok: false,
    statusCode: null,
    excerpt: '',
    durationMs: elapsed(),
    error,
  });
  let url: URL;
  try {
    url = checkUrlForm(rawUrl);
  } catch (error) {
    return failed((error as FetchError).code);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!options.allowPrivate && net.isIP(host) && isForbiddenAddress(host)) return failed('url_not_allowed');
  const payload = Buffer.from(body, 'utf8');
  const signal = AbortSignal.timeout(options.timeoutMs ?? DELIVERY_TIMEOUT_MS);
  return new Promise<SendOutcome>((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.request(
      url,
      {
        method: 'POST',
        lookup: guardedLookup(options.allowPrivate),
        signal,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(payload.length),
          'user-agent': 'Zakupka-Webhooks/1',
        },
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8');
          resolve({
            ok: statusCode >= 200 && statusCode < 300,
            statusCode,
            excerpt,
            durationMs: elapsed(),
            error: null,
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk);
          size += chunk.length;
          // The rest of a long answer is not needed: stop reading it.
          if (size >= EXCERPT_BYTES) {
            response.destroy();
            finish();
          }
        });
        response.on('end', finish);
        response.on('error', () => finish());
      },
    );
    request.on('error', (error) => {
      const cause = error instanceof FetchError ? error : (error as { cause?: unknown }).cause;
      if (cause instanceof FetchError) return resolve(failed(cause.code));
      if (error.name === 'AbortError' || error.name === 'TimeoutError' || signal.aborted)
        return resolve(failed('timeout'));
      resolve(failed('connection_failed'));
    });
    request.end(payload);
  });
}
