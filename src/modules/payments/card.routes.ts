// Card payments: the buyer starts one, providers notify, the sandbox serves its payment page.
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams } from '../../http/common-schemas.ts';
import { notFound } from '../../http/errors.ts';
import type { Runtime } from '../../runtime.ts';
import { orderNumber } from '../orders/for-payments.ts';
import { cardPaymentByProviderId, handleNotification, providerOf, startCardPayment } from './card.service.ts';
import { CardPaymentSchema, presentCardPayment } from './payments.schemas.ts';
import { sandboxPage } from './sandbox-page.ts';

const CardBody = Type.Object(
  {
    return_path: Type.Optional(
      Type.String({
        pattern: '^/[^/\\\\]',
        maxLength: 500,
        description: 'Where the provider sends the buyer back, a path under PUBLIC_URL (default `/`)',
      }),
    ),
  },
  { additionalProperties: false },
);

const CardStarted = Type.Object({
  redirect_url: Type.String({ description: 'Send the buyer here to pay' }),
  card_payment: CardPaymentSchema,
});

export function cardRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v2/orders/:id/payments/card',
      {
        config: { roles: ['buyer'], problems: [409, 502] },
        schema: {
          tags: ['payments'],
          operationId: 'startCardPayment',
          summary: 'Pay my order by card: answers the provider page to send me to',
          description:
            'The amount is what is still due on the live parts. The order becomes paid when the provider notifies that the payment succeeded (exactly once, however often it notifies). ' +
            '409 `nothing_to_pay`, `order_canceled`, `card_payments_unavailable` (PAYMENTS_PROVIDER=none); 502 `payment_provider_error`.',
          params: IdParams,
          body: Type.Unsafe<{ return_path?: string }>({ ...CardBody }),
          response: { 201: CardStarted },
        },
        preValidation: async (request) => {
          request.body ??= {};
        },
      },
      async (request, reply) => {
        const started = await startCardPayment(
          runtime,
          currentUser(request).id,
          request.params.id,
          request.body.return_path ?? '/',
        );
        return reply
          .status(201)
          .send({ redirect_url: started.redirectUrl, card_payment: presentCardPayment(started.cardPayment) });
      },
    );

    // Notifications are signed over their exact bytes: this scope keeps the raw body.
    await app.register(async (plain) => {
      const scope = plain.withTypeProvider<TypeBoxTypeProvider>();
      scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
        (request as { rawBody?: string }).rawBody = body as string;
        try {
          done(null, body === '' ? {} : JSON.parse(body as string));
        } catch {
          done(null, {});
        }
      });
      scope.post(
        '/api/v2/payments/notifications/:provider',
        {
          config: { problems: [401, 422] },
          schema: {
            tags: ['payments'],
            operationId: 'receivePaymentNotification',
            summary:
              'A payment provider’s notification (YooKassa HTTP notifications; the sandbox’s signed ones)',
            description:
              '`yookassa`: `payment.succeeded`, `payment.canceled`, `refund.succeeded`; only the object id is read, its state is fetched from the YooKassa API. ' +
              '`sandbox`: the body signed with HMAC-SHA256 in `X-Sandbox-Signature: sha256=<hex>`; unsigned or wrongly signed: 401 and nothing changes. ' +
              'An amount or currency other than the payment’s: 422 `payment_amount_mismatch`, logged for staff.',
            params: Type.Object({
              provider: Type.Union([Type.Literal('yookassa'), Type.Literal('sandbox')]),
            }),
            body: Type.Unsafe<unknown>({ type: 'object', additionalProperties: true }),
            response: {
              200: Type.Object({
                outcome: Type.String({
                  description:
                    'recorded, duplicate, canceled, not_final, refund_recorded, refund_failed, unknown',
                }),
              }),
            },
          },
        },
        async (request) => ({
          outcome: await handleNotification(runtime, request.params.provider, {
            rawBody: (request as { rawBody?: string }).rawBody ?? '',
            headers: request.headers,
          }),
        }),
      );
    });

    app.get(
      '/api/v2/payments/sandbox/:payment_id',
      {
        schema: {
          tags: ['payments'],
          operationId: 'sandboxPaymentPage',
          summary: 'The sandbox provider’s payment page (PAYMENTS_PROVIDER=sandbox): pay or decline',
          params: Type.Object({ payment_id: Type.String({ pattern: '^sbx_[0-9a-f]{24}$' }) }),
          produces: ['text/html'],
          response: { 200: Type.String({ description: 'An HTML page' }) },
        },
      },
      async (request, reply) => {
        const provider = providerOf(runtime);
        const card =
          provider.name === 'sandbox'
            ? await cardPaymentByProviderId(runtime.db, 'sandbox', request.params.payment_id)
            : undefined;
        if (!card) {
          throw notFound('payment_not_found', { ru: 'Платёж не найден', en: 'Payment not found' });
        }
        return reply
          .header('content-type', 'text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(sandboxPage(runtime, card, orderNumber(card.orderId)));
      },
    );
  };
}
