// The one place where errors become answers: typed AppErrors, request validation, PostgreSQL
// constraint errors and anything unexpected all leave as RFC 9457 application/problem+json.
// A 500 never shows internals: it logs the error and answers with the request id.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sqlState } from '../db/client.ts';
import type { Language } from '../db/schema/users.ts';
import { languageFromHeader, localize } from '../lib/i18n.ts';
import { AppError, type FieldError } from './errors.ts';
import { installInputGuards, multipartClientError } from './input-guard.ts';

const TITLES: Record<number, { ru: string; en: string }> = {
  400: { ru: 'Неверный запрос', en: 'Bad request' },
  401: { ru: 'Требуется вход', en: 'Authentication required' },
  403: { ru: 'Доступ запрещён', en: 'Forbidden' },
  404: { ru: 'Не найдено', en: 'Not found' },
  405: { ru: 'Метод не поддерживается', en: 'Method not allowed' },
  406: { ru: 'Неприемлемый формат', en: 'Not acceptable' },
  409: { ru: 'Конфликт', en: 'Conflict' },
  413: { ru: 'Слишком большой запрос', en: 'Payload too large' },
  415: { ru: 'Неподдерживаемый тип данных', en: 'Unsupported media type' },
  422: { ru: 'Невозможно обработать', en: 'Unprocessable content' },
  429: { ru: 'Слишком много запросов', en: 'Too many requests' },
  500: { ru: 'Внутренняя ошибка', en: 'Internal server error' },
  503: { ru: 'Сервис недоступен', en: 'Service unavailable' },
};

/** The caller's language: the authenticated user's preference, else Accept-Language, else Russian. */
export function requestLanguage(request: FastifyRequest): Language {
  const user = (request as { user?: { preferredLanguage?: Language } }).user;
  if (request.headers['accept-language']) return languageFromHeader(request.headers['accept-language']);
  return user?.preferredLanguage ?? 'ru';
}

interface AjvItem {
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
  schemaPath: string;
}

const TYPE_NAMES_RU: Record<string, string> = {
  string: 'строка',
  integer: 'целое число',
  number: 'число',
  boolean: 'true или false',
  array: 'список',
  object: 'объект',
  null: 'null',
};

function typeNames(types: unknown): string[] {
  return String(types)
    .split(',')
    .map((type) => type.trim())
    .filter(Boolean);
}

// AJV's keywords in Russian; English keeps AJV's own wording where it is one clear sentence.
function validationMessage(error: AjvItem): { ru: string; en: string } {
  const p = error.params;
  const en = error.message ?? 'is invalid';
  const ru = ((): string => {
    switch (error.keyword) {
      case 'required':
        return 'обязательное поле';
      case 'type':
        return `должно быть: ${typeNames(p.type)
          .map((type) => TYPE_NAMES_RU[type] ?? type)
          .join(' или ')}`;
      case 'minLength':
        return `не короче ${String(p.limit)} символов`;
      case 'maxLength':
        return `не длиннее ${String(p.limit)} символов`;
      case 'minimum':
        return `не меньше ${String(p.limit)}`;
      case 'maximum':
        return `не больше ${String(p.limit)}`;
      case 'exclusiveMinimum':
        return `больше ${String(p.limit)}`;
      case 'exclusiveMaximum':
        return `меньше ${String(p.limit)}`;
      case 'format':
        return `неверный формат (${String(p.format)})`;
      case 'pattern':
        return 'неверный формат';
      case 'enum':
        return `допустимые значения: ${(p.allowedValues as unknown[] | undefined)?.join(', ') ?? ''}`;
      case 'const':
        return `допустимое значение: ${String(p.allowedValue)}`;
      case 'additionalProperties':
        return 'лишнее поле';
      case 'minItems':
        return `не меньше ${String(p.limit)} элементов`;
      case 'maxItems':
        return `не больше ${String(p.limit)} элементов`;
      case 'uniqueItems':
        return 'элементы не должны повторяться';
      case 'minProperties':
        return 'не может быть пустым';
      default:
        // Never AJV's English inside a Russian answer.
        return 'недопустимое значение';
    }
  })();
  const enOwn =
    error.keyword === 'enum' ? `must be one of: ${(p.allowedValues as unknown[]).join(', ')}` : en;
  return { ru, en: enOwn };
}

/**
 * One sentence per field. A union (anyOf/oneOf: a choice of literals, a nullable value) makes AJV
 * report every branch and then the union itself; they become one message naming what is allowed.
 * Several failed keywords of one field are joined into one sentence.
 */
function fieldMessage(items: AjvItem[]): { ru: string; en: string } {
  const union = items.find((item) => item.keyword === 'anyOf' || item.keyword === 'oneOf');
  if (union) {
    const values: string[] = [];
    const types: string[] = [];
    for (const item of items) {
      if (item.keyword === 'const') values.push(String(item.params.allowedValue));
      if (item.keyword === 'enum') values.push(...(item.params.allowedValues as unknown[]).map(String));
      if (item.keyword === 'type') types.push(...typeNames(item.params.type));
    }
    if (values.length) {
      // A nullable choice: null is one more allowed value.
      const allowed = [...new Set([...values, ...types.filter((type) => type === 'null')])];
      return {
        ru: `допустимые значения: ${allowed.join(', ')}`,
        en: `must be one of: ${allowed.join(', ')}`,
      };
    }
    if (types.length && types.length === items.length - 1) {
      const unique = [...new Set(types)];
      return {
        ru: `должно быть: ${unique.map((type) => TYPE_NAMES_RU[type] ?? type).join(' или ')}`,
        en: `must be ${unique.join(' or ')}`,
      };
    }
    const branch = items.find((item) => item !== union && item.keyword !== 'type');
    return branch ? validationMessage(branch) : validationMessage(union);
  }
  const messages = items.map(validationMessage);
  const join = (language: 'ru' | 'en') => [...new Set(messages.map((m) => m[language]))].join('; ');
  return { ru: join('ru'), en: join('en') };
}

function validationErrors(error: FastifyError): FieldError[] {
  const context = error.validationContext ?? 'body';
  const byField = new Map<string, AjvItem[]>();
  for (const item of error.validation ?? []) {
    const params = (item.params ?? {}) as Record<string, unknown>;
    const path = item.instancePath
      .split('/')
      .filter(Boolean)
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (item.keyword === 'required' && typeof params.missingProperty === 'string') {
      path.push(params.missingProperty);
    }
    if (item.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path.push(params.additionalProperty);
    }
    const field = [context, ...path].join('.');
    const items = byField.get(field) ?? [];
    items.push({ keyword: item.keyword, message: item.message, params, schemaPath: item.schemaPath });
    byField.set(field, items);
  }
  return [...byField].map(([field, items]) => ({ field, message: fieldMessage(items) }));
}

/** PostgreSQL constraint errors that reached the edge: a rule the database enforced for us. */
function fromPostgres(error: unknown): AppError | undefined {
  const code = sqlState(error);
  if (!code) return undefined;
  const cause = ((error as { cause?: unknown }).cause ?? error) as { constraint?: string; detail?: string };
  const constraint = cause.constraint;
  switch (code) {
    case '23505':
      return new AppError(409, 'already_exists', {
        detail: { ru: 'Такая запись уже существует', en: 'Such a record already exists' },
        extra: constraint ? { constraint } : undefined,
      });
    case '23503':
      return new AppError(409, 'referenced_record_conflict', {
        detail: {
          ru: 'Запись связана с другими данными или ссылается на несуществующую',
          en: 'The record is referenced by, or refers to a missing, other record',
        },
        extra: constraint ? { constraint } : undefined,
      });
    case '23514':
    case '23502':
    case '22001':
    case '22003':
      return new AppError(422, 'constraint_violated', {
        detail: { ru: 'Данные нарушают ограничение', en: 'The data violate a constraint' },
        extra: constraint ? { constraint } : undefined,
      });
    case '40001':
    case '40P01':
      return new AppError(409, 'concurrent_update', {
        detail: {
          ru: 'Данные одновременно изменил другой запрос; повторите',
          en: 'Another request changed the same data at the same time; retry',
        },
      });
    case '57014':
      return new AppError(503, 'query_timeout', {
        detail: { ru: 'Запрос выполнялся слишком долго', en: 'The query timed out' },
      });
    default:
      return undefined;
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  const language = requestLanguage(request);
  const title = TITLES[error.status] ?? TITLES[error.status >= 500 ? 500 : 400];
  const body: Record<string, unknown> = {
    type: error.status >= 500 ? 'about:blank' : `/problems/${error.code}`,
    title: title[language],
    status: error.status,
    code: error.code,
    instance: request.url,
    request_id: request.id,
  };
  if (error.detail !== undefined) body.detail = localize(error.detail, language);
  if (error.errors) {
    body.errors = error.errors.map((item) => ({
      field: item.field,
      message: localize(item.message, language),
    }));
    if (body.detail === undefined) {
      body.detail = error.errors
        .map((item) => `${item.field}: ${localize(item.message, language)}`)
        .join('; ');
    }
  }
  if (error.headers) reply.headers(error.headers);
  // Extra members never override the standard ones.
  const document = error.extra ? { ...error.extra, ...body } : body;
  return reply
    .status(error.status)
    .type('application/problem+json')
    .serializer(JSON.stringify)
    .send(document);
}

export function installErrorHandlers(app: FastifyInstance): void {
  installInputGuards(app);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) return sendProblem(request, reply, error);
    const multipart = multipartClientError(request, error);
    if (multipart) return sendProblem(request, reply, multipart);
    if (error.validation) {
      return sendProblem(
        request,
        reply,
        new AppError(400, 'validation_failed', { errors: validationErrors(error) }),
      );
    }
    const database = fromPostgres(error);
    if (database) {
      request.log.warn({ err: error }, 'database constraint error');
      return sendProblem(request, reply, database);
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, body too large, unsupported media type, …).
      const code = (error.code ?? 'bad_request')
        .replace(/^FST_ERR_CTP_/, '')
        .replace(/^FST_ERR_/, '')
        .toLowerCase();
      return sendProblem(request, reply, new AppError(status, code, { detail: error.message }));
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(
      request,
      reply,
      new AppError(500, 'internal_error', {
        detail: {
          ru: `Непредвиденная ошибка. Сообщите номер запроса ${request.id}`,
          en: `Unexpected error. Quote request id ${request.id}`,
        },
      }),
    );
  });

  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      request,
      reply,
      new AppError(404, 'route_not_found', {
        detail: {
          ru: `Нет такого адреса: ${request.method} ${request.url}`,
          en: `No route ${request.method} ${request.url}`,
        },
      }),
    ),
  );
}
