// Reads YAML price lists fast and exactly.
//
// The `yaml` package is correct but slow and hungry on big files (a 36 MB, 100,000-good list takes
// 14 s and 1.9 GB as one document). Price lists are almost always plain block YAML, so this reader
// splits the file into its top-level keys and the `goods` list into items by indentation, and reads
// each item with a small block-YAML reader. Anything that reader does not fully understand (flow
// collections, block scalars, anchors, tags, multi-line scalars, …) is handed to the `yaml` package,
// for that item only; a file whose top level is not plain block YAML is read whole by `yaml`.
//
// Scalars follow the YAML 1.2 core schema, except that numbers are never converted to floats: they
// come back as ExactNumber holding the source text, so 64000.50 stays "64000.50".
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, Scalar } from 'yaml';
import {
  FLOW_OR_SPECIAL,
  readDoubleQuoted,
  readInlineScalar,
  readSingleQuoted,
  resolvePlain,
} from './yaml-scalars.ts';
import { ExactNumber, type PlainMap, type PlainValue, Unsupported, YamlSyntaxError } from './yaml-values.ts';

export { resolvePlain } from './yaml-scalars.ts';
export { ExactNumber, type PlainMap, type PlainValue, YamlSyntaxError } from './yaml-values.ts';

/**
 * Bounds on what a document may make the reader build: aliases are expanded into copies (a
 * "billion laughs" file of 800 bytes expands to billions of nodes), so their count and the nodes
 * built are bounded, and so is nesting (each level is a stack frame).
 */
export interface YamlLimits {
  /** Aliases (`*name`) resolved in one read. */
  maxAliases: number;
  /** Values built from one chunk read by the full parser, aliases expanded. */
  maxNodes: number;
  /** Nesting of mappings and lists. */
  maxDepth: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliases: 10_000, maxNodes: 2_000_000, maxDepth: 32 };

let limits: YamlLimits = DEFAULT_YAML_LIMITS;

/** Sets the bounds for this thread (the price-list worker sets the configured ones). */
export function setYamlLimits(next: YamlLimits): void {
  limits = next;
}

/** The document is over one of the bounds: the whole file is refused. */
export class YamlLimitError extends Error {
  readonly code: string;
  readonly text: { ru: string; en: string };
  constructor(code: string, text: { ru: string; en: string }) {
    super(text.en);
    this.name = 'YamlLimitError';
    this.code = code;
    this.text = text;
  }
}

function tooDeep(): YamlLimitError {
  return new YamlLimitError('too_deep', {
    ru: `Вложенность в файле глубже ${limits.maxDepth} уровней`,
    en: `The file nests deeper than ${limits.maxDepth} levels`,
  });
}

// ---------------------------------------------------------------------------------------------
// Scalars (YAML 1.2 core schema)

interface Line {
  indent: number;
  /** Content after the indentation, trailing whitespace and \r removed. */
  text: string;
  /** 1-based line number in the file. */
  no: number;
}

function toLines(chunk: string, firstLineNo: number): Line[] {
  const lines: Line[] = [];
  let start = 0;
  let no = firstLineNo;
  while (start <= chunk.length) {
    let end = chunk.indexOf('\n', start);
    if (end < 0) end = chunk.length;
    const raw = chunk.slice(start, end);
    let indent = 0;
    while (indent < raw.length && raw.charCodeAt(indent) === 32) indent += 1;
    const text = raw.slice(indent).trimEnd();
    if (text !== '' && text[0] !== '#') {
      if (text[0] === '\t') throw new Unsupported('tab indentation');
      lines.push({ indent, text, no });
    }
    no += 1;
    start = end + 1;
  }
  return lines;
}

/** Splits `key: rest` (or `key:`); null when the line is not a mapping entry. */
function splitKey(text: string): { key: string; rest: string } | null {
  const first = text[0];
  if (first === '"' || first === "'") {
    // A quoted key: find its end, then expect ':'.
    let i = 1;
    while (i < text.length) {
      if (text[i] === '\\' && first === '"') {
        i += 2;
        continue;
      }
      if (text[i] === first) {
        if (first === "'" && text[i + 1] === "'") {
          i += 2;
          continue;
        }
        break;
      }
      i += 1;
    }
    if (i >= text.length) return null;
    const after = text.slice(i + 1);
    if (!(after === ':' || after.startsWith(': '))) return null;
    const quoted = text.slice(0, i + 1);
    const key = first === '"' ? readDoubleQuoted(quoted) : readSingleQuoted(quoted);
    return { key, rest: after.slice(1).trim() };
  }
  if (FLOW_OR_SPECIAL.has(first) || first === '-' || first === '#') return null;
  let colon = -1;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === ':' && (i + 1 === text.length || text[i + 1] === ' ')) {
      colon = i;
      break;
    }
    if (text[i] === '#' && text[i - 1] === ' ') return null;
  }
  if (colon < 0) return null;
  const key = text.slice(0, colon).trimEnd();
  const resolved = resolvePlain(key);
  // Only plain string keys: "1: x" or "true: x" keys are legal YAML but read by the full parser.
  if (typeof resolved !== 'string') throw new Unsupported('non-string key');
  return { key, rest: text.slice(colon + 1).trim() };
}

function isSeqItem(text: string): boolean {
  return text[0] === '-' && (text.length === 1 || text[1] === ' ');
}

class BlockReader {
  readonly lines: Line[];
  pos = 0;
  depth = 0;
  constructor(lines: Line[]) {
    this.lines = lines;
  }

  /** Reads the block starting at the current line (indentation = that line's). */
  readBlock(): PlainValue {
    const line = this.lines[this.pos];
    if (++this.depth > limits.maxDepth) throw tooDeep();
    try {
      return isSeqItem(line.text) ? this.readSeq(line.indent) : this.readMap(line.indent);
    } finally {
      this.depth -= 1;
    }
  }

  /** A mapping value or sequence item that is empty on its line: a nested block, or null. */
  readNested(parentIndent: number, allowSameIndentSeq: boolean): PlainValue {
    const next = this.lines[this.pos];
    if (!next) return null;
    if (next.indent > parentIndent) return this.readBlock();
    if (allowSameIndentSeq && next.indent === parentIndent && isSeqItem(next.text)) {
      return this.readSeq(parentIndent);
    }
    return null;
  }

  readMap(indent: number): PlainMap {
    const map: PlainMap = Object.create(null);
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent < indent) break;
      if (line.indent > indent) throw new Unsupported('unexpected indentation');
      if (isSeqItem(line.text)) break;
      const entry = splitKey(line.text);
      if (!entry) throw new Unsupported('not a mapping entry');
      if (Object.hasOwn(map, entry.key)) throw new Unsupported('duplicate key');
      this.pos += 1;
      if (entry.rest === '' || entry.rest.startsWith('#')) {
        map[entry.key] = this.readNested(indent, true);
      } else {
        map[entry.key] = readInlineScalar(entry.rest);
        this.expectNoContinuation(indent);
      }
    }
    return map;
  }

  readSeq(indent: number): PlainValue[] {
    const items: PlainValue[] = [];
    while (this.pos < this.lines.length) {
      const line = this.lines[this.pos];
      if (line.indent < indent) break;
      if (line.indent > indent) throw new Unsupported('unexpected indentation');
      if (!isSeqItem(line.text)) break;
      const after = line.text.slice(1);
      const gap = after.length - after.trimStart().length;
      const rest = after.trimStart();
      if (rest === '' || rest.startsWith('#')) {
        this.pos += 1;
        items.push(this.readNested(indent, false));
        continue;
      }
      if (isSeqItem(rest)) throw new Unsupported('nested sequence on one line');
      let entry: { key: string; rest: string } | null = null;
      try {
        entry = splitKey(rest);
      } catch {
        entry = null;
      }
      if (entry) {
        // "- key: value": a mapping whose keys line up with this first key.
        const column = indent + 1 + gap;
        this.lines[this.pos] = { indent: column, text: rest, no: line.no };
        items.push(this.readMap(column));
      } else {
        this.pos += 1;
        items.push(readInlineScalar(rest));
        this.expectNoContinuation(indent);
      }
    }
    return items;
  }

  /** A more-indented line after an inline scalar would continue it over lines: not in the subset. */
  expectNoContinuation(indent: number): void {
    const next = this.lines[this.pos];
    if (next && next.indent > indent) throw new Unsupported('multi-line scalar');
  }
}

/** Fast path for one chunk; throws Unsupported when the chunk needs the full parser. */
function readChunkFast(chunk: string, firstLineNo: number): PlainValue {
  const lines = toLines(chunk, firstLineNo);
  if (lines.length === 0) return null;
  const reader = new BlockReader(lines);
  const value = reader.readBlock();
  if (reader.pos !== lines.length) throw new Unsupported('trailing content');
  return value;
}

// ---------------------------------------------------------------------------------------------
// The full parser, for what the fast path leaves

/** What one full-parser read has built so far (aliases expanded), against the limits. */
interface Budget {
  aliases: number;
  nodes: number;
}

function fromNode(
  node: unknown,
  doc: ReturnType<typeof parseDocument>,
  budget: Budget,
  depth = 0,
): PlainValue {
  if (node === null || node === undefined) return null;
  if (++budget.nodes > limits.maxNodes) {
    throw new YamlLimitError('too_many_nodes', {
      ru: `Файл разворачивается больше чем в ${limits.maxNodes} значений (ссылки-алиасы YAML)`,
      en: `The file expands to more than ${limits.maxNodes} values (YAML aliases)`,
    });
  }
  if (depth > limits.maxDepth) throw tooDeep();
  if (isAlias(node)) {
    if (++budget.aliases > limits.maxAliases) {
      throw new YamlLimitError('too_many_aliases', {
        ru: `В файле больше ${limits.maxAliases} ссылок-алиасов YAML (*имя)`,
        en: `The file has more than ${limits.maxAliases} YAML aliases (*name)`,
      });
    }
    const target = node.resolve(doc);
    if (!target) throw new YamlSyntaxError(`Unknown anchor: *${node.source}`);
    return fromNode(target, doc, budget, depth + 1);
  }
  if (isScalar(node)) {
    const scalar = node as Scalar;
    if (scalar.type === Scalar.PLAIN) return resolvePlain(String(scalar.source ?? scalar.value ?? ''));
    return String(scalar.value ?? '');
  }
  if (isMap(node)) {
    const map: PlainMap = Object.create(null);
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String((pair.key as Scalar).value ?? '') : String(pair.key);
      map[key] = fromNode(pair.value, doc, budget, depth + 1);
    }
    return map;
  }
  if (isSeq(node)) return node.items.map((item) => fromNode(item, doc, budget, depth + 1));
  throw new YamlSyntaxError('Unsupported YAML node');
}

function readChunkFull(chunk: string, firstLineNo: number): PlainValue {
  const lineCounter = new LineCounter();
  const doc = parseDocument(chunk, { schema: 'failsafe', lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    const line = error.pos ? lineCounter.linePos(error.pos[0]).line + firstLineNo - 1 : undefined;
    throw new YamlSyntaxError(error.message.split('\n')[0], line);
  }
  return fromNode(doc.contents as Node | null, doc, { aliases: 0, nodes: 0 });
}

function readSection(chunk: string, firstLineNo: number): PlainValue {
  try {
    return readChunkFast(chunk, firstLineNo);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    if (chunk.length > WHOLE_PARSE_LIMIT) throw tooComplex();
    return readChunkFull(chunk, firstLineNo);
  }
}

function tooComplex(): YamlSyntaxError {
  return new YamlSyntaxError(
    'The file is too large for its YAML style: write it as plain block YAML (key: value lines, lists of "- " items, no anchors)',
  );
}

function readChunk(chunk: string, firstLineNo: number): PlainValue {
  try {
    return readChunkFast(chunk, firstLineNo);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
    return readChunkFull(chunk, firstLineNo);
  }
}

// ---------------------------------------------------------------------------------------------
// The document: top-level keys, with `goods` items read lazily

export interface YamlItem {
  /** 1-based position in the list. */
  index: number;
  line: number;
  /** Reads the item; throws YamlSyntaxError for an item that is not valid YAML. */
  read(): PlainValue;
}

export interface YamlDocument {
  /** Top-level keys other than the lazy list, fully read. */
  values: PlainMap;
  /** Top-level keys whose value is a block list read item by item. */
  lists: Map<string, { count: number; items: () => Iterable<YamlItem> }>;
  /** True when the whole file went through the full parser. */
  whole: boolean;
}

/** Files bigger than this with YAML outside the block subset at the top level are refused. */
export const WHOLE_PARSE_LIMIT = 16 * 1024 * 1024;

/**
 * Reads a YAML document whose top level is a mapping. `lazyKeys` name the keys whose block lists are
 * split into items and read on demand (the price list's `goods`).
 */
export function readYamlDocument(text: string, lazyKeys: readonly string[]): YamlDocument {
  try {
    return readTopLevelFast(text, lazyKeys);
  } catch (error) {
    if (!(error instanceof Unsupported)) throw error;
  }
  if (text.length > WHOLE_PARSE_LIMIT) throw tooComplex();
  const value = readChunkFull(text, 1);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof ExactNumber) {
    return { values: Object.create(null), lists: new Map(), whole: true };
  }
  const values: PlainMap = Object.create(null);
  const lists = new Map<string, { count: number; items: () => Iterable<YamlItem> }>();
  for (const [key, item] of Object.entries(value)) {
    if (lazyKeys.includes(key) && Array.isArray(item)) {
      const list = item;
      lists.set(key, {
        count: list.length,
        items: () => list.map((entry, i) => ({ index: i + 1, line: 0, read: () => entry })),
      });
    } else values[key] = item;
  }
  return { values, lists, whole: true };
}

interface Section {
  key: string;
  rest: string;
  line: number;
  bodyStart: number;
  bodyEnd: number;
  bodyLine: number;
}

function readTopLevelFast(text: string, lazyKeys: readonly string[]): YamlDocument {
  const sections: Section[] = [];
  let pos = 0;
  let lineNo = 1;
  let started = false;
  let ended = false;
  let current: Section | undefined;
  while (pos <= text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(pos);
    // Lines at column 0 that are neither blank, comments nor list items open a new top-level key.
    if (
      pos < end &&
      c !== 32 &&
      c !== 35 &&
      c !== 13 &&
      !(c === 45 && isSeqItem(text.slice(pos, end).trimEnd()))
    ) {
      const line = text.slice(pos, end).trimEnd();
      if (ended) throw new Unsupported('content after document end');
      if (line === '---' || line.startsWith('--- #')) {
        if (started) throw new Unsupported('several documents');
      } else if (line === '...') {
        ended = true;
        if (current) current.bodyEnd = pos;
        current = undefined;
      } else {
        if (c === 9 || c === 37) throw new Unsupported('tab or directive');
        const entry = splitKey(line);
        if (!entry) throw new Unsupported('top level is not a block mapping');
        if (current) current.bodyEnd = pos;
        current = {
          key: entry.key,
          rest: entry.rest,
          line: lineNo,
          bodyStart: end + 1,
          bodyEnd: -1,
          bodyLine: lineNo + 1,
        };
        if (sections.some((section) => section.key === entry.key)) throw new Unsupported('duplicate key');
        sections.push(current);
      }
      started = true;
    } else if (pos < end && c !== 35 && c !== 13 && !ended && !current) {
      const line = text.slice(pos, end).trim();
      if (line !== '' && !line.startsWith('#')) throw new Unsupported('top level is not a block mapping');
    }
    pos = end + 1;
    lineNo += 1;
  }
  if (current) current.bodyEnd = text.length;
  for (const section of sections) if (section.bodyEnd < 0) section.bodyEnd = section.bodyStart;
  if (sections.length === 0) throw new Unsupported('empty or not a mapping');

  const values: PlainMap = Object.create(null);
  const lists = new Map<string, { count: number; items: () => Iterable<YamlItem> }>();
  for (const section of sections) {
    const body = section.bodyStart <= section.bodyEnd ? text.slice(section.bodyStart, section.bodyEnd) : '';
    if (section.rest !== '' && !section.rest.startsWith('#')) {
      if (body.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('#'))) {
        // An inline value followed by an indented block: multi-line scalar or error.
        throw new Unsupported('multi-line top-level value');
      }
      values[section.key] = readInlineScalar(section.rest);
      continue;
    }
    if (lazyKeys.includes(section.key)) {
      const list = splitList(text, section);
      if (list) {
        lists.set(section.key, list);
        continue;
      }
    }
    values[section.key] = readSection(body, section.bodyLine);
  }
  return { values, lists, whole: false };
}

/** An anchor or alias in value position: items may refer to each other, so the list is read whole. */
const ANCHOR_OR_ALIAS = /^(?:-\s+)*(?:(?:"[^"]*"|'[^']*'|[^\s'"#-][^#]*?):\s+)?[&*]\S/;

function hasChar(text: string, from: number, to: number, a: number, b: number): boolean {
  for (let i = from; i < to; i += 1) {
    const c = text.charCodeAt(i);
    if (c === a || c === b) return true;
  }
  return false;
}

/** Splits a top-level key's block list into items by the indentation of its first "- ". */
function splitList(
  text: string,
  section: Section,
): { count: number; items: () => Iterable<YamlItem> } | null {
  const starts: number[] = [];
  const lines: number[] = [];
  let seqIndent = -1;
  let pos = section.bodyStart;
  let lineNo = section.bodyLine;
  while (pos < section.bodyEnd) {
    let end = text.indexOf('\n', pos);
    if (end < 0 || end > section.bodyEnd) end = section.bodyEnd;
    let indent = 0;
    while (pos + indent < end && text.charCodeAt(pos + indent) === 32) indent += 1;
    const c = text.charCodeAt(pos + indent);
    const blank = pos + indent >= end || c === 13 || c === 35;
    if (!blank) {
      if (hasChar(text, pos + indent, end, 38, 42) && ANCHOR_OR_ALIAS.test(text.slice(pos + indent, end))) {
        return null;
      }
      if (seqIndent < 0) {
        if (!(c === 45 && (pos + indent + 1 >= end || ' \r'.includes(text[pos + indent + 1])))) return null;
        seqIndent = indent;
      }
      if (indent === seqIndent && c === 45) {
        const next = text[pos + indent + 1];
        if (next === undefined || next === ' ' || next === '\r' || pos + indent + 1 >= end) {
          starts.push(pos);
          lines.push(lineNo);
        } else return null;
      } else if (indent <= seqIndent) return null;
    }
    pos = end + 1;
    lineNo += 1;
  }
  if (seqIndent < 0) return null;
  const bodyEnd = section.bodyEnd;
  return {
    count: starts.length,
    *items() {
      for (let i = 0; i < starts.length; i += 1) {
        const start = starts[i];
        const stop = i + 1 < starts.length ? starts[i + 1] : bodyEnd;
        const line = lines[i];
        yield {
          index: i + 1,
          line,
          read: () => {
            // The item as a document of its own: its "-" becomes a space so keys keep their columns.
            const chunk = text.slice(start, stop);
            const dash = chunk.indexOf('-');
            const item = readChunk(`${chunk.slice(0, dash)} ${chunk.slice(dash + 1)}`, line);
            return item;
          },
        };
      }
    },
  };
}
