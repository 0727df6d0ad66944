// The bounds a price list is read within (IMPORT_MAX_* and IMPORT_PARSE_* in the configuration),
// and the scan that checks the ones visible in the raw text before any parsing starts.
import { PriceListError, type PriceListFormat } from './price-list.ts';

export interface PriceListLimits {
  /** Goods in one file. */
  maxGoods: number;
  /** Characteristics of one good. */
  maxCharacteristics: number;
  /** Characters in one line of a YAML file (JSON, often one line, is read by a linear parser). */
  maxLineLength: number;
  /** YAML documents (`---`) in one file. */
  maxDocuments: number;
  /** Nesting of mappings and lists. */
  maxDepth: number;
  /** YAML aliases (`*name`) resolved. */
  maxAliases: number;
  /** Values built by the full YAML parser from one chunk, aliases expanded. */
  maxNodes: number;
  /** The reader's own working time (the worker thread's, not the database's). */
  timeoutMs: number;
  /** The worker thread's heap ceiling. */
  memoryMb: number;
}

export const DEFAULT_PRICE_LIST_LIMITS: PriceListLimits = {
  maxGoods: 500_000,
  maxCharacteristics: 1_000,
  maxLineLength: 65_536,
  maxDocuments: 1,
  maxDepth: 32,
  maxAliases: 10_000,
  maxNodes: 2_000_000,
  timeoutMs: 120_000,
  memoryMb: 1_024,
};

/**
 * One pass over the text: a YAML line longer than the bound, or more documents than allowed,
 * refuses the file before the parser sees it (both are linear to find; both are how a small file
 * can make a parser's work or memory explode).
 */
export function scanText(content: string, format: PriceListFormat, limits: PriceListLimits): void {
  if (format !== 'yaml') return;
  let start = 0;
  let line = 1;
  let documents = 0;
  let contentBeforeMarker = false;
  while (start <= content.length) {
    let end = content.indexOf('\n', start);
    if (end < 0) end = content.length;
    if (end - start > limits.maxLineLength) {
      throw new PriceListError(
        'line_too_long',
        {
          ru: `Строка ${line} длиннее ${limits.maxLineLength} символов`,
          en: `Line ${line} is longer than ${limits.maxLineLength} characters`,
        },
        line,
      );
    }
    if (content.startsWith('---', start) && (end - start === 3 || ' \r#'.includes(content[start + 3]))) {
      documents += 1;
    } else if (documents === 0 && !contentBeforeMarker) {
      const text = content.slice(start, Math.min(end, start + 200)).trim();
      if (text !== '' && !text.startsWith('#') && !text.startsWith('%')) contentBeforeMarker = true;
    }
    if (documents + (contentBeforeMarker ? 1 : 0) > limits.maxDocuments) {
      throw new PriceListError(
        'too_many_documents',
        {
          ru: `В файле больше ${limits.maxDocuments} документов YAML (---)`,
          en: `The file has more than ${limits.maxDocuments} YAML documents (---)`,
        },
        line,
      );
    }
    start = end + 1;
    line += 1;
  }
  flowDepth(content, limits.maxDepth);
}

/**
 * Nesting of flow collections (`[[[[…]]]]`), which a parser follows with its stack. Counts only
 * brackets where YAML opens a collection (at a value's start: after `: `, `- `, `[`, `{`, `,` or
 * a line's start), outside quotes and comments, so "Кабель [2 м]" in a plain value counts nothing.
 */
function flowDepth(content: string, maxDepth: number): void {
  let depth = 0;
  let line = 1;
  let previous = '\n';
  for (let i = 0; i < content.length; i += 1) {
    const c = content[i];
    if (c === '\n') {
      line += 1;
      previous = '\n';
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (previous === ':' || previous === '-') previous = ' ';
      continue;
    }
    if (c === '#' && (previous === ' ' || previous === '\n')) {
      const end = content.indexOf('\n', i);
      i = (end < 0 ? content.length : end) - 1;
      continue;
    }
    if (
      (c === '"' || c === "'") &&
      (previous === ' ' || previous === '\n' || previous === '[' || previous === '{' || previous === ',')
    ) {
      // A quoted scalar: skip to its closing quote (escapes in double quotes, '' in single).
      let j = i + 1;
      while (j < content.length && content[j] !== c) j += c === '"' && content[j] === '\\' ? 2 : 1;
      i = j;
      previous = 'q';
      continue;
    }
    if ((c === '[' || c === '{') && ' \n[{,'.includes(previous)) {
      depth += 1;
      if (depth > maxDepth) {
        throw new PriceListError(
          'too_deep',
          {
            ru: `Вложенность в файле глубже ${maxDepth} уровней (строка ${line})`,
            en: `The file nests deeper than ${maxDepth} levels (line ${line})`,
          },
          line,
        );
      }
    } else if ((c === ']' || c === '}') && depth > 0) depth -= 1;
    previous = c;
  }
}
