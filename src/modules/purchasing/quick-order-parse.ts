// Quick-order input as lines "артикул или название; количество": typed text (one good a line), a
// CSV file (`;`, `,` or tab between the two columns, quotes as in RFC 4180) or the first sheet of
// an XLSX file (first column the code or name, second the quantity). A header row, blank lines and
// `#` comments are skipped; a line without a usable quantity is reported, not guessed.
import { readXlsxRows, XlsxError } from '../../lib/xlsx.ts';

export const MAX_QUICK_ORDER_LINES = 200;

export interface QuickOrderLine {
  /** 1-based line (row) number in the input. */
  line: number;
  /** The supplier's good id or a name. */
  query: string;
  quantity: number;
}

export interface QuickOrderProblem {
  line: number;
  text: string;
  reason: 'bad_quantity' | 'missing_query';
}

export interface ParsedQuickOrder {
  lines: QuickOrderLine[];
  problems: QuickOrderProblem[];
}

/** One CSV record's fields (quotes may hold the delimiter; "" is a quote). */
function csvFields(text: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field.trim() === '') {
      quoted = true;
      field = '';
    } else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields.map((value) => value.trim());
}

function delimiterOf(line: string): string {
  const unquoted = line.replace(/"[^"]*"/g, '');
  for (const delimiter of [';', '\t', ',']) if (unquoted.includes(delimiter)) return delimiter;
  return ';';
}

/** A quantity as people write it: "12", "12 шт", "12,0"; null when it is not a whole number 1–10 000. */
function quantityOf(text: string): number | null {
  const match = /^(\d{1,5})(?:[.,]0+)?(?:\s*(?:шт|шт\.|pcs|pc|ед))?$/i.exec(text.trim());
  if (!match) return null;
  const quantity = Number(match[1]);
  return quantity >= 1 && quantity <= 10_000 ? quantity : null;
}

const HEADER = /^(артикул|код|название|наименование|товар|code|sku|name|id)(?![\p{L}\p{N}])/iu;

function fromRows(rows: readonly (readonly string[])[]): ParsedQuickOrder {
  const parsed: ParsedQuickOrder = { lines: [], problems: [] };
  rows.forEach((cells, index) => {
    const line = index + 1;
    const query = (cells[0] ?? '').trim();
    const rest = cells
      .slice(1)
      .map((cell) => cell.trim())
      .filter(Boolean);
    if (!query && rest.length === 0) return;
    if (query.startsWith('#')) return;
    if (index === 0 && HEADER.test(query) && (rest.length === 0 || quantityOf(rest[0]) === null)) return;
    const text = [query, ...rest].join('; ');
    if (!query) {
      parsed.problems.push({ line, text, reason: 'missing_query' });
      return;
    }
    const quantity = rest.length === 0 ? null : quantityOf(rest[0]);
    if (quantity === null) {
      parsed.problems.push({ line, text, reason: 'bad_quantity' });
      return;
    }
    parsed.lines.push({ line, query, quantity });
  });
  return parsed;
}

export function parseQuickOrderText(text: string): ParsedQuickOrder {
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  return fromRows(lines.map((line) => (line.trim() ? csvFields(line, delimiterOf(line)) : [])));
}

export function parseQuickOrderFile(fileName: string, content: Buffer): ParsedQuickOrder {
  const isZip = content.length >= 4 && content.readUInt32LE(0) === 0x04034b50;
  if (isZip || /\.xlsx$/i.test(fileName)) {
    try {
      return fromRows(readXlsxRows(content, { maxRows: MAX_QUICK_ORDER_LINES + 10 }));
    } catch (error) {
      if (error instanceof XlsxError) throw new QuickOrderFileError(error.message);
      throw error;
    }
  }
  return parseQuickOrderText(content.toString('utf8'));
}

export class QuickOrderFileError extends Error {}
