// API v1: the seed's ready-made specification (the Django reference's endpoints), served as a
// drop-in replacement under /api/v1 (see ../shared/spec/api-v1.md). A thin adapter: it reads the
// reference's inputs, calls the services v2 calls, and answers in the reference's shapes — errors
// included, so nothing here answers problem+json.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';
import { multipartClientError } from '../http/input-guard.ts';
import type { Runtime } from '../runtime.ts';
import { accountsV1Routes } from './accounts.routes.ts';
import { catalogV1Routes } from './catalog.routes.ts';
import { ordersV1Routes } from './orders.routes.ts';
import { partnerV1Routes } from './partner.routes.ts';
import { failure, say, v1Refusal } from './transport.ts';

/** A multipart form's fields become the body, as form-urlencoded ones are; files are not taken. */
async function multipartFields(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const fields: Record<string, string> = {};
  for await (const part of request.parts()) {
    if (part.type === 'file') {
      part.file.resume();
      continue;
    }
    fields[part.fieldname] = String(part.value);
  }
  request.body = fields;
}

export function apiV1Routes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('preValidation', multipartFields);

    app.setErrorHandler((thrown: FastifyError, request, reply) => {
      // A multipart body the parser refused is the client's error, not ours.
      const error = (multipartClientError(request, thrown) ?? thrown) as FastifyError;
      // A service refused: HTTP 200 and Status false, as the reference answers.
      const refusal = v1Refusal(request, error);
      // Serialised as it is: the route's 200 schema describes its success, not a refusal (a refusal
      // from before the handler, such as a malformed body, would fail that schema and become a 500).
      if (refusal) return reply.code(200).serializer(JSON.stringify).send(refusal);
      if (error instanceof AppError && error.status === 429) {
        if (error.headers) reply.headers(error.headers);
        return reply
          .code(429)
          .serializer(JSON.stringify)
          .send(failure(say(request, error.detail ?? error.code)));
      }
      const status = error instanceof AppError ? error.status : (error.statusCode ?? 500);
      if (status >= 400 && status < 500) {
        // The body could not be read: malformed JSON, unknown content type, too large.
        return reply.code(status).serializer(JSON.stringify).send(failure(error.message));
      }
      request.log.error({ err: error }, 'unhandled error');
      return reply
        .code(500)
        .serializer(JSON.stringify)
        .send(
          failure(
            say(request, {
              ru: `Непредвиденная ошибка. Сообщите номер запроса ${request.id}`,
              en: `Unexpected error. Quote request id ${request.id}`,
            }),
          ),
        );
    });

    await app.register(accountsV1Routes(runtime));
    await app.register(catalogV1Routes(runtime));
    await app.register(ordersV1Routes(runtime));
    await app.register(partnerV1Routes(runtime));
  };
}
