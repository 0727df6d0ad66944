// /api/v2/standing-orders: a shopping list ordered (or prepared) on a schedule, and its runs.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams, problemResponses } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import {
  CreateStandingOrderBody,
  presentRun,
  presentStandingOrder,
  RunPage,
  RunsQuery,
  StandingOrderIndex,
  StandingOrderSchema,
  UpdateStandingOrderBody,
} from './standing-orders.schemas.ts';
import {
  createStandingOrder,
  deleteStandingOrder,
  getStandingOrder,
  listRuns,
  listStandingOrders,
  type StandingOrderInput,
  setPaused,
  updateStandingOrder,
} from './standing-orders.service.ts';

const buyer = { roles: ['buyer'] as const };
const tags = ['standing-orders'];

function input(body: {
  list_id?: number;
  contact_id?: number;
  mode?: 'place' | 'prepare';
  weekdays?: number[];
  every_days?: number;
  starts_on?: string;
  time?: string;
  time_zone?: string;
}): Partial<StandingOrderInput> {
  return {
    listId: body.list_id,
    contactId: body.contact_id,
    mode: body.mode,
    weekdays: body.weekdays,
    everyDays: body.every_days,
    startsOn: body.starts_on,
    localTime: body.time,
    timeZone: body.time_zone,
  };
}

export function standingOrderRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/standing-orders',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'listStandingOrders',
          summary: 'My standing orders',
          response: { 200: StandingOrderIndex, ...problemResponses(401, 403) },
        },
      },
      async (request) => ({
        items: (await listStandingOrders(runtime.db, currentUser(request).id)).map(presentStandingOrder),
      }),
    );

    app.post(
      '/api/v2/standing-orders',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'createStandingOrder',
          summary: 'Order a shopping list on a schedule (weekdays at a time, or every N days)',
          description:
            'At each slot the worker puts the list into the basket (preferred shops where they can) and, in mode ' +
            '`place`, places the order to the contact (the buyer’s other basket lines are set aside and given back); ' +
            'in mode `prepare` it leaves the basket filled and emails a link to confirm. Each slot runs once; see ' +
            '`GET /api/v2/standing-orders/{id}/runs`.',
          body: CreateStandingOrderBody,
          response: { 201: StandingOrderSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        const row = await createStandingOrder(
          runtime,
          currentUser(request).id,
          input(request.body) as StandingOrderInput,
        );
        return reply.status(201).send(presentStandingOrder(row));
      },
    );

    app.get(
      '/api/v2/standing-orders/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'getStandingOrder',
          summary: 'A standing order',
          params: IdParams,
          response: { 200: StandingOrderSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        presentStandingOrder(await getStandingOrder(runtime.db, currentUser(request).id, request.params.id)),
    );

    app.patch(
      '/api/v2/standing-orders/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'updateStandingOrder',
          summary: 'Change a standing order (list, contact, mode, schedule)',
          params: IdParams,
          body: UpdateStandingOrderBody,
          response: { 200: StandingOrderSchema, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) =>
        presentStandingOrder(
          await updateStandingOrder(runtime, currentUser(request).id, request.params.id, input(request.body)),
        ),
    );

    app.delete(
      '/api/v2/standing-orders/:id',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'deleteStandingOrder',
          summary: 'Delete a standing order and its runs',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request, reply) => {
        await deleteStandingOrder(runtime, currentUser(request).id, request.params.id);
        return reply.status(204).send(null);
      },
    );

    for (const [action, paused] of [
      ['pause', true],
      ['resume', false],
    ] as const) {
      app.post(
        `/api/v2/standing-orders/:id/${action}`,
        {
          config: buyer,
          schema: {
            tags,
            operationId: paused ? 'pauseStandingOrder' : 'resumeStandingOrder',
            summary: paused
              ? 'Pause a standing order (no slot runs until resumed)'
              : 'Resume a standing order from its next slot after now',
            params: IdParams,
            response: { 200: StandingOrderSchema, ...problemResponses(400, 401, 403, 404) },
          },
        },
        async (request) =>
          presentStandingOrder(await setPaused(runtime, currentUser(request).id, request.params.id, paused)),
      );
    }

    app.get(
      '/api/v2/standing-orders/:id/runs',
      {
        config: buyer,
        schema: {
          tags,
          operationId: 'listStandingOrderRuns',
          summary: 'The runs of a standing order, newest slot first',
          params: IdParams,
          querystring: RunsQuery,
          response: { 200: RunPage, ...problemResponses(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const runs = await listRuns(runtime.db, currentUser(request).id, request.params.id, {
          limit: request.query.limit ?? 50,
          before: request.query.before ? new Date(request.query.before) : undefined,
        });
        return { items: runs.map(presentRun) };
      },
    );
  };
}
