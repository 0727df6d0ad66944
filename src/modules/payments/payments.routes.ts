// /api/v2/orders/:id/… payments: the payment view of an order, recording and voiding bank payments.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { currentUser } from '../../http/auth.ts';
import { IdParams } from '../../http/common-schemas.ts';
import type { Runtime } from '../../runtime.ts';
import { invoicePdfFor } from './invoices.service.ts';
import {
  OrderPartParams,
  OrderPaymentsSchema,
  PaymentParams,
  PaymentSchema,
  presentOrderPayments,
  presentPayment,
  RecordPaymentBody,
  VoidPaymentBody,
} from './payments.schemas.ts';
import { getOrderPayments, recordBankPayment, voidPayment } from './payments.service.ts';

const tags = ['payments'];
const anyone = { roles: ['buyer', 'supplier', 'staff'] as const };
const managers = { roles: ['supplier', 'staff'] as const, problems: [409] };

export function paymentRoutes(runtime: Runtime): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v2/orders/:id/payments',
      {
        config: anyone,
        schema: {
          tags,
          operationId: 'getOrderPayments',
          summary: 'Payment status, invoices, payments, refunds and history of an order',
          description:
            'The buyer sees every part of its order, a supplier only its own part, staff everything. Card payments are shown to the buyer and staff.',
          params: IdParams,
          response: { 200: OrderPaymentsSchema },
        },
      },
      async (request) =>
        presentOrderPayments(await getOrderPayments(runtime.db, currentUser(request), request.params.id)),
    );

    app.get(
      '/api/v2/orders/:id/parts/:part_id/invoice.pdf',
      {
        config: anyone,
        schema: {
          tags,
          operationId: 'getPartInvoicePdf',
          summary: 'The invoice («счёт на оплату») of a supplier part as PDF',
          description:
            'For the buyer, that supplier and staff. The invoice is numbered `YYYY-NNNNN` per shop and year and issued on first need; ' +
            "it prints the shop's `billing_details` (else the supplier's profile details), the buyer's requisites, the lines, the VAT at the shop's `vat_rate`, " +
            'the total in words and the payment purpose to copy.',
          params: OrderPartParams,
          produces: ['application/pdf'],
          response: {
            200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary', description: 'application/pdf' }),
          },
        },
      },
      async (request, reply) => {
        const document = await invoicePdfFor(
          runtime,
          currentUser(request),
          request.params.id,
          request.params.part_id,
        );
        return reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', `inline; filename="${document.fileName}"`)
          .header('x-invoice-number', document.invoice.number)
          .send(document.pdf);
      },
    );

    app.post(
      '/api/v2/orders/:id/parts/:part_id/payments',
      {
        config: managers,
        schema: {
          tags,
          operationId: 'recordPartPayment',
          summary: 'Record a bank payment received for a supplier part (staff, or that supplier)',
          description:
            'Partial and over-payments are allowed: the part shows `partially_paid` or `overpaid`. The buyer is emailed and `payment.received` is sent.',
          params: OrderPartParams,
          body: RecordPaymentBody,
          response: { 201: PaymentSchema },
        },
      },
      async (request, reply) => {
        const payment = await recordBankPayment(
          runtime,
          currentUser(request),
          request.params.id,
          request.params.part_id,
          {
            amount: request.body.amount,
            paidAt: new Date(request.body.paid_at),
            reference: request.body.reference,
          },
        );
        return reply.status(201).send(presentPayment(payment));
      },
    );

    app.post(
      '/api/v2/orders/:id/parts/:part_id/payments/:payment_id/void',
      {
        config: managers,
        schema: {
          tags,
          operationId: 'voidPartPayment',
          summary: 'Void a recorded payment with a reason (it stays in the history)',
          description: '409 `payment_already_voided`.',
          params: PaymentParams,
          body: VoidPaymentBody,
          response: { 200: PaymentSchema },
        },
      },
      async (request) =>
        presentPayment(
          await voidPayment(
            runtime,
            currentUser(request),
            request.params.id,
            request.params.part_id,
            request.params.payment_id,
            request.body.reason,
          ),
        ),
    );
  };
}
