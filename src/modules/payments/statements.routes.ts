// Bank statement uploads: staff for every shop, a supplier for its own invoices; and their reports.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { CursorQuery, IdParams, LimitQuery, Page } from '../../http/common-schemas.ts';
import { AppError } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { StatementReportSchema, StatementSummarySchema } from './payments.schemas.ts';
import {
  getStatementReport,
  importStatement,
  listStatements,
  type StatementUpload,
} from './statements.service.ts';

/** A statement is small; more than this is not a day's or a month's statement. */
const MAX_STATEMENT_BYTES = 20 * 1024 * 1024;

const description =
  '`multipart/form-data` with one file (field `file`): a statement in the 1C «ClientBankExchange» format ' +
  '(`1CClientBankExchange` first line, `СекцияДокумент` sections; Windows-1251 or UTF-8). Each incoming payment is matched ' +
  'to an invoice by the invoice number in its purpose (`YYYY-NNNNN`), the payee, the payer INN and the amount; a match is ' +
  'recorded as a payment of that part. The answer lists matched, already recorded, ambiguous (with candidates) and unmatched ' +
  'documents; the same document is never recorded twice. A malformed file: 422 `statement_invalid` naming the line.';

function fileRequired(): AppError {
  return new AppError(400, 'validation_failed', {
    errors: [
      { field: 'body.file', message: { ru: 'нужен файл выписки', en: 'a statement file is required' } },
    ],
  });
}

async function statementFile(request: FastifyRequest): Promise<StatementUpload> {
  if (!request.isMultipart()) throw fileRequired();
  const tooLarge = () =>
    new AppError(413, 'file_too_large', {
      detail: { ru: 'Файл выписки больше 20 МБ', en: 'The statement file is larger than 20 MB' },
    });
  try {
    const file = await request.file({ limits: { fileSize: MAX_STATEMENT_BYTES } });
    if (!file) throw fileRequired();
    const content = await file.toBuffer();
    return { fileName: file.filename, content };
  } catch (error) {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
    throw error;
  }
}

export function statementRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const [audience, role, tags] of [
      ['admin', 'staff', ['admin', 'payments']],
      ['supplier', 'supplier', ['supplier', 'payments']],
    ] as const) {
      const prefix = audience === 'admin' ? 'admin' : 'supplier';
      app.post(
        `/api/v2/${audience}/payments/statements`,
        {
          config: { roles: [role], problems: [413, 422] },
          schema: {
            tags: [...tags],
            operationId: `${prefix}ImportStatement`,
            summary:
              audience === 'admin'
                ? 'Upload a bank statement (1C format) and record the payments it shows, for every shop'
                : 'Upload my bank statement (1C format) and record the payments of my invoices it shows',
            description,
            consumes: ['multipart/form-data'],
            response: { 201: StatementReportSchema },
          },
        },
        async (request, reply) => {
          const report = await importStatement(runtime, currentUser(request), await statementFile(request));
          return reply.status(201).send(report);
        },
      );
      app.get(
        `/api/v2/${audience}/payments/statements`,
        {
          config: { roles: [role] },
          schema: {
            tags: [...tags],
            operationId: `${prefix}ListStatements`,
            summary:
              audience === 'admin'
                ? 'Uploaded bank statements (staff and suppliers), newest first, with their counts'
                : 'My uploaded bank statements, newest first, with their counts',
            querystring: Type.Object(
              { limit: Type.Optional(LimitQuery), cursor: Type.Optional(CursorQuery) },
              { additionalProperties: false },
            ),
            response: { 200: Page(StatementSummarySchema) },
          },
        },
        async (request) => {
          const page = await listStatements(runtime.db, currentUser(request), {
            limit: request.query.limit ?? 50,
            cursor: request.query.cursor,
          });
          return { items: page.items, next_cursor: page.nextCursor };
        },
      );
      app.get(
        `/api/v2/${audience}/payments/statements/:id`,
        {
          config: { roles: [role] },
          schema: {
            tags: [...tags],
            operationId: `${prefix}GetStatement`,
            summary: 'The matching report of an uploaded statement',
            params: IdParams,
            response: { 200: StatementReportSchema },
          },
        },
        async (request) => getStatementReport(runtime.db, currentUser(request), request.params.id),
      );
    }
  };
}
