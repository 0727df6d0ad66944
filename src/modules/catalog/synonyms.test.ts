// Search that buyers type, on the demo catalog: brand names in the other alphabet (transliteration)
// and staff-kept synonyms, in product search and facets; synonyms edited at /api/v2/admin/synonyms
// apply at once (the read cache drops answers built before the change).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStaff } from '../../../test/factories/orders.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { loadDemoData } from '../demo/demo.service.ts';
import { transliterate } from './transliterate.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp();
  await loadDemoData(t.runtime, { shops: 2, goodsPerShop: 40 });
});
afterAll(() => t?.close());

async function search(q: string): Promise<string[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v2/products?q=${encodeURIComponent(q)}&limit=50`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items.map((item: { name: string }) => item.name);
}

async function facetTotal(q: string): Promise<number> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v2/products/facets?q=${encodeURIComponent(q)}`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().total;
}

describe('transliteration', () => {
  it('spells a word in the other alphabet', () => {
    expect(transliterate('самсунг')).toBe('samsung');
    expect(transliterate('сандиск')).toBe('sandisk');
    expect(transliterate('philips')).toBe('филипс');
    expect(transliterate('64gb')).toBeNull();
  });
});

describe('search that buyers type (demo catalog)', () => {
  it('айфон, самсунг and флешка find goods, in search and in facets', async () => {
    const iphones = await search('айфон');
    expect(iphones.length).toBeGreaterThan(0);
    expect(iphones.every((name) => /iphone/i.test(name))).toBe(true);

    const samsungs = await search('самсунг');
    expect(samsungs.length).toBeGreaterThan(0);
    expect(samsungs.every((name) => /samsung/i.test(name))).toBe(true);

    const drives = await search('флешка');
    expect(drives.some((name) => /flash/i.test(name))).toBe(true);

    for (const q of ['айфон', 'самсунг', 'флешка']) expect(await facetTotal(q)).toBeGreaterThan(0);
    // Latin to Cyrillic as well: the category "Смартфоны" typed in Latin letters.
    expect((await search('smartfon')).length).toBeGreaterThan(0);
  });

  it('staff add, change and remove synonyms; search follows at once', async () => {
    const staff = await createStaff(t);
    expect(await search('мобилка')).toEqual([]);
    expect(await facetTotal('мобилка')).toBe(0);

    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v2/admin/synonyms',
      headers: staff.headers,
      payload: { term: 'Мобилка', synonyms: ['Смартфон', 'смартфон'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ term: 'мобилка', synonyms: ['смартфон'] });
    const id = created.json().id;
    const phones = await search('мобилка');
    expect(phones.length).toBeGreaterThan(0);
    expect(await facetTotal('мобилка')).toBe(phones.length);

    const twice = await t.app.inject({
      method: 'POST',
      url: '/api/v2/admin/synonyms',
      headers: staff.headers,
      payload: { term: 'мобилка', synonyms: ['телефон'] },
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().code).toBe('synonym_term_taken');
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v2/admin/synonyms',
      headers: staff.headers,
      payload: { term: 'два слова', synonyms: ['x'] },
    });
    expect(bad.statusCode).toBe(400);

    const changed = await t.app.inject({
      method: 'PUT',
      url: `/api/v2/admin/synonyms/${id}`,
      headers: staff.headers,
      payload: { term: 'мобилка', synonyms: ['usb накопитель'] },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    const nowDrives = await search('мобилка');
    expect(nowDrives.length).toBeGreaterThan(0);
    expect(nowDrives.every((name) => /usb/i.test(name))).toBe(true);

    const list = await t.app.inject({ method: 'GET', url: '/api/v2/admin/synonyms', headers: staff.headers });
    expect(list.json().items.map((item: { term: string }) => item.term)).toEqual(
      expect.arrayContaining(['айфон', 'мобилка']),
    );
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v2/admin/synonyms/${id}`, headers: staff.headers }))
        .statusCode,
    ).toBe(204);
    expect(await search('мобилка')).toEqual([]);
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v2/admin/synonyms/${id}`, headers: staff.headers }))
        .statusCode,
    ).toBe(404);
  });
});
