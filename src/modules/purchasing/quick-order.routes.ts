// POST /api/v2/basket/quick-order: fill the basket from typed lines or a CSV/XLSX file.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { problemResponses } from '../../http/common-schemas.ts';
import { AppError, unprocessable } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { BasketSchema, presentBasket } from '../orders/orders.schemas.ts';
import { FillResultSchema, presentFill } from './purchasing.schemas.ts';
import { type QuickOrderResult, quickOrder } from './quick-order.service.ts';
import {
  MAX_QUICK_ORDER_LINES,
  type ParsedQuickOrder,
  parseQuickOrderFile,
  parseQuickOrderText,
  QuickOrderFileError,
} from './quick-order-parse.ts';

const QuickOrderText = Type.Object(
  {
    text: Type.String({
      maxLength: 50_000,
      examples: ['4216292; 2\nМолоко 3,2% 1 л; 10'],
      description: 'One good a line: `артикул или название; количество`',
    }),
  },
  { additionalProperties: false },
);

const LineFields = {
  line: Type.Integer({ description: 'Line (row) number in the input' }),
  query: Type.String({ description: 'The code or name as given' }),
  quantity: Type.Integer(),
};
const Candidate = Type.Object({
  product_id: Type.Integer(),
  name: Type.String(),
  best_price: Type.Union([Type.String(), Type.Null()]),
});

const QuickOrderResultSchema = Type.Object({
  matched: Type.Array(
    Type.Object({
      ...LineFields,
      product_id: Type.Integer(),
      product_name: Type.String(),
      matched_by: Type.Union([Type.Literal('external_id'), Type.Literal('name'), Type.Literal('search')]),
    }),
  ),
  ambiguous: Type.Array(Type.Object({ ...LineFields, candidates: Type.Array(Candidate) }), {
    description: 'Several products fit: add the right one by hand (not added)',
  }),
  unmatched: Type.Array(Type.Object({ ...LineFields, reason: Type.Literal('not_found') })),
  invalid: Type.Array(
    Type.Object({
      line: Type.Integer(),
      text: Type.String(),
      reason: Type.Union([Type.Literal('bad_quantity'), Type.Literal('missing_query')]),
    }),
  ),
  added: FillResultSchema.properties.added,
  skipped: FillResultSchema.properties.skipped,
  basket: BasketSchema,
});

function present(result: QuickOrderResult): Static<typeof QuickOrderResultSchema> {
  const base = (line: { line: number; query: string; quantity: number }) => ({
    line: line.line,
    query: line.query,
    quantity: line.quantity,
  });
  return {
    matched: result.matched.map((line) => ({
      ...base(line),
      product_id: line.productId,
      product_name: line.productName,
      matched_by: line.matchedBy,
    })),
    ambiguous: result.ambiguous.map((line) => ({
      ...base(line),
      candidates: line.candidates.map((c) => ({
        product_id: c.productId,
        name: c.name,
        best_price: c.bestPrice,
      })),
    })),
    unmatched: result.unmatched.map((line) => ({ ...base(line), reason: line.reason })),
    invalid: result.invalid,
    ...presentFill(result.fill),
    basket: presentBasket(result.basket),
  };
}

function badFile(message: string): AppError {
  return new AppError(400, 'validation_failed', {
    errors: [
      {
        field: 'body.file',
        message: { ru: `файл не читается: ${message}`, en: `unreadable file: ${message}` },
      },
    ],
  });
}

async function parsedInput(request: FastifyRequest): Promise<ParsedQuickOrder> {
  if (!request.isMultipart()) {
    // The body schema is JSON's; any other type (a form, plain text) arrives unvalidated.
    const body = request.body as { text?: unknown } | undefined;
    if (!request.headers['content-type']?.includes('application/json') || typeof body?.text !== 'string') {
      throw new AppError(415, 'unsupported_media_type', {
        detail: {
          ru: 'Пришлите JSON {"text": "…"} или файл CSV/XLSX в multipart/form-data (поле file)',
          en: 'Send JSON {"text": "…"} or a CSV/XLSX file as multipart/form-data (field file)',
        },
      });
    }
    return parseQuickOrderText(body.text);
  }
  const file = await request.file();
  if (!file) throw badFile('no file');
  const content = await file.toBuffer().catch((error: unknown) => {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw badFile('too large');
    throw error;
  });
  try {
    return parseQuickOrderFile(file.filename, content);
  } catch (error) {
    if (error instanceof QuickOrderFileError) throw badFile(error.message);
    throw error;
  }
}

export function quickOrderRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v2/basket/quick-order',
      {
        config: { roles: ['buyer'] as const },
        schema: {
          tags: ['basket'],
          operationId: 'quickOrder',
          summary: 'Fill the basket from lines “code or name; quantity” (JSON text, or a CSV/XLSX file)',
          description:
            'JSON `{"text": …}` or `multipart/form-data` with one `file` (CSV with `;`, `,` or tab; or XLSX: first ' +
            'column the code or name, second the quantity). Each line is matched by the supplier’s good id, then the ' +
            `exact product name, then search (one clear hit); at most ${MAX_QUICK_ORDER_LINES} lines. Matched lines go ` +
            'into the basket (the coded supplier’s offer preferred, else the best offer); ambiguous lines come back with ' +
            'candidates, unmatched and invalid lines with the reason.',
          consumes: ['application/json', 'multipart/form-data'],
          body: { content: { 'application/json': { schema: QuickOrderText } } },
          response: { 200: QuickOrderResultSchema, ...problemResponses(400, 401, 403, 413, 415, 422) },
        },
      },
      async (request) => {
        const parsed = await parsedInput(request);
        if (parsed.lines.length + parsed.problems.length > MAX_QUICK_ORDER_LINES) {
          throw unprocessable('quick_order_too_long', {
            ru: `Не больше ${MAX_QUICK_ORDER_LINES} строк за раз`,
            en: `At most ${MAX_QUICK_ORDER_LINES} lines at once`,
          });
        }
        return present(await quickOrder(runtime, currentUser(request).id, parsed));
      },
    );
  };
}
