// /api/v2/admin/synonyms: the search synonyms staff keep (see synonyms.service.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { SearchSynonym } from '../../db/schema/catalog.ts';
import { IdParams, problemResponses, Timestamp } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { staff } from './catalog.views.ts';
import { createSynonym, deleteSynonym, getSynonym, listSynonyms, updateSynonym } from './synonyms.service.ts';

const tags = ['admin'];

const SynonymBody = Type.Object(
  {
    term: Type.String({
      minLength: 1,
      maxLength: 40,
      examples: ['флешка'],
      description: 'One word buyers type',
    }),
    synonyms: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
      minItems: 1,
      maxItems: 20,
      examples: [['flash', 'usb накопитель']],
      description: 'Words or phrases that name the same goods (a phrase: all its words)',
    }),
  },
  { additionalProperties: false },
);

const SynonymSchema = Type.Object({
  id: Type.Integer(),
  term: Type.String(),
  synonyms: Type.Array(Type.String()),
  created_at: Timestamp,
  updated_at: Timestamp,
});

function present(row: SearchSynonym): Static<typeof SynonymSchema> {
  return {
    id: row.id,
    term: row.term,
    synonyms: row.synonyms,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function synonymRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/admin/synonyms',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminListSynonyms',
          summary: 'Search synonyms, by term',
          response: { 200: Type.Object({ items: Type.Array(SynonymSchema) }), ...problemResponses(401, 403) },
        },
      },
      async () => ({ items: (await listSynonyms(runtime.db)).map(present) }),
    );

    app.post(
      '/api/v2/admin/synonyms',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminCreateSynonym',
          summary: 'Add search synonyms for a word (applied at once in search and facets)',
          body: SynonymBody,
          response: { 201: SynonymSchema, ...problemResponses(400, 401, 403, 409) },
        },
      },
      async (request, reply) => reply.status(201).send(present(await createSynonym(runtime, request.body))),
    );

    app.get(
      '/api/v2/admin/synonyms/:id',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminGetSynonym',
          summary: 'A search synonym entry',
          params: IdParams,
          response: { 200: SynonymSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => present(await getSynonym(runtime.db, request.params.id)),
    );

    app.put(
      '/api/v2/admin/synonyms/:id',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminUpdateSynonym',
          summary: 'Replace a search synonym entry',
          params: IdParams,
          body: SynonymBody,
          response: { 200: SynonymSchema, ...problemResponses(400, 401, 403, 404, 409) },
        },
      },
      async (request) => present(await updateSynonym(runtime, request.params.id, request.body)),
    );

    app.delete(
      '/api/v2/admin/synonyms/:id',
      {
        config: staff,
        schema: {
          tags,
          operationId: 'adminDeleteSynonym',
          summary: 'Delete a search synonym entry',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await deleteSynonym(runtime, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
