// The OpenAPI document (`/docs/json`) and the interactive reference (`/docs`, Swagger UI).
// - The document names a relative server (`/`): "Try it out" calls the address the page was opened
//   at (127.0.0.1, localhost, a compose host name, a proxy), never a cross-origin one.
// - The document does not change while the process runs: it is serialised once, compressed once
//   (brotli and gzip) and served with a strong ETag, so a browser revalidates it with a 304.
// - Swagger UI's own files (its 1.4 MB bundle above all) are compressed on the way out; the
//   compression is registered in this scope only, so API answers are untouched.
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import compress from '@fastify/compress';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

export interface DocsOptions {
  description: string;
  tags: { name: string; description: string }[];
}

interface EncodedDocument {
  etag: string;
  identity: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** The encoding to answer with: brotli, then gzip, when the client accepts it (q=0 refuses). */
export function pickEncoding(header: string | undefined): 'br' | 'gzip' | 'identity' {
  if (!header) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(name, q ? Number(q.slice(2)) : 1);
  }
  const allows = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (allows('br')) return 'br';
  if (allows('gzip')) return 'gzip';
  return 'identity';
}

declare module 'fastify' {
  interface FastifyInstance {
    docsDocument: () => Promise<unknown>;
  }
}

export async function registerDocs(app: FastifyInstance, options: DocsOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Zakupka API',
        version: '2.0.0',
        license: { name: 'Proprietary' },
        description: options.description,
      },
      servers: [{ url: '/', description: 'This server, at the address the page was opened at' }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'Access token (JWT) or API token (zk_…)' },
          token: {
            type: 'apiKey',
            in: 'header',
            name: 'Authorization',
            description: '`Token <api token>` (v1 style)',
          },
        },
      },
      tags: options.tags,
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (json.$id as string) ?? `def-${i}`,
    },
  });

  let encoded: Promise<EncodedDocument> | undefined;
  const document = (): Promise<EncodedDocument> => {
    encoded ??= (async () => {
      const identity = Buffer.from(JSON.stringify(app.swagger()));
      const [br, gz] = await Promise.all([
        brotli(identity, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }),
        gzip(identity, { level: 9 }),
      ]);
      const etag = `"${createHash('sha256').update(identity).digest('base64url').slice(0, 27)}"`;
      return { etag, identity, br, gzip: gz };
    })();
    return encoded;
  };

  // Answers /docs/json from the prepared copies before Swagger UI's own route would serialise the
  // document again; every other page of /docs goes on to Swagger UI.
  const serveDocument = async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return;
    if (request.url.split('?')[0].replace(/\/+$/, '') !== '/docs/json') return;
    const doc = await document();
    reply
      .header('etag', doc.etag)
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding')
      .type('application/json; charset=utf-8');
    const presented = request.headers['if-none-match'];
    if (presented?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === doc.etag)) {
      return reply.code(304).send();
    }
    const encoding = pickEncoding(request.headers['accept-encoding']);
    if (encoding === 'identity') return reply.send(doc.identity);
    return reply.header('content-encoding', encoding).send(encoding === 'br' ? doc.br : doc.gzip);
  };

  // The server warms the copies once it listens (`warmDocs`), so the first visitor does not wait.
  app.decorate('docsDocument', document);

  await app.register(async (scope) => {
    await scope.register(compress, { global: true, encodings: ['br', 'gzip'], threshold: 1024 });
    await scope.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: false,
      uiHooks: { onRequest: serveDocument },
      uiConfig: {
        // The models section renders every schema of the API: hidden, the page is usable sooner;
        // each operation still shows its own schemas.
        defaultModelsExpandDepth: -1,
        // Tags only at first: rendering every operation of the API (150-odd) before the page
        // answers took seconds; a tag opens its operations on a click (deep links open theirs).
        docExpansion: 'none',
        deepLinking: true,
        filter: true,
        displayRequestDuration: true,
      },
    });
  });
}
