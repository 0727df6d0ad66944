// Property-based fuzzing of the whole HTTP API, driven by the app's own OpenAPI document: every
// operation (new ones are picked up from the document), as every role, with values a clumsy or
// hostile client sends — wrong types, huge numbers, Infinity, NaN, NUL characters, very long
// strings, unknown fields, wrong content types, broken JSON, odd encodings — besides plausible
// ones built from the schemas. It fails on any 500, and on any /api/v2 error answer that is not
// application/problem+json.
//
// Fixed seed and a bounded count for CI; `FUZZ_RUNS=<n>` (random requests per operation, default
// 20) and `FUZZ_SEED=<n>` for a longer or different run:
//   FUZZ_RUNS=200 npx vitest run test/fuzz/api.fuzz.test.ts
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOffer } from '../factories/catalog.ts';
import { createBuyer, createStaff, createSupplier, placeOrder } from '../factories/orders.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

type Schema = Record<string, unknown>;
interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodySchema?: Schema;
  contentTypes: string[];
}
type Role = 'anonymous' | 'buyer' | 'supplier' | 'staff';
const ROLES: Role[] = ['anonymous', 'buyer', 'supplier', 'staff'];

/** A JSON literal written as is (1e400, -0, 1.0e+999): JSON.stringify cannot produce these. */
class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

function toJson(value: unknown): string {
  if (value instanceof Raw) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJson(item)}`)
      .join(',')}}`;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
  return JSON.stringify(value) ?? 'null';
}

/** Text values that broke (or could break) something: as query, path or form values. */
const HOSTILE_TEXT = [
  'Infinity',
  '-Infinity',
  'NaN',
  '1e400',
  '-1e400',
  '9223372036854775808',
  '2147483648',
  '-2147483649',
  '-1',
  '0',
  '1.5',
  '0x10',
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  'null',
  'true',
  '[]',
  '{}',
  "' or 1=1 --",
  '%',
  '😀',
  '\ud800',
  'é'.normalize('NFD'),
  'x'.repeat(5000),
  '9'.repeat(400),
];

/** JSON values for fields: the texts above and the numbers and shapes JSON can carry. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE_TEXT),
  fc.constantFrom(
    new Raw('1e400'),
    new Raw('-1e400'),
    new Raw('9223372036854775808'),
    new Raw('2147483648'),
    new Raw('-0'),
    new Raw('1.0e-400'),
    2147483647,
    -2147483648,
    0,
    -1,
    0.5,
    null,
    true,
    false,
    [],
    {},
    [null],
    { nested: { deeper: ['\u0000'] } },
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

function resolve(schema: Schema | undefined, doc: Schema): Schema {
  if (!schema) return {};
  const ref = schema.$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').pop()!;
    const components = (doc.components as { schemas?: Record<string, Schema> } | undefined)?.schemas;
    return resolve(components?.[name], doc);
  }
  return schema;
}

interface Ids {
  small: number[];
}

/** A value the schema would accept (roughly), so requests also get past validation. */
function plausible(schema: Schema, doc: Schema, ids: Ids, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  if (depth > 4) return fc.constant(null);
  if (Array.isArray(s.enum) && s.enum.length) return fc.constantFrom(...(s.enum as unknown[]));
  if (s.const !== undefined) return fc.constant(s.const);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = s[key] as Schema[] | undefined;
    if (options?.length) return fc.oneof(...options.map((option) => plausible(option, doc, ids, depth + 1)));
  }
  const allOf = s.allOf as Schema[] | undefined;
  if (allOf?.length) return plausible(allOf[0], doc, ids, depth + 1);
  const type = Array.isArray(s.type) ? (s.type as string[])[0] : s.type;
  switch (type) {
    case 'integer': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1000;
      const max = typeof s.maximum === 'number' ? s.maximum : 1_000_000;
      return fc.oneof(
        fc.constantFrom(...ids.small),
        fc.integer({ min: Math.max(min, -2_000_000_000), max: Math.min(max, 2_000_000_000) }),
      );
    }
    case 'number':
      return fc.double({ min: -1e6, max: 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'string': {
      if (s.format === 'email') return fc.emailAddress();
      if (s.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (s.format === 'uri') return fc.constantFrom('https://example.com/price.yaml', 'http://127.0.0.1/x');
      if (typeof s.pattern === 'string' && /\\d\+\\\.\\d\{2\}/.test(s.pattern)) {
        return fc.integer({ min: 0, max: 10_000_000 }).map((cents) => (cents / 100).toFixed(2));
      }
      const maxLength = typeof s.maxLength === 'number' ? Math.min(s.maxLength, 60) : 60;
      return fc.string({ minLength: Math.min(Number(s.minLength ?? 0), maxLength), maxLength });
    }
    case 'array': {
      const items = (s.items as Schema | undefined) ?? {};
      return fc.array(plausible(items, doc, ids, depth + 1), { maxLength: 3 });
    }
    case 'object': {
      const properties = (s.properties as Record<string, Schema> | undefined) ?? {};
      const required = new Set((s.required as string[] | undefined) ?? []);
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties)) {
        shape[key] = plausible(value, doc, ids, depth + 1);
      }
      return fc.record(shape, { requiredKeys: [...required].filter((key) => key in shape) });
    }
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null));
  }
}

/** Plausible most of the time, hostile otherwise; objects also get unknown fields. */
function fieldValue(schema: Schema, doc: Schema, ids: Ids): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: plausible(schema, doc, ids), weight: 3 },
    { arbitrary: hostileJson, weight: 2 },
  );
}

function bodyValue(schema: Schema, doc: Schema, ids: Ids): fc.Arbitrary<unknown> {
  const s = resolve(schema, doc);
  const properties = (s.properties as Record<string, Schema> | undefined) ?? {};
  if (s.type !== 'object' || Object.keys(properties).length === 0) {
    return fc.oneof(plausible(s, doc, ids), hostileJson);
  }
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(properties)) shape[key] = fieldValue(value, doc, ids);
  return fc
    .tuple(
      fc.record(shape, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 12 }), hostileJson, { maxKeys: 2 }),
    )
    .map(([known, unknown]) => ({ ...unknown, ...known }));
}

interface Request {
  role: Role;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const BROKEN_BODIES: { type: string; payload: string | Buffer }[] = [
  { type: 'application/json', payload: '{"a":' },
  { type: 'application/json', payload: '{"email":"\\u0000","quantity":1e400}' },
  { type: 'application/json', payload: '[1,2' },
  { type: 'application/json', payload: 'null' },
  { type: 'application/json', payload: '"text"' },
  { type: 'application/json', payload: '{"__proto__":{"x":1},"constructor":{"prototype":{}}}' },
  { type: 'application/json', payload: Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]) },
  { type: 'application/json; charset=utf-16', payload: Buffer.from('\ufeff{}', 'utf16le') },
  { type: 'application/json', payload: Buffer.from([0xc3, 0x28, 0x7b, 0x7d]) },
  { type: 'text/plain', payload: 'hello' },
  { type: 'application/xml', payload: '<a/>' },
  { type: 'application/octet-stream', payload: Buffer.from([0, 1, 2, 3]) },
  { type: 'multipart/form-data', payload: 'no boundary' },
  { type: 'multipart/form-data; boundary=', payload: '--\r\n' },
  { type: 'multipart/form-data; boundary=zz', payload: '--zz\r\nContent-Disposition: form-data\r\n\r\nx' },
  { type: 'multipart/form-data; boundary=zz', payload: '--zz\r\nbroken header\r\n\r\nx\r\n--zz--\r\n' },
  {
    type: 'multipart/form-data; boundary=zz',
    payload: '--zz\r\nContent-Disposition: form-data; name="email"\r\n\r\na\u0000b@example.com\r\n--zz--\r\n',
  },
  { type: 'application/x-www-form-urlencoded', payload: 'email=a%00b%40x.ru&password=%00&limit=Infinity' },
  { type: 'application/x-www-form-urlencoded', payload: '%%%=%%%&a[b][c]=1' },
];

function pathValue(value: unknown): string {
  const text = value instanceof Raw ? value.text : typeof value === 'string' ? value : toJson(value);
  return encodeURIComponent(text);
}

function queryString(query: Record<string, unknown>): string {
  const parts = Object.entries(query).map(([key, value]) => {
    const text = value instanceof Raw ? value.text : typeof value === 'string' ? value : toJson(value);
    return `${encodeURIComponent(key)}=${encodeURIComponent(text)}`;
  });
  return parts.length ? `?${parts.join('&')}` : '';
}

function requestArbitrary(operation: Operation, doc: Schema, ids: Ids): fc.Arbitrary<Request> {
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const pathShape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of pathParams) pathShape[p.name] = fieldValue(p.schema ?? {}, doc, ids);
  const queryShape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const p of queryParams) queryShape[p.name] = fieldValue(p.schema ?? {}, doc, ids);
  const body: fc.Arbitrary<{ type?: string; payload?: string | Buffer }> =
    operation.method === 'GET' || operation.method === 'DELETE'
      ? fc.oneof(
          { arbitrary: fc.constant({}), weight: 4 },
          { arbitrary: fc.constantFrom(...BROKEN_BODIES), weight: 1 },
        )
      : fc.oneof(
          {
            arbitrary: bodyValue(operation.bodySchema ?? { type: 'object' }, doc, ids).map((value) => ({
              type: 'application/json',
              payload: toJson(value),
            })),
            weight: 4,
          },
          { arbitrary: fc.constantFrom(...BROKEN_BODIES), weight: 2 },
          { arbitrary: fc.constant({}), weight: 1 },
        );
  return fc
    .record({
      role: fc.constantFrom(...ROLES),
      path: fc.record(pathShape, { requiredKeys: Object.keys(pathShape) }),
      query: fc.record(queryShape, { requiredKeys: [] }),
      extraQuery: fc.dictionary(fc.constantFrom('limit', 'shop', 'category', 'q', 'x'), hostileJson, {
        maxKeys: 1,
      }),
      body,
      language: fc.constantFrom(undefined, 'en', 'ru', 'xx;q=abc', '*'),
    })
    .map(({ role, path, query, extraQuery, body: chosen, language }) => {
      let url = operation.path;
      for (const [name, value] of Object.entries(path)) url = url.replace(`{${name}}`, pathValue(value));
      const headers: Record<string, string> = {};
      if (language) headers['accept-language'] = language;
      if (chosen.type) headers['content-type'] = chosen.type;
      return {
        role,
        method: operation.method,
        url: `${url}${queryString({ ...extraQuery, ...query })}`,
        headers,
        payload: chosen.payload,
      };
    });
}

function operationsOf(doc: Schema): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, Schema>>)) {
    for (const [method, spec] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const content = (spec.requestBody as { content?: Record<string, { schema?: Schema }> } | undefined)
        ?.content;
      operations.push({
        method: method.toUpperCase(),
        path,
        parameters: ((spec.parameters as Parameter[] | undefined) ?? []).filter((p) => p.in !== 'header'),
        bodySchema: content?.['application/json']?.schema ?? Object.values(content ?? {})[0]?.schema,
        contentTypes: Object.keys(content ?? {}),
      });
    }
  }
  return operations;
}

let t: TestApp;
let doc: Schema;
let ids: Ids;
const auth: Partial<Record<Role, Record<string, string>>> = {};

beforeAll(async () => {
  t = await buildTestApp({ workers: false, env: { RATE_LIMIT: 'false' } });
  const buyer = await createBuyer(t);
  const supplier = await createSupplier(t);
  const staff = await createStaff(t);
  const offer = await createOffer(t.runtime, {
    shopId: supplier.shop.id,
    name: 'Фаззер 1',
    price: '100.00',
    quantity: 1000,
  });
  const order = await placeOrder(t, buyer, [{ offerId: offer.id, quantity: 1 }]);
  auth.buyer = buyer.headers;
  auth.supplier = supplier.headers;
  auth.staff = staff.headers;
  ids = {
    small: [1, 2, offer.id, offer.productId, supplier.shop.id, order.id, buyer.contact.id, buyer.user.id],
  };
  doc = t.app.swagger() as unknown as Schema;
});

afterAll(async () => {
  await t?.close();
});

interface Finding {
  request: Request;
  status: number;
  type: string | undefined;
  body: string;
}

async function send(request: Request): Promise<Finding> {
  const roleHeaders = request.role === 'anonymous' ? {} : auth[request.role];
  const res = await t.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers: { ...roleHeaders, ...request.headers },
    payload: request.payload,
  });
  return {
    request,
    status: res.statusCode,
    type: res.headers['content-type'] as string | undefined,
    body: res.body.slice(0, 300),
  };
}

/** What the suite refuses: a 500, or a v2 error that is not a problem document. */
function broken(finding: Finding): string | undefined {
  if (finding.status >= 500 && finding.status !== 503) return `status ${finding.status}`;
  const v2 = finding.request.url.startsWith('/api/v2') || !finding.request.url.startsWith('/api/v1');
  if (v2 && finding.status >= 400 && !finding.type?.startsWith('application/problem+json')) {
    return `error ${finding.status} as ${finding.type ?? 'no content type'}`;
  }
  return undefined;
}

function describeFinding(finding: Finding, why: string): string {
  const { request } = finding;
  const payload =
    request.payload === undefined
      ? ''
      : ` body(${request.headers['content-type']}): ${JSON.stringify(String(request.payload).slice(0, 300))}`;
  return `${why}: ${request.role} ${request.method} ${JSON.stringify(request.url.slice(0, 300))}${payload} → ${finding.body}`;
}

describe('fuzz: every operation of the OpenAPI document, every role', () => {
  it('reads the document: every operation is fuzzed', () => {
    const operations = operationsOf(doc);
    // The document is the source: a route added later is fuzzed without touching this file.
    expect(operations.length).toBeGreaterThan(100);
    expect(operations.some((op) => op.path.startsWith('/api/v1'))).toBe(true);
  });

  it('deterministic hostile probes: every parameter and body field, as a role the operation admits', async () => {
    const failures: string[] = [];
    const probes = ['Infinity', '1e400', '9223372036854775808', '\u0000', 'x'.repeat(3000)];
    for (const operation of operationsOf(doc)) {
      const fill = (value: string, target: string) =>
        operation.path.replace(/\{([^}]+)\}/g, (_m, name) =>
          encodeURIComponent(name === target ? value : String(ids.small[2])),
        );
      const check = async (request: Request) => {
        const finding = await send(request);
        const why = broken(finding);
        if (why) failures.push(describeFinding(finding, why));
        return finding;
      };
      // Every role gets the broken bodies; the probes go to the roles that get past authorisation
      // (a refused role never reaches validation, so probing it again would test nothing new).
      const admitted: Role[] = [];
      for (const role of ROLES) {
        let refused = true;
        for (const body of BROKEN_BODIES) {
          const finding = await check({
            role,
            method: operation.method,
            url: fill('', ''),
            headers: { 'content-type': body.type },
            payload: body.payload,
          });
          if (finding.status !== 401 && finding.status !== 403) refused = false;
        }
        if (!refused) admitted.push(role);
      }
      for (const role of admitted.slice(0, 2)) {
        for (const value of probes) {
          for (const p of operation.parameters) {
            const url =
              p.in === 'path'
                ? fill(value, p.name)
                : `${fill('', '')}?${encodeURIComponent(p.name)}=${encodeURIComponent(value)}`;
            await check({ role, method: operation.method, url, headers: {} });
          }
          if (operation.method === 'GET' || operation.method === 'DELETE') continue;
          const schema = resolve(operation.bodySchema, doc);
          const fields = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
          const raw = value === '1e400' || value === 'Infinity' ? '1e400' : JSON.stringify(value);
          for (const field of fields) {
            await check({
              role,
              method: operation.method,
              url: fill('', ''),
              headers: { 'content-type': 'application/json' },
              payload: `{${JSON.stringify(field)}:${raw}}`,
            });
          }
        }
      }
    }
    expect(failures.slice(0, 20), `${failures.length} broken answers`).toEqual([]);
  }, 900_000); // a limit for a hung run: on a busy machine the suite takes several times its idle time

  it(`random requests from the schemas (${RUNS} per operation, seed ${SEED})`, async () => {
    const operations = operationsOf(doc);
    const failures: string[] = [];
    for (const [index, operation] of operations.entries()) {
      await fc
        .assert(
          fc.asyncProperty(requestArbitrary(operation, doc, ids), async (request) => {
            const finding = await send(request);
            const why = broken(finding);
            if (why) {
              failures.push(describeFinding(finding, why));
              return false;
            }
            return true;
          }),
          { seed: SEED + index, numRuns: RUNS, endOnFailure: true },
        )
        .catch(() => {
          // Recorded in `failures` with the request; the suite reports them all at once.
        });
    }
    expect(failures.slice(0, 20), `${failures.length} broken answers`).toEqual([]);
  }, 900_000); // a limit for a hung run: on a busy machine the suite takes several times its idle time

  it('the HTTP layer: a URI or a path parameter too long, a malformed URL', async () => {
    for (const url of [
      `/api/v2/products/${'9'.repeat(5000)}`,
      '/api/v2/products/%E0%A4%A',
      '/api/v2/products?q=%00',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
      expect(res.json().code).toMatch(/^[a-z_]+$/);
    }
  });
});
