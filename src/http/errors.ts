// The typed errors services throw. Each carries an HTTP status and a stable snake_case code; the one
// error handler turns them into RFC 9457 problem documents. Codes are a contract with clients.

/** Human-readable text: Russian by default, English on request (Accept-Language or the user's choice). */
export type Localized = string | { ru: string; en: string };

export interface FieldError {
  field: string;
  message: Localized;
}

export interface AppErrorOptions {
  detail?: Localized;
  errors?: FieldError[];
  /** Extra members of the problem document (e.g. the offending basket lines). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: Localized | undefined;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(status: number, code: string, options: AppErrorOptions = {}) {
    super(typeof options.detail === 'object' ? options.detail.en : (options.detail ?? code));
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.detail = options.detail;
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }
}

/** 400: the input breaks a rule; `errors` names each field. */
export function validationError(errors: FieldError[], detail?: Localized): AppError {
  return new AppError(400, 'validation_failed', { errors, detail });
}

/** 401: no valid credentials. */
export function unauthorized(code = 'unauthorized', detail?: Localized): AppError {
  return new AppError(401, code, { detail, headers: { 'www-authenticate': 'Bearer realm="zakupka"' } });
}

/** 403: authenticated, but not allowed. */
export function forbidden(code = 'forbidden', detail?: Localized): AppError {
  return new AppError(403, code, { detail });
}

/** 404: absent, or not the caller's to see (ownership never leaks existence). */
export function notFound(code = 'not_found', detail?: Localized): AppError {
  return new AppError(404, code, { detail });
}

/** 409: the request is valid but collides with the current state. */
export function conflict(code: string, detail?: Localized, extra?: Record<string, unknown>): AppError {
  return new AppError(409, code, { detail, extra });
}

/** 422: well-formed, but cannot be processed as given. */
export function unprocessable(code: string, detail?: Localized, extra?: Record<string, unknown>): AppError {
  return new AppError(422, code, { detail, extra });
}

/** 429: slow down; `retryAfterSeconds` goes to the Retry-After header. */
export function tooManyRequests(retryAfterSeconds: number, code = 'rate_limited'): AppError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError(429, code, {
    detail: {
      ru: `Слишком много запросов; повторите через ${seconds} с`,
      en: `Too many requests; retry in ${seconds} s`,
    },
    headers: { 'retry-after': String(seconds) },
    extra: { retry_after: seconds },
  });
}
