// The web console (console/, built by Vite into console/dist) served by the API process:
// - /console/<file> answers the built files: hashed assets (/console/assets/*) cached for a year
//   (their names change with their content), index.html never cached, so a new build is picked
//   up on the next load;
// - any other /console/ path is a page of the single-page app (a deep link such as
//   /console/orders/42 that the browser reloads): index.html, and the app routes it;
// - a missing asset or file (a path with an extension, or under assets/) is a 404, never the
//   page, so a stale bundle fails loudly instead of being parsed as HTML;
// - GET / redirects to /console/.
// Files are read at start-up (and again after a rebuild) and compressed (brotli, gzip) on first request. These routes
// are not API operations: they are hidden from the OpenAPI document.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pickEncoding } from './docs.ts';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export const CONSOLE_DIST = path.resolve(import.meta.dirname, '../../console/dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt', '.map']);
const YEAR = 'public, max-age=31536000, immutable';

interface ConsoleFile {
  type: string;
  cacheControl: string;
  etag: string;
  body: Buffer;
  compressible: boolean;
  encoded?: Promise<{ br: Buffer; gzip: Buffer }>;
}

/** The built files by their path below /console/ (e.g. `assets/index-abc.js`). */
export function readConsoleFiles(dist: string): Map<string, ConsoleFile> {
  const files = new Map<string, ConsoleFile>();
  if (!fs.existsSync(path.join(dist, 'index.html'))) return files;
  for (const entry of fs.readdirSync(dist, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dist, full).split(path.sep).join('/');
    const extension = path.extname(entry.name).toLowerCase();
    const body = fs.readFileSync(full);
    files.set(relative, {
      type: TYPES[extension] ?? 'application/octet-stream',
      cacheControl: relative.startsWith('assets/') ? YEAR : 'no-cache',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      body,
      compressible: COMPRESSIBLE.has(extension) && body.length > 1024,
    });
  }
  return files;
}

async function send(request: FastifyRequest, reply: FastifyReply, file: ConsoleFile) {
  reply
    .header('content-type', file.type)
    .header('cache-control', file.cacheControl)
    .header('etag', file.etag);
  if (file.compressible) reply.header('vary', 'accept-encoding');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const encoding = file.compressible ? pickEncoding(request.headers['accept-encoding']) : 'identity';
  if (encoding === 'identity') return reply.send(file.body);
  file.encoded ??= Promise.all([
    brotli(file.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }),
    gzip(file.body, { level: 9 }),
  ]).then(([br, gz]) => ({ br, gzip: gz }));
  const encoded = await file.encoded;
  return reply.header('content-encoding', encoding).send(encoding === 'br' ? encoded.br : encoded.gzip);
}

const NOT_BUILT = `<!doctype html><html lang="ru"><meta charset="utf-8"><title>Консоль не собрана</title>
<p>Консоль не собрана. Выполните <code>npm run build:console</code> (или <code>npm ci</code>) и перезапустите сервер.</p>
<p lang="en">The console is not built: run <code>npm run build:console</code> (or <code>npm ci</code>) and restart the server.</p></html>`;

/** The files of the current build: read again when index.html changes (a rebuild while running). */
function currentBuild(dist: string) {
  let builtAt = -1;
  let files = new Map<string, ConsoleFile>();
  return () => {
    const stat = fs.statSync(path.join(dist, 'index.html'), { throwIfNoEntry: false });
    const mtime = stat?.mtimeMs ?? 0;
    if (mtime !== builtAt) {
      files = readConsoleFiles(dist);
      builtAt = mtime;
    }
    return files;
  };
}

export async function registerConsole(app: FastifyInstance, dist = CONSOLE_DIST): Promise<void> {
  const build = currentBuild(dist);
  build();
  const hidden = { schema: { hide: true } };

  app.get('/', hidden, async (_request, reply) => reply.redirect('/console/', 302));

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const wanted = (request.params as { '*'?: string })['*'] ?? '';
    const files = build();
    const index = files.get('index.html');
    const file = files.get(wanted);
    if (file && wanted !== 'index.html') return send(request, reply, file);
    // A file that is not there (an asset of another build, a typo): a real 404.
    if (wanted.startsWith('assets/') || /\.[A-Za-z0-9]+$/.test(wanted)) return reply.callNotFound();
    if (!index)
      return reply
        .code(503)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(NOT_BUILT);
    return send(request, reply, index);
  };
  app.get('/console', hidden, handler);
  app.get('/console/*', hidden, handler);
}
