// Input that must never reach a service: numbers outside what the database columns hold, NUL
// characters (PostgreSQL text cannot store U+0000), multipart bodies that cannot be parsed, and the
// HTTP layer's own refusals (bad URL, URI or headers too large), which Fastify would otherwise
// answer outside the error handler. Everything refused here leaves as a problem document (or, on
// /api/v1, through that adapter's own error handler) with a stable code — never a 500.
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldError } from './errors.ts';

/** PostgreSQL `integer`: every id and count column. A request integer without bounds gets these. */
export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
/** A request number without bounds gets these (finite, and exact as a double). */
const NUMBER_LIMIT = 1e15;

type JsonSchema = Record<string, unknown>;

function isIntegerType(type: unknown): boolean {
  return type === 'integer' || (Array.isArray(type) && type.includes('integer'));
}

function isNumberType(type: unknown): boolean {
  return type === 'number' || (Array.isArray(type) && type.includes('number'));
}

/**
 * Bounds every integer of a request schema to int4 and every number to ±1e15 where the schema set
 * no bound of its own, in place (idempotent; shared schema pieces are bounded once). `Infinity`,
 * `1e400` (which JSON reads as Infinity) and ids past int4 then fail validation instead of reaching
 * SQL. The bounds are in the schema, so the OpenAPI document shows them.
 */
export function boundNumbers(schema: unknown, seen = new Set<unknown>()): void {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return;
  seen.add(schema);
  if (Array.isArray(schema)) {
    for (const item of schema) boundNumbers(item, seen);
    return;
  }
  const node = schema as JsonSchema;
  const hasMax = node.maximum !== undefined || node.exclusiveMaximum !== undefined;
  const hasMin = node.minimum !== undefined || node.exclusiveMinimum !== undefined;
  if (isIntegerType(node.type)) {
    if (!hasMax) node.maximum = INT4_MAX;
    if (!hasMin) node.minimum = INT4_MIN;
  } else if (isNumberType(node.type)) {
    if (!hasMax) node.maximum = NUMBER_LIMIT;
    if (!hasMin) node.minimum = -NUMBER_LIMIT;
  }
  for (const value of Object.values(node)) {
    if (value !== null && typeof value === 'object') boundNumbers(value, seen);
  }
}

/**
 * The first string (or key) holding U+0000, or number that is not finite, as a dotted path under
 * `root`; undefined when clean. Non-finite numbers get here through AJV's coercion: the query text
 * "Infinity" or "1e400" becomes the number Infinity, which AJV's integer check and bounds then let
 * through (they test only finite numbers).
 */
export function findBadValue(
  value: unknown,
  root: string,
  depth = 0,
): { field: string; kind: 'nul' | 'infinite' } | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? { field: root, kind: 'nul' } : undefined;
  if (typeof value === 'number')
    return Number.isFinite(value) ? undefined : { field: root, kind: 'infinite' };
  if (value === null || typeof value !== 'object' || depth > 64) return undefined;
  if (Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findBadValue(value[i], `${root}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (key.includes('\u0000'))
      return { field: `${root}.${key.replaceAll('\u0000', '\\u0000')}`, kind: 'nul' };
    const found = findBadValue(item, `${root}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const INFINITE_MESSAGE = { ru: 'должно быть конечным числом', en: 'must be a finite number' };
const NUL_MESSAGE = {
  ru: 'не должно содержать нулевой символ (U+0000)',
  en: 'must not contain the NUL character (U+0000)',
};

function malformedMultipart(detail: { ru: string; en: string }): AppError {
  return new AppError(400, 'malformed_multipart', { detail });
}

/** A parser error of a multipart body (busboy's plain Errors) as a 400; undefined for anything else. */
export function multipartClientError(request: FastifyRequest, error: unknown): AppError | undefined {
  if (error instanceof AppError || !(error instanceof Error)) return undefined;
  if ((error as { statusCode?: number }).statusCode !== undefined) return undefined;
  if (!request.isMultipart?.()) return undefined;
  if (!/multipart|boundary|part header|unexpected end/i.test(error.message)) return undefined;
  return malformedMultipart({
    ru: 'Тело multipart/form-data повреждено или не дочитано',
    en: 'The multipart/form-data body is malformed or truncated',
  });
}

/**
 * Installs the guards: integer bounds on every route's request schemas (onRoute, so it must run
 * before the routes are registered), multipart without a boundary refused before anything reads
 * it, and NUL characters and non-finite numbers refused in the query, path parameters and body
 * before any handler.
 */
export function installInputGuards(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const schema = route.schema as Record<string, unknown> | undefined;
    if (!schema) return;
    for (const part of ['querystring', 'params', 'body', 'headers']) boundNumbers(schema[part]);
  });

  app.addHook('onRequest', async (request) => {
    const type = request.headers['content-type'];
    if (typeof type === 'string' && /^\s*multipart\/form-data/i.test(type)) {
      const boundary = /;\s*boundary=("?)([^";]+)\1/i.exec(type)?.[2];
      if (!boundary || boundary.length > 70) {
        throw malformedMultipart({
          ru: 'В заголовке Content-Type: multipart/form-data нет корректного boundary',
          en: 'Content-Type: multipart/form-data has no valid boundary',
        });
      }
    }
    // The path as typed: a %00 in it is refused even where no parameter captures it (the query's
    // values are checked one by one, with their names, before the handler).
    const query = request.url.indexOf('?');
    if ((query < 0 ? request.url : request.url.slice(0, query)).includes('%00')) {
      throw new AppError(400, 'validation_failed', { errors: [{ field: 'url', message: NUL_MESSAGE }] });
    }
  });

  // After validation and every route's own preValidation (v1 turns multipart fields into its body).
  app.addHook('preHandler', async (request) => {
    const errors: FieldError[] = [];
    for (const [part, value] of [
      ['querystring', request.query],
      ['params', request.params],
      ['body', request.body],
    ] as const) {
      const found = findBadValue(value, part);
      if (found) {
        errors.push({ field: found.field, message: found.kind === 'nul' ? NUL_MESSAGE : INFINITE_MESSAGE });
      }
    }
    if (errors.length) throw new AppError(400, 'validation_failed', { errors });
  });
}

// ---------------------------------------------------------------------------------------------
// The HTTP layer's own errors

/** Fastify's router refusals (`frameworkErrors`): a malformed URL, a path parameter too long. */
export function frameworkError(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
  send: (request: FastifyRequest, reply: FastifyReply, error: AppError) => FastifyReply,
): FastifyReply {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return send(
      request,
      reply,
      new AppError(414, 'uri_too_long', {
        detail: { ru: 'Адрес запроса слишком длинный', en: 'The request URI is too long' },
      }),
    );
  }
  return send(
    request,
    reply,
    new AppError(400, error.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'bad_request', {
      detail: { ru: 'Адрес запроса записан неверно', en: 'The request URL is malformed' },
    }),
  );
}

const CLIENT_ERRORS: Record<string, { status: number; code: string; title: string; detail: string }> = {
  header: {
    status: 431,
    code: 'headers_too_large',
    title: 'Request Header Fields Too Large',
    detail: 'The request headers are too large',
  },
  uri: {
    status: 414,
    code: 'uri_too_long',
    title: 'URI Too Long',
    detail: 'The request URI is too long',
  },
  timeout: {
    status: 408,
    code: 'request_timeout',
    title: 'Request Timeout',
    detail: 'The request was not received in time',
  },
  large: {
    status: 413,
    code: 'payload_too_large',
    title: 'Payload Too Large',
    detail: 'The request is too large',
  },
  bad: {
    status: 400,
    code: 'bad_request',
    title: 'Bad Request',
    detail: 'The request is not valid HTTP',
  },
};

/** Request lines longer than this that overflow the header limit are a URI too long (414). */
const LONG_REQUEST_LINE = 8 * 1024;

/**
 * Node's HTTP parser refusals (`clientErrorHandler`): headers or request line over the limit, a
 * timeout, bytes that are not HTTP. No request object exists yet, so the problem document is
 * written to the socket as it is (English: the headers that would say otherwise were not read).
 */
export function clientErrorHandler(
  error: Error & { code?: string; rawPacket?: unknown },
  socket: Socket,
): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  let kind = 'bad';
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT' || error.code === 'ERR_HTTP_HEADERS_TIMEOUT')
    kind = 'timeout';
  else if (error.code === 'HPE_HEADER_OVERFLOW') {
    const packet = Buffer.isBuffer(error.rawPacket) ? error.rawPacket : undefined;
    const lineEnd = packet ? packet.indexOf('\r\n') : -1;
    kind = packet && (lineEnd < 0 ? packet.length : lineEnd) > LONG_REQUEST_LINE ? 'uri' : 'header';
  } else if (error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') kind = 'large';
  const problem = CLIENT_ERRORS[kind];
  const body = JSON.stringify({
    type: `/problems/${problem.code}`,
    title: problem.title,
    status: problem.status,
    code: problem.code,
    detail: problem.detail,
  });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${problem.status} ${problem.title}\r\nConnection: close\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
