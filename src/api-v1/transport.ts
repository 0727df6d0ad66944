// The reference's conventions, in one place: how v1 reads its inputs (form-urlencoded, multipart or
// JSON; form values are strings), who may call what (403 with a v1 body, never problem+json), and
// how failures are told (HTTP 200 and `Status: false`). No business rule lives here: services decide,
// this file only translates their answers.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../http/auth.ts';
import { requestLanguage } from '../http/error-handler.ts';
import { AppError, type Localized } from '../http/errors.ts';
import { localize } from '../lib/i18n.ts';

/** The reference's fixed texts: clients may compare them, so they are never translated. */
export const MISSING_ARGUMENTS = 'Не указаны все необходимые аргументы';
export const WRONG_ARGUMENTS = 'Неправильно указаны аргументы';
export const BAD_FORMAT = 'Неверный формат запроса';
export const LOGIN_REQUIRED = 'Log in required';
export const SHOPS_ONLY = 'Только для магазинов';
export const BUYERS_ONLY = 'Только для покупателей';
const ACCOUNT_BLOCKED = {
  ru: 'Учётная запись заблокирована. Обратитесь в поддержку',
  en: 'The account is blocked. Contact support',
};

/** Field → messages, as DRF serializers report them. */
export type FieldMessages = Record<string, string[]>;

export interface V1Failure {
  Status: false;
  Errors: string | FieldMessages;
}

export function failure(errors: string | FieldMessages): V1Failure {
  return { Status: false, Errors: errors };
}

/** The text in the caller's language (Russian unless asked otherwise). */
export function say(request: FastifyRequest, text: Localized): string {
  return localize(text, requestLanguage(request));
}

// ---------------------------------------------------------------------------------------------
// Inputs

export type V1Body = Record<string, unknown>;

/** The parsed body as key → value, whatever the content type was (absent or not an object: empty). */
export function bodyOf(request: FastifyRequest): V1Body {
  const body = request.body;
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as V1Body) : {};
}

/** Every key is present (an empty value counts as present, as in the reference). */
export function hasAll(body: V1Body, keys: readonly string[]): boolean {
  return keys.every((key) => body[key] !== undefined && body[key] !== null);
}

/**
 * A scalar input as text: form strings as they are, JSON numbers and booleans as their text. A key
 * repeated in a form takes its last value, as Django's QueryDict does.
 */
export function text(body: V1Body, key: string): string | undefined {
  let value = body[key];
  if (Array.isArray(value)) value = value[value.length - 1];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

const MAX_ID = 2_147_483_647;

/** A positive integer id from "12" or 12; undefined for anything else. */
export function toId(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value > 0 && value <= MAX_ID ? value : undefined;
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value.trim())) return undefined;
  const id = Number(value.trim());
  return id > 0 && id <= MAX_ID ? id : undefined;
}

/**
 * Ids as DELETE takes them: "3,7" (parts that are not digits are skipped, as the reference does),
 * or in JSON a real array of ids.
 */
export function idList(value: unknown): number[] {
  const parts = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  return parts.map(toId).filter((id): id is number => id !== undefined);
}

/**
 * `items` of the basket: a JSON string (as the reference expects) or, in a JSON body, a real array;
 * each element an object whose `keys` are positive integers (numbers or digit strings). Undefined
 * when it is anything else: the caller answers "Неверный формат запроса".
 */
export function jsonItems<K extends string>(
  value: unknown,
  keys: readonly K[],
): Record<K, number>[] | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!Array.isArray(parsed)) return undefined;
  const items: Record<K, number>[] = [];
  for (const element of parsed) {
    if (element === null || typeof element !== 'object' || Array.isArray(element)) return undefined;
    const item = {} as Record<K, number>;
    for (const key of keys) {
      const id = toId((element as Record<string, unknown>)[key]);
      if (id === undefined) return undefined;
      item[key] = id;
    }
    items.push(item);
  }
  return items;
}

const TRUE = new Set(['y', 'yes', 't', 'true', 'on', '1']);
const FALSE = new Set(['n', 'no', 'f', 'false', 'off', '0']);

/** Python's strtobool, which the reference uses: undefined for a value it would refuse. */
export function truthValue(value: string): boolean | undefined {
  const lower = value.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Who may call

export type V1Audience = 'authenticated' | 'buyer' | 'shop';

/**
 * A route-level onRequest hook (it runs after the app-wide one that authenticated the request and
 * before the body is read): 403 with the reference's body for a missing or invalid token and for the
 * wrong kind of account. API v1 has no 401.
 */
export function v1Access(audience: V1Audience) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const user = request.user;
    // A credential of an account staff blocked is refused as the v2 API refuses it: 401 at once.
    if (!user && request.authError === 'account_blocked') {
      return reply.code(401).send({ Status: false, Error: say(request, ACCOUNT_BLOCKED) });
    }
    if (!user) return reply.code(403).send({ Status: false, Error: LOGIN_REQUIRED });
    if (audience === 'shop' && user.role !== 'supplier') {
      return reply.code(403).send({ Status: false, Error: SHOPS_ONLY });
    }
    // The basket and orders are the buyer's, as in API v2.
    if (audience === 'buyer' && user.role !== 'buyer') {
      return reply.code(403).send({ Status: false, Error: BUYERS_ONLY });
    }
  };
}

/** The caller of a route guarded by `v1Access`. */
export function caller(request: FastifyRequest): AuthUser {
  if (!request.user) throw new Error('v1 route without v1Access');
  return request.user;
}

// ---------------------------------------------------------------------------------------------
// Failures

/** `body.password` → `password`: v1 names the field only. */
function fieldName(field: string): string {
  return field.replace(/^(body|query|params)\./, '');
}

/**
 * A service's refusal as v1 tells it: field errors as `{field: [messages]}`, anything else as its
 * text. Undefined for what is not a refusal of the request (rate limits, server faults).
 */
export function v1Refusal(request: FastifyRequest, error: unknown): V1Failure | undefined {
  if (!(error instanceof AppError) || error.status >= 500 || error.status === 429) return undefined;
  if (error.errors?.length) {
    const fields: FieldMessages = {};
    for (const item of error.errors) {
      const name = fieldName(item.field);
      fields[name] = [...(fields[name] ?? []), say(request, item.message)];
    }
    return failure(fields);
  }
  return failure(say(request, error.detail ?? error.code));
}

/** True when the error is the service refusal with this code. */
export function isRefusal(error: unknown, ...codes: string[]): error is AppError {
  return error instanceof AppError && codes.includes(error.code);
}
