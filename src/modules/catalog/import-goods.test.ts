// splitStaged: PGlite's smaller statements cut a batch of goods into pieces; each piece must carry
// exactly its goods' characteristics, with their offsets starting again at 0.
import { describe, expect, it } from 'vitest';
import { type Staged, splitStaged } from './import-goods.ts';

function staged(counts: number[]): Staged {
  const out: Staged = {
    rows: [],
    externalIds: [],
    categoryNorms: [],
    models: [],
    names: [],
    normalizedNames: [],
    prices: [],
    pricesRrc: [],
    quantities: [],
    paramStart: [0],
    params: { name: [], key: [], kind: [], value: [], valueKey: [], valueNumber: [] },
  };
  counts.forEach((count, i) => {
    out.rows.push(i + 1);
    out.externalIds.push(`g${i}`);
    out.categoryNorms.push('c');
    out.models.push(i % 2 ? null : `m${i}`);
    out.names.push(`name ${i}`);
    out.normalizedNames.push(`name ${i}`);
    out.prices.push(`${i}.00`);
    out.pricesRrc.push(`${i}.50`);
    out.quantities.push(i);
    for (let j = 0; j < count; j += 1) {
      out.params.name.push(`p${j}`);
      out.params.key.push(`p${j}`);
      out.params.kind.push('text');
      out.params.value.push(`g${i} v${j}`);
      out.params.valueKey.push(`g${i} v${j}`);
      out.params.valueNumber.push(null);
    }
    out.paramStart.push(out.params.name.length);
  });
  return out;
}

/** Good i of a batch with its characteristics' values. */
function good(batch: Staged, i: number) {
  return {
    id: batch.externalIds[i],
    row: batch.rows[i],
    price: batch.prices[i],
    model: batch.models[i],
    values: batch.params.value.slice(batch.paramStart[i], batch.paramStart[i + 1]),
  };
}

describe('splitStaged', () => {
  it('keeps a batch no larger than the size as it is', () => {
    const batch = staged([1, 2]);
    expect(splitStaged(batch, 2)).toEqual([batch]);
  });

  it('cuts a batch into pieces holding exactly their goods and characteristics', () => {
    const counts = [0, 3, 1, 0, 0, 5, 2];
    const batch = staged(counts);
    const pieces = splitStaged(batch, 3);
    expect(pieces.map((piece) => piece.rows.length)).toEqual([3, 3, 1]);
    const all = pieces.flatMap((piece) => piece.rows.map((_, i) => good(piece, i)));
    expect(all).toEqual(counts.map((_, i) => good(batch, i)));
    for (const piece of pieces) {
      expect(piece.paramStart[0]).toBe(0);
      expect(piece.paramStart.at(-1)).toBe(piece.params.name.length);
      expect(piece.paramStart).toHaveLength(piece.rows.length + 1);
    }
  });
});
