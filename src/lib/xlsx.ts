// A minimal XLSX reader: the first worksheet's cells as rows of text. An .xlsx file is a ZIP of XML
// parts; this reads the ZIP's central directory, inflates the parts it needs (node:zlib) and takes
// the cells' values (shared strings, inline strings, numbers). Formulas give their cached value.
// Enough for a quick-order sheet ("code or name; quantity"); not a general spreadsheet library.
import { inflateRawSync } from 'node:zlib';

export class XlsxError extends Error {}

/** The ZIP entries by name: each inflated on demand, with a cap on the inflated size. */
function zipEntries(data: Buffer, maxBytes: number): Map<string, () => Buffer> {
  // End of central directory: signature 0x06054b50 within the last 64 KiB + 22 bytes.
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 65_557); i -= 1) {
    if (data.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new XlsxError('not a ZIP file');
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries = new Map<string, () => Buffer>();
  for (let n = 0; n < count; n += 1) {
    if (offset + 46 > data.length || data.readUInt32LE(offset) !== 0x02014b50)
      throw new XlsxError('broken ZIP directory');
    const method = data.readUInt16LE(offset + 10);
    const compressed = data.readUInt32LE(offset + 20);
    const size = data.readUInt32LE(offset + 24);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    const local = data.readUInt32LE(offset + 42);
    const name = data.subarray(offset + 46, offset + 46 + nameLength).toString('utf8');
    entries.set(name, () => {
      if (size > maxBytes) throw new XlsxError(`${name} is too large`);
      if (local + 30 > data.length || data.readUInt32LE(local) !== 0x04034b50)
        throw new XlsxError('broken ZIP entry');
      const start = local + 30 + data.readUInt16LE(local + 26) + data.readUInt16LE(local + 28);
      const raw = data.subarray(start, start + compressed);
      if (method === 0) return raw;
      if (method === 8) return inflateRawSync(raw, { maxOutputLength: maxBytes });
      throw new XlsxError(`unsupported ZIP compression ${method}`);
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    if (entity[0] !== '#') return ENTITIES[entity.toLowerCase()];
    return String.fromCodePoint(
      entity[1] === 'x' || entity[1] === 'X' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
    );
  });
}

/** The text of every <t> of an element (rich text runs are several). */
function textOf(xml: string): string {
  return [...xml.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>/g)].map((match) => unescapeXml(match[1])).join('');
}

/** Column letters of a cell reference ("BC12") as a 0-based index. */
function columnIndex(reference: string): number {
  let index = 0;
  for (const letter of reference.replace(/\d+$/, '')) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
}

/** The first worksheet as rows of cell texts (empty cells ''), at most `maxRows` rows. */
export function readXlsxRows(
  data: Buffer,
  options: { maxBytes?: number; maxRows?: number } = {},
): string[][] {
  const maxBytes = options.maxBytes ?? 20 * 1024 * 1024;
  const entries = zipEntries(data, maxBytes);
  const shared = entries.get('xl/sharedStrings.xml');
  const strings = shared
    ? [
        ...shared()
          .toString('utf8')
          .matchAll(/<si>([\s\S]*?)<\/si>/g),
      ].map((match) => textOf(match[1]))
    : [];
  const sheetName = [...entries.keys()]
    .filter((name) => /^xl\/worksheets\/sheet\d+\.xml$/.test(name))
    .sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0]))[0];
  if (!sheetName) throw new XlsxError('no worksheet');
  const sheet = entries.get(sheetName)!().toString('utf8');
  const rows: string[][] = [];
  for (const rowMatch of sheet.matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const row: string[] = [];
    for (const cell of rowMatch[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const attributes = cell[1];
      const body = cell[2] ?? '';
      const reference = /\br="([A-Z]+\d+)"/.exec(attributes)?.[1];
      const type = /\bt="([^"]+)"/.exec(attributes)?.[1];
      const value = /<v>([\s\S]*?)<\/v>/.exec(body)?.[1];
      let text = '';
      if (type === 's') text = strings[Number(value)] ?? '';
      else if (type === 'inlineStr') text = textOf(body);
      else if (value !== undefined) text = unescapeXml(value);
      const index = reference ? columnIndex(reference) : row.length;
      while (row.length < index) row.push('');
      row[index] = text;
    }
    rows.push(row);
    if (rows.length >= (options.maxRows ?? 10_000)) break;
  }
  return rows;
}
