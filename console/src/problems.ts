// API problems (RFC 9457, `errors: [{field, message}]`) as react-admin errors: the form shows each
// message beside the field it names (`body.billing_details.inn` → the input `billing_details.inn`).
import { ZakupkaApiError } from '@zakupka/client';
import { HttpError } from 'ra-core';

type FieldErrors = { [key: string]: string | FieldErrors };

/** `{ field: message }`, nested along the dotted path, without the `body.`/`query.` prefix. */
export function fieldErrors(problem: ZakupkaApiError['problem']): FieldErrors {
  const out: FieldErrors = {};
  for (const entry of problem?.errors ?? []) {
    const path = entry.field
      .replace(/^(body|querystring|query|params)\.?/, '')
      .split('.')
      .filter(Boolean);
    if (!path.length) continue;
    let node = out;
    for (const key of path.slice(0, -1)) {
      if (typeof node[key] !== 'object') node[key] = {};
      node = node[key] as FieldErrors;
    }
    const last = path[path.length - 1];
    if (typeof node[last] !== 'string') node[last] = entry.message;
  }
  return out;
}

/** Any failure of a call, as the HttpError react-admin shows (message) and maps onto fields. */
export function toHttpError(error: unknown): unknown {
  if (error instanceof ZakupkaApiError) {
    const errors = fieldErrors(error.problem);
    const message = error.problem?.detail ?? error.problem?.title ?? error.message;
    return new HttpError(message, error.status, {
      ...error.problem,
      code: error.code,
      // react-admin reads `body.errors` as field errors; `root.serverError` is the form's own line.
      errors: Object.keys(errors).length ? { ...errors, root: { serverError: message } } : undefined,
    });
  }
  if (error instanceof TypeError) {
    // fetch rejects with a TypeError when the server cannot be reached.
    return new HttpError('console.errors.network', 0);
  }
  return error;
}
