import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/helpers/database.ts';
import { arrayLiteral } from './array-literal.ts';
import type { DatabaseHandle } from './client.ts';

let database: DatabaseHandle;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('array literals', () => {
  it('reads back every text exactly, NULL apart from the text "NULL"', async () => {
    const texts = [
      'plain',
      '',
      'NULL',
      null,
      'with "quotes" and \\ backslashes \\"',
      '{braces}, commas, spaces  ',
      'ёлка Ёж 🙂',
      '\t tab and\nnewline',
      '"',
      '\\',
    ];
    const [row] = await database.query<{ value: (string | null)[] }>('select $1::text[] as value', [
      arrayLiteral(texts),
    ]);
    expect(row.value).toEqual(texts);
  });

  it('writes numbers, decimals, booleans and JSON texts in a form each type reads', async () => {
    const [row] = await database.query<{
      ints: number[];
      prices: string[];
      flags: boolean[];
      docs: unknown[];
    }>(
      'select $1::integer[] as ints, $2::numeric[]::text[] as prices, $3::boolean[] as flags, $4::jsonb[] as docs',
      [
        arrayLiteral([1, -2, 2147483647]),
        arrayLiteral(['64000.50', '0', null]),
        arrayLiteral([true, false, null]),
        arrayLiteral(['{"Цвет":"чёрный \\"матовый\\"","Вес":1.5}', '{}']),
      ],
    );
    expect(row.ints).toEqual([1, -2, 2147483647]);
    expect(row.prices).toEqual(['64000.50', '0', null]);
    expect(row.flags).toEqual([true, false, null]);
    expect(row.docs).toEqual([{ Цвет: 'чёрный "матовый"', Вес: 1.5 }, {}]);
  });

  it('gives an empty array for no values', async () => {
    const [row] = await database.query<{ n: number }>('select cardinality($1::text[]) as n', [
      arrayLiteral([]),
    ]);
    expect(row.n).toBe(0);
  });
});
