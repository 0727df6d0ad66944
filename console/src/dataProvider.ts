// The console's one data provider: react-admin's calls mapped onto /api/v2 through the generated
// client. Lists are keyset-paged on the server (`limit` + `cursor` → `{items, next_cursor}`):
// the provider remembers the cursor that opens each page of a list (per resource, filter, sort and
// page size), so "next", "previous" and a reload of page N cost one request each; a page whose
// cursor is not known yet (a link straight to page 5) is reached by walking forward from the last
// known one. react-admin gets `pageInfo` (has next / has previous) instead of a total.
import type { ZakupkaClient } from '@zakupka/client';
import { unwrap } from '@zakupka/client';
import type { DataProvider, GetListParams, Identifier, RaRecord } from 'ra-core';
import { BUYER_CATALOG_RESOURCES } from './buyer/catalog/resources.ts';
import { PAYMENT_RESOURCES } from './payments/resources.ts';
import { toHttpError } from './problems.ts';
import { RESOURCES, type ResourceRoutes } from './resources.ts';

type Query = Record<string, unknown>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';
type Call = (
  path: string,
  init: {
    params?: { path?: Query; query?: Query; header?: Record<string, string> };
    body?: unknown;
    parseAs?: 'json' | 'blob' | 'text';
  },
) => Promise<{ data?: unknown; error?: unknown; response: Response }>;

export type OrderState = 'new' | 'confirmed' | 'assembled' | 'sent' | 'delivered' | 'canceled';

/** The console's data provider: react-admin's methods plus the API's actions. */
export interface ConsoleDataProvider extends DataProvider {
  /** Any documented call, typed loosely (the pages know their shapes), errors as HttpError. */
  call<T = any>(method: Method, path: string, init?: Parameters<Call>[1]): Promise<T>;
  setOrderState(id: Identifier, body: { state: OrderState; note?: string; part_id?: number }): Promise<any>;
  setSupplierOrderState(id: Identifier, body: { state: OrderState; note?: string }): Promise<any>;
  merge(resource: 'categories' | 'parameters', id: Identifier, into: Identifier): Promise<any>;
  /** Starts an import from a URL (or the shop's saved URL) or from an uploaded file. */
  startImport(input: {
    shopId?: Identifier;
    url?: string;
    file?: File | Blob;
    fileName?: string;
    mode?: string;
  }): Promise<{ id: number; status: string }>;
  startExport(input: { shopId?: Identifier; format: 'yaml' | 'csv' | 'json' }): Promise<any>;
  /** A file the API serves (export, coupon CSV), with the caller's credentials. */
  download(path: string, params?: Query): Promise<Blob>;
}

/** Drops the filter values a person left empty; the API treats absent and empty differently. */
export function cleanQuery(filter: Query): Query {
  const out: Query = {};
  for (const [key, value] of Object.entries(filter ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    out[key] = value;
  }
  return out;
}

/** Moves `{name}` placeholders of a path from `values` into the path parameters. */
function splitPath(path: string, values: Query): { path: Query; rest: Query } {
  const pathParams: Query = {};
  const rest: Query = { ...values };
  for (const match of path.matchAll(/\{(\w+)\}/g)) {
    pathParams[match[1]] = values[match[1]];
    delete rest[match[1]];
  }
  return { path: pathParams, rest };
}

// The buyer's purchasing resources (shopping lists, standing orders, delivery contacts, API tokens):
// lists answer `{items}` in one page (no cursor); the limit the provider adds is ignored by them.
const BUYER_PURCHASING_RESOURCES: Record<string, ResourceRoutes> = {
  'shopping-lists': {
    list: '/api/v2/shopping-lists',
    one: '/api/v2/shopping-lists/{id}',
    create: '/api/v2/shopping-lists',
    update: '/api/v2/shopping-lists/{id}',
    delete: '/api/v2/shopping-lists/{id}',
  },
  'standing-orders': {
    list: '/api/v2/standing-orders',
    one: '/api/v2/standing-orders/{id}',
    create: '/api/v2/standing-orders',
    update: '/api/v2/standing-orders/{id}',
    delete: '/api/v2/standing-orders/{id}',
  },
  contacts: {
    list: '/api/v2/me/contacts',
    one: '/api/v2/me/contacts/{id}',
    create: '/api/v2/me/contacts',
    update: '/api/v2/me/contacts/{id}',
    delete: '/api/v2/me/contacts/{id}',
  },
  'api-tokens': {
    list: '/api/v2/me/api-tokens',
    create: '/api/v2/me/api-tokens',
    delete: '/api/v2/me/api-tokens/{id}',
  },
};

function routes(resource: string): ResourceRoutes {
  const found =
    RESOURCES[resource] ??
    BUYER_CATALOG_RESOURCES[resource] ??
    BUYER_PURCHASING_RESOURCES[resource] ??
    PAYMENT_RESOURCES[resource];
  if (!found) throw new Error(`unknown resource ${resource}`);
  return found;
}

function need(route: string | undefined, resource: string, what: string): string {
  if (!route) throw new Error(`${resource}: the API has no ${what}`);
  return route;
}

export function createDataProvider(client: ZakupkaClient): ConsoleDataProvider {
  const request = (method: Method): Call => (client.api as unknown as Record<Method, Call>)[method];
  // resource|filter|sort|perPage → the cursor that opens page N (index N - 1; page 1 has none).
  const cursors = new Map<string, (string | null)[]>();

  async function call<T>(method: Method, path: string, init: Parameters<Call>[1] = {}): Promise<T> {
    try {
      return unwrap(await request(method)(path, init)) as T;
    } catch (error) {
      throw toHttpError(error);
    }
  }

  async function page(resource: string, params: GetListParams) {
    const r = routes(resource);
    const list = need(r.list, resource, 'list');
    const perPage = params.pagination?.perPage ?? 25;
    const wanted = params.pagination?.page ?? 1;
    const sortQuery = params.sort && r.sort ? r.sort(params.sort.field, params.sort.order) : undefined;
    const { path, rest } = splitPath(list, cleanQuery(params.filter));
    const query = { ...r.fixedQuery, ...rest, ...sortQuery, limit: perPage };
    const key = JSON.stringify([resource, path, query]);
    let known = cursors.get(key);
    if (!known) {
      known = [null];
      cursors.set(key, known);
    }
    // Walk forward from the furthest page whose cursor is known.
    let at = Math.min(wanted, known.length);
    for (;;) {
      const cursor = known[at - 1];
      const answer = await call<{ items: RaRecord[]; next_cursor: string | null }>('GET', list, {
        params: { path, query: cursor ? { ...query, cursor } : query },
      });
      if (answer.next_cursor) known[at] = answer.next_cursor;
      else known.length = at;
      if (at === wanted || !answer.next_cursor) {
        return {
          data: answer.items,
          pageInfo: { hasNextPage: Boolean(answer.next_cursor), hasPreviousPage: at > 1 },
        };
      }
      at += 1;
    }
  }

  const provider: ConsoleDataProvider = {
    getList: (resource, params) => page(resource, params) as never,
    async getOne(resource, params) {
      const one = need(routes(resource).one, resource, 'detail');
      const data = await call<RaRecord>('GET', one, { params: { path: { id: params.id } } });
      // A single record without an id in its path (the supplier's own shop) keeps the asked id.
      return { data: one.includes('{id}') ? data : { ...data, id: params.id } } as never;
    },
    async getMany(resource, params) {
      const one = need(routes(resource).one, resource, 'detail');
      const data = await Promise.all(
        params.ids.map((id) => call<RaRecord>('GET', one, { params: { path: { id } } })),
      );
      return { data } as never;
    },
    async getManyReference(resource, params) {
      const answer = await page(resource, {
        ...params,
        filter: { ...params.filter, [params.target]: params.id },
      });
      return answer as never;
    },
    async update(resource, params) {
      const path = need(routes(resource).update, resource, 'update');
      const body = changed(params.data, params.previousData);
      const data = await call<RaRecord>('PATCH', path, { params: { path: { id: params.id } }, body });
      return { data: path.includes('{id}') ? data : { ...data, id: params.id } } as never;
    },
    async updateMany(resource, params) {
      const path = need(routes(resource).update, resource, 'update');
      await Promise.all(
        params.ids.map((id) => call('PATCH', path, { params: { path: { id } }, body: params.data })),
      );
      return { data: params.ids } as never;
    },
    async create(resource, params) {
      const path = need(routes(resource).create, resource, 'create');
      const data = await call<RaRecord & { batch?: RaRecord }>('POST', path, { body: params.data });
      // A coupon batch answers {batch, codes}: the record is the batch.
      return {
        data: data.batch ? { ...data.batch, codes: (data as { codes?: string[] }).codes } : data,
      } as never;
    },
    async delete(resource, params) {
      const path = need(routes(resource).delete, resource, 'delete');
      await call('DELETE', path, { params: { path: { id: params.id } } });
      return { data: params.previousData ?? { id: params.id } } as never;
    },
    async deleteMany(resource, params) {
      const path = need(routes(resource).delete, resource, 'delete');
      await Promise.all(params.ids.map((id) => call('DELETE', path, { params: { path: { id } } })));
      return { data: params.ids } as never;
    },
    call,
    setOrderState: (id, { part_id, ...body }) =>
      part_id === undefined
        ? call('POST', '/api/v2/admin/orders/{id}/status', { params: { path: { id } }, body })
        : call('POST', '/api/v2/admin/orders/{id}/parts/{part_id}/status', {
            params: { path: { id, part_id } },
            body,
          }),
    setSupplierOrderState: (id, body) =>
      call('POST', '/api/v2/supplier/orders/{id}/status', { params: { path: { id } }, body }),
    merge: (resource, id, into) =>
      call(
        'POST',
        resource === 'categories'
          ? '/api/v2/admin/categories/{id}/merge'
          : '/api/v2/admin/parameters/{id}/merge',
        { params: { path: { id } }, body: { into: Number(into) } },
      ),
    async startImport({ shopId, url, file, fileName, mode }) {
      const path = shopId === undefined ? '/api/v2/supplier/imports' : '/api/v2/admin/shops/{id}/imports';
      let body: unknown;
      if (file) {
        const form = new FormData();
        if (mode) form.append('mode', mode);
        form.append('file', file, fileName ?? (file instanceof File ? file.name : 'price-list.yaml'));
        body = form;
      } else {
        body = { ...(url ? { url } : {}), ...(mode ? { mode } : {}) };
      }
      return call('POST', path, { params: { path: shopId === undefined ? {} : { id: shopId } }, body });
    },
    startExport({ shopId, format }) {
      return shopId === undefined
        ? call('POST', '/api/v2/supplier/exports', { body: { format } })
        : call('POST', '/api/v2/admin/shops/{id}/exports', {
            params: { path: { id: shopId } },
            body: { format },
          });
    },
    async download(path, params = {}) {
      const split = splitPath(path, params);
      return call<Blob>('GET', path, { params: { path: split.path, query: split.rest }, parseAs: 'blob' });
    },
  };
  return provider;
}

/** Only the fields a form changed: PATCH bodies must not resend read-only fields of the record. */
export function changed(data: Partial<RaRecord>, previous?: Partial<RaRecord>): Query {
  const out: Query = {};
  for (const [key, value] of Object.entries(data)) {
    if (key === 'id') continue;
    // A field absent from the record and left empty in the form is not a change.
    if (previous && JSON.stringify(previous[key] ?? null) === JSON.stringify(value ?? null)) continue;
    out[key] = value;
  }
  return out;
}
