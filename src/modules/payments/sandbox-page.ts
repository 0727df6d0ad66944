// The sandbox provider's payment page: the amount, and two buttons that post a notification signed
// by this server (payment.succeeded or payment.canceled) and then send the buyer back (on the
// page's own origin). The bodies
// are signed when the page is rendered; the key never leaves the server.
import type { CardPayment } from '../../db/schema/payments.ts';
import { formatMoney } from '../../lib/money.ts';
import { escapeHtml } from '../../mail/layout.ts';
import type { Runtime } from '../../runtime.ts';
import { SANDBOX_SIGNATURE_HEADER, sandboxKey, signSandbox } from './providers/sandbox.ts';

/** The notification the sandbox sends for a payment, and its signature. */
export function sandboxNotification(
  authSecret: string,
  card: Pick<CardPayment, 'providerPaymentId' | 'amount' | 'currency' | 'id' | 'orderId'>,
  event: 'payment.succeeded' | 'payment.canceled',
): { body: string; signature: string } {
  const body = JSON.stringify({
    type: 'notification',
    event,
    object: {
      id: card.providerPaymentId,
      status: event === 'payment.succeeded' ? 'succeeded' : 'canceled',
      amount: { value: card.amount, currency: card.currency },
      metadata: { order_id: String(card.orderId), card_payment_id: String(card.id) },
    },
  });
  return { body, signature: signSandbox(sandboxKey(authSecret), body) };
}

/**
 * Where the page sends the buyer back: the return path on the origin the page was opened at. The
 * sandbox is Zakupka itself, so a console opened at another address than PUBLIC_URL (127.0.0.1 and
 * localhost are two origins, each with its own sessionStorage) keeps its session.
 */
export function sandboxReturn(returnUrl: string, publicUrl: string): string {
  return returnUrl.startsWith(`${publicUrl}/`) ? returnUrl.slice(publicUrl.length) : returnUrl;
}

export function sandboxPage(runtime: Runtime, card: CardPayment, orderNumber: string): string {
  const pay = sandboxNotification(runtime.authSecret, card, 'payment.succeeded');
  const decline = sandboxNotification(runtime.authSecret, card, 'payment.canceled');
  const amount = escapeHtml(formatMoney(card.amount, card.currency, 'ru'));
  const done = card.status !== 'pending';
  // JSON inside a script element: `<` escaped so no body can close the element.
  const data = JSON.stringify({
    header: SANDBOX_SIGNATURE_HEADER,
    pay,
    decline,
    back: sandboxReturn(card.returnUrl, runtime.config.publicUrl),
  }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Оплата заказа ${escapeHtml(orderNumber)} — песочница</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 28rem; margin: 3rem auto; padding: 0 1rem; color: #222; }
.card { border: 1px solid #ccc; border-radius: 8px; padding: 1.5rem; }
button { font-size: 1rem; padding: .6rem 1.2rem; margin-right: .5rem; border-radius: 6px; border: 1px solid #888; cursor: pointer; }
#pay { background: #1a7f37; color: #fff; border-color: #1a7f37; }
.note { color: #666; font-size: .85rem; }
</style>
</head>
<body>
<div class="card">
<h1>Песочница оплаты</h1>
<p>Заказ <strong>${escapeHtml(orderNumber)}</strong></p>
<p>К оплате: <strong>${amount}</strong></p>
${
  done
    ? `<p>Этот платёж уже ${card.status === 'succeeded' ? 'оплачен' : 'отменён'}.</p>`
    : '<p><button id="pay" type="button">Оплатить</button><button id="decline" type="button">Отказаться</button></p>'
}
<p id="status" role="status"></p>
<p class="note">Это тестовый провайдер Zakupka: деньги не списываются. Кнопка отправляет подписанное уведомление, как его прислал бы настоящий провайдер.</p>
</div>
<script id="sandbox-data" type="application/json">${data}</script>
<script>
const data = JSON.parse(document.getElementById('sandbox-data').textContent);
async function send(which) {
  const status = document.getElementById('status');
  status.textContent = 'Отправляем…';
  const response = await fetch('/api/v2/payments/notifications/sandbox', {
    method: 'POST',
    headers: { 'content-type': 'application/json', [data.header]: data[which].signature },
    body: data[which].body,
  });
  status.textContent = response.ok ? 'Готово, возвращаемся в магазин…' : 'Ошибка: ' + response.status;
  if (response.ok) setTimeout(() => { location.href = data.back; }, 800);
}
for (const which of ['pay', 'decline']) {
  const button = document.getElementById(which);
  if (button) button.addEventListener('click', () => send(which));
}
</script>
</body>
</html>
`;
}
