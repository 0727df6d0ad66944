// PostgreSQL array literals built by the caller, passed as one text parameter and cast in SQL
// (`$1::integer[]`). The bulk import builds its next statement's arrays while the database runs the
// one before; handed to the driver as arrays they would be serialised only when sent, after the
// previous statement ends, and the two processes' work would not overlap.

const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * `{…}` for a one-dimensional array: strings quoted and escaped (valid for any element type that
 * reads text: text, numeric, jsonb, text[]…), numbers and booleans bare, `null` as SQL NULL.
 */
export function arrayLiteral(values: readonly (string | number | boolean | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i += 1) {
    if (i > 0) out += ',';
    const value = values[i];
    if (value === null) out += 'NULL';
    else if (typeof value !== 'string') out += String(value);
    else if (NEEDS_ESCAPE.test(value)) out += `"${value.replace(ESCAPED, '\\$&')}"`;
    else out += `"${value}"`;
  }
  return `${out}}`;
}
