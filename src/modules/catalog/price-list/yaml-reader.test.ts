import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ExactNumber, type PlainValue, readYamlDocument, YamlSyntaxError } from './yaml-reader.ts';

/** The reader's value as `yaml.parse` would give it (numbers as JS numbers, plain objects). */
function toJs(value: PlainValue): unknown {
  if (value instanceof ExactNumber) {
    const text = value.text;
    if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
    if (/^\.(nan|NaN|NAN)$/.test(text)) return Number.NaN;
    if (text.startsWith('0o')) return Number.parseInt(text.slice(2), 8);
    return Number(text);
  }
  if (Array.isArray(value)) return value.map(toJs);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJs(v)]));
  }
  return value;
}

function readAll(text: string, lazy = ['goods']): Record<string, unknown> {
  const doc = readYamlDocument(text, lazy);
  const out: Record<string, unknown> = toJs(doc.values) as Record<string, unknown>;
  for (const [key, list] of doc.lists) out[key] = [...list.items()].map((item) => toJs(item.read()));
  return out;
}

const scalar = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('true', 'no', '~', '1e3', '0x1F', '-', '- x', 'a: b', 'x #y', "it's", '"q"', ' lead', 'ёЁ'),
  fc.integer({ min: -1e9, max: 1e9 }),
  fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12 }),
  fc.constantFrom('Цвет', 'Диагональ (дюйм)', 'a b'),
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, scalar, tie('list'), tie('map')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  map: fc.dictionary(key, tie('node'), { maxKeys: 4 }),
})).node;

describe('readYamlDocument', () => {
  it('reads whatever yaml.stringify writes exactly as yaml.parse does', () => {
    fc.assert(
      fc.property(
        fc.record({
          shop: scalar,
          categories: fc.array(value, { maxLength: 3 }),
          goods: fc.array(value, { maxLength: 6 }),
        }),
        (doc) => {
          const text = stringify(doc);
          expect(readAll(text)).toEqual(parse(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('keeps numbers as their source text', () => {
    const doc = readAll('goods:\n  - price: 64000.50\n    q: 007\n');
    expect(doc.goods).toEqual([{ price: 64000.5, q: 7 }]);
    const raw = readYamlDocument('goods:\n  - price: 64000.50\n', ['goods']);
    const [item] = [...raw.lists.get('goods')!.items()];
    expect((item.read() as { price: ExactNumber }).price.text).toBe('64000.50');
  });

  it.each([
    ['flow style', '{shop: A, goods: [{id: 1, name: x}]}'],
    ['anchors across items', 'goods:\n  - &a {id: 1}\n  - *a\n'],
    ['block scalars', 'shop: A\ngoods:\n  - id: 1\n    name: |\n      two\n      lines\n'],
    [
      'comments and CRLF',
      'shop: A # the shop\r\n# c\r\ngoods:\r\n- id: 1 # one\r\n  name: "x # not a comment"\r\n',
    ],
    ['document markers', '---\nshop: A\ngoods:\n  - id: 2\n...\n'],
    ['quoted keys and escapes', 'goods:\n  - "a\\"b": \'it\'\'s\'\n    "\\u0416": "\\t"\n'],
    ['sequence at the key indentation', 'goods:\n- id: 1\n  parameters:\n  - 1\n  - 2\n'],
    ['multi-line plain scalar', 'goods:\n  - name: one\n      two\n'],
  ])('agrees with yaml on %s', (_name, text) => {
    expect(readAll(text)).toEqual(parse(text));
  });

  it('reports a broken item with its line, leaving the others readable', () => {
    const doc = readYamlDocument('shop: A\ngoods:\n  - id: 1\n  - id: [2\n  - id: 3\n', ['goods']);
    const items = [...doc.lists.get('goods')!.items()];
    expect(items.map((item) => item.line)).toEqual([3, 4, 5]);
    expect(toJs(items[0].read())).toEqual({ id: 1 });
    expect(() => items[1].read()).toThrow(YamlSyntaxError);
    expect(toJs(items[2].read())).toEqual({ id: 3 });
  });

  it('rejects text that is not YAML', () => {
    expect(() => readYamlDocument('shop: [unclosed\n', ['goods'])).toThrow(YamlSyntaxError);
  });
});
