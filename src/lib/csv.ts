// The one CSV writer (goods exports, coupon batches): RFC 4180, CRLF line ends, fields quoted when
// they hold a quote, a comma, a line break or leading/trailing whitespace. A text cell that a
// spreadsheet would run as a formula (starting with =, +, -, @, a tab or a carriage return) gets a
// leading apostrophe, so an exported name like `=HYPERLINK(…)` stays text (OWASP "CSV injection");
// plain numbers such as `-5.50` are left as they are.

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

/** One cell as CSV text. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) && !PLAIN_NUMBER.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) || /^\s|\s$/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Rows of cells as a CSV document, each line ended by CRLF; `bom` puts a UTF-8 BOM first (Excel then reads Cyrillic right). */
export function csvDocument(rows: readonly (readonly string[])[], options: { bom?: boolean } = {}): string {
  const body = rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('');
  return options.bom ? `\ufeff${body}` : body;
}
