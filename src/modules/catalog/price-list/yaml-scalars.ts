// YAML 1.2 core-schema scalars: plain, single- and double-quoted; numbers kept as their source text.
import { ExactNumber, type PlainValue, Unsupported } from './yaml-values.ts';

export const NULL = /^(?:~|null|Null|NULL)$/;
export const TRUE = /^(?:true|True|TRUE)$/;
export const FALSE = /^(?:false|False|FALSE)$/;
export const INT = /^[-+]?[0-9]+$/;
export const OCT = /^0o[0-7]+$/;
export const HEX = /^0x[0-9a-fA-F]+$/;
export const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
export const SPECIAL_FLOAT = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;

/** A plain (unquoted) scalar's value under the core schema. */
export function resolvePlain(text: string): PlainValue {
  if (text === '') return null;
  // A null, a boolean or a number starts with one of + , - . / 0-9 ~ n N t T f F (',' and '/'
  // cost a needless test); anything else, such as most names and values, is a string.
  const first = text.charCodeAt(0);
  if (
    (first < 43 || first > 57) &&
    first !== 126 &&
    first !== 110 &&
    first !== 78 &&
    first !== 116 &&
    first !== 84 &&
    first !== 102 &&
    first !== 70
  ) {
    return text;
  }
  if (NULL.test(text)) return null;
  if (TRUE.test(text)) return true;
  if (FALSE.test(text)) return false;
  if (INT.test(text) || OCT.test(text) || HEX.test(text) || FLOAT.test(text) || SPECIAL_FLOAT.test(text)) {
    return new ExactNumber(text);
  }
  return text;
}

// ---------------------------------------------------------------------------------------------
// The block reader for one chunk of lines

export const FLOW_OR_SPECIAL = new Set(['[', '{', '&', '*', '!', '|', '>', '%', '@', '`', '?']);

/** Reads an inline scalar (the rest of a line); throws Unsupported outside the subset. */
export function readInlineScalar(text: string): PlainValue {
  const first = text[0];
  if (first === '"') return readDoubleQuoted(text);
  if (first === "'") return readSingleQuoted(text);
  if (FLOW_OR_SPECIAL.has(first)) throw new Unsupported('flow or special scalar');
  if ((first === '-' && (text.length === 1 || text[1] === ' ')) || first === ',' || first === ']') {
    throw new Unsupported('indicator');
  }
  let value = text;
  const comment = value.search(/\s#/);
  if (comment >= 0) value = value.slice(0, comment).trimEnd();
  if (value.includes(': ') || value.endsWith(':') || value.includes('\t')) throw new Unsupported('colon');
  return resolvePlain(value);
}

export function trailingOk(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

export const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

export function readDoubleQuoted(text: string): string {
  let out = '';
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      if (!trailingOk(text.slice(i + 1))) throw new Unsupported('text after quoted scalar');
      return out;
    }
    if (c === '\\') {
      const e = text[i + 1];
      if (e === undefined) throw new Unsupported('line continuation');
      if (e === 'x' || e === 'u' || e === 'U') {
        const size = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i + 2, i + 2 + size);
        if (hex.length !== size || !/^[0-9a-fA-F]+$/.test(hex)) throw new Unsupported('bad escape');
        out += String.fromCodePoint(Number.parseInt(hex, 16));
        i += 2 + size;
        continue;
      }
      const mapped = ESCAPES[e];
      if (mapped === undefined) throw new Unsupported('bad escape');
      out += mapped;
      i += 2;
      continue;
    }
    out += c;
    i += 1;
  }
  throw new Unsupported('multi-line quoted scalar');
}

export function readSingleQuoted(text: string): string {
  let out = '';
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === "'") {
      if (text[i + 1] === "'") {
        out += "'";
        i += 2;
        continue;
      }
      if (!trailingOk(text.slice(i + 1))) throw new Unsupported('text after quoted scalar');
      return out;
    }
    out += c;
    i += 1;
  }
  throw new Unsupported('multi-line quoted scalar');
}
