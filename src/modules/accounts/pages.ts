// The pages the accounts emails link to (PUBLIC_URL/confirm-email, PUBLIC_URL/reset-password,
// PUBLIC_URL/confirm-email-change): small, self-contained HTML whose inline script calls the API.
// Nothing from the request is written into the HTML: the script reads the token and address from
// the URL itself, so there is nothing to escape. Confirmations wait for a click — mail scanners
// prefetch links, and a GET must not spend the token.
import type { Language } from '../../db/schema/users.ts';

export type Page = 'confirm' | 'reset' | 'emailChange';

const TEXTS = {
  confirm: {
    ru: {
      title: 'Подтверждение email',
      intro: 'Нажмите кнопку, чтобы подтвердить адрес электронной почты и активировать учётную запись.',
      who: 'Адрес:',
      emailLabel: 'Email',
      tokenLabel: 'Код подтверждения из письма',
      submit: 'Подтвердить email',
      working: 'Подтверждаем…',
      done: 'Email подтверждён. Теперь можно войти в Zakupka.',
      missing: 'Укажите email и код из письма.',
      againText: 'Ссылка устарела или уже использована? Пришлём новую на этот адрес.',
      againButton: 'Отправить новую ссылку',
      noscript:
        'Для этой страницы нужен JavaScript. Подтвердить email можно и через API: POST /api/v2/auth/confirm-email {email, token}.',
    },
    en: {
      title: 'Confirm your email',
      intro: 'Press the button to confirm your email address and activate the account.',
      who: 'Address:',
      emailLabel: 'Email',
      tokenLabel: 'Confirmation token from the email',
      submit: 'Confirm email',
      working: 'Confirming…',
      done: 'Your email is confirmed. You can log in to Zakupka now.',
      missing: 'Enter the email and the token from the email.',
      againText: 'Has the link expired or been used? We will send a new one to this address.',
      againButton: 'Send a new link',
      noscript:
        'This page needs JavaScript. The email can also be confirmed through the API: POST /api/v2/auth/confirm-email {email, token}.',
    },
  },
  reset: {
    ru: {
      title: 'Новый пароль',
      intro:
        'Задайте новый пароль учётной записи. Все сеансы входа будут завершены; API-токены интеграций продолжат работать.',
      who: 'Учётная запись:',
      passwordLabel: 'Новый пароль',
      passwordHint:
        'Не короче 8 символов, не только из цифр, не из числа распространённых и не похожий на email или имя.',
      repeatLabel: 'Повторите пароль',
      tokenLabel: 'Код сброса из письма',
      submit: 'Сохранить пароль',
      working: 'Сохраняем…',
      done: 'Пароль изменён, все сеансы завершены. Войдите с новым паролем. API-токены продолжают работать.',
      mismatch: 'Пароли не совпадают.',
      missing: 'Укажите код сброса из письма.',
      emailLabel: 'Email',
      againText: 'Ссылка устарела или уже использована? Запросите новую.',
      requestText: 'Нет кода сброса? Укажите email — пришлём ссылку для сброса пароля.',
      againButton: 'Отправить новую ссылку',
      noscript:
        'Для этой страницы нужен JavaScript. Задать пароль можно и через API: POST /api/v2/auth/password-reset/confirm {token, password}.',
    },
    en: {
      title: 'New password',
      intro:
        'Choose a new password for the account. Every login session will be signed out; API tokens of integrations keep working.',
      who: 'Account:',
      passwordLabel: 'New password',
      passwordHint:
        'At least 8 characters, not only digits, not a common password, not like the email or names.',
      repeatLabel: 'Repeat the password',
      tokenLabel: 'Reset token from the email',
      submit: 'Save the password',
      working: 'Saving…',
      done: 'The password is changed and every session signed out. Log in with the new password. API tokens keep working.',
      mismatch: 'The passwords do not match.',
      missing: 'Enter the reset token from the email.',
      emailLabel: 'Email',
      againText: 'Has the link expired or been used? Ask for a new one.',
      requestText: 'No reset token? Enter the email and we will send a password reset link.',
      againButton: 'Send a new link',
      noscript:
        'This page needs JavaScript. The password can also be set through the API: POST /api/v2/auth/password-reset/confirm {token, password}.',
    },
  },
  emailChange: {
    ru: {
      title: 'Смена email',
      intro:
        'Нажмите кнопку, чтобы подтвердить новый адрес электронной почты. После этого входите с ним: все сеансы входа завершатся, API-токены интеграций продолжат работать.',
      tokenLabel: 'Код смены адреса из письма',
      submit: 'Подтвердить новый email',
      working: 'Подтверждаем…',
      done: 'Адрес изменён. Теперь входите в Zakupka с адресом',
      missing: 'Укажите код смены адреса из письма.',
      againText: 'Ссылка устарела или уже использована? Запросите смену адреса заново в профиле.',
      noscript:
        'Для этой страницы нужен JavaScript. Подтвердить новый адрес можно и через API: POST /api/v2/auth/confirm-email-change {token}.',
    },
    en: {
      title: 'Change your email',
      intro:
        'Press the button to confirm your new email address. Log in with it afterwards: every login session will be signed out; API tokens of integrations keep working.',
      tokenLabel: 'Email change token from the email',
      submit: 'Confirm the new email',
      working: 'Confirming…',
      done: 'The email is changed. From now on log in to Zakupka with',
      missing: 'Enter the email change token from the email.',
      againText: 'Has the link expired or been used? Ask for the change again in your profile.',
      noscript:
        'This page needs JavaScript. The new address can also be confirmed through the API: POST /api/v2/auth/confirm-email-change {token}.',
    },
  },
} as const;

const COMMON = {
  ru: {
    network: 'Не удалось связаться с сервером. Проверьте подключение и попробуйте ещё раз.',
    failed: 'Не получилось. Попробуйте ещё раз.',
    fix: 'Исправьте отмеченные поля.',
  },
  en: {
    network: 'Could not reach the server. Check the connection and try again.',
    failed: 'That did not work. Please try again.',
    fix: 'Please correct the marked fields.',
  },
} as const;

/** The API endpoints the pages call (the test reads them from here). */
export const PAGE_ENDPOINTS = {
  confirm: { submit: '/api/v2/auth/confirm-email', again: '/api/v2/auth/resend-confirmation' },
  reset: { submit: '/api/v2/auth/password-reset/confirm', again: '/api/v2/auth/password-reset' },
  // A new change is asked for from the signed-in profile, not from here.
  emailChange: { submit: '/api/v2/auth/confirm-email-change' },
} as const;

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f4f5f7;color:#1d2330}
main{max-width:28rem;margin:3rem auto;padding:2rem;background:#fff;border-radius:12px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
header{display:flex;justify-content:space-between;align-items:baseline}
.brand{font-weight:700;font-size:1.1rem}
.lang a{color:#555;margin-left:.5rem;text-decoration:none}
.lang a[aria-current]{font-weight:700;color:#1d2330}
h1{font-size:1.4rem;margin:1.2rem 0 .5rem}
label{display:block;margin:1rem 0 .25rem;font-weight:600}
input{width:100%;padding:.6rem .7rem;border:1px solid #c5cad3;border-radius:8px;font:inherit}
input:focus{outline:2px solid #2f6fed;border-color:#2f6fed}
button{margin-top:1.2rem;width:100%;padding:.7rem;border:0;border-radius:8px;background:#2f6fed;color:#fff;font:inherit;font-weight:600;cursor:pointer}
button.secondary{background:#e8ecf4;color:#1d2330}
button:disabled{opacity:.6;cursor:wait}
.hint{color:#666;font-size:.875rem;margin:.25rem 0 0}
.msg{white-space:pre-line;margin:1rem 0 0;padding:.7rem;border-radius:8px}
.msg.ok{background:#e6f6ea;color:#17602b}
.msg.error{background:#fdecec;color:#9b1c1c}
.field-error{white-space:pre-line;color:#9b1c1c;font-size:.875rem;margin:.25rem 0 0}
[hidden]{display:none!important}
`;

// Shared by both scripts: posting JSON in the page's language and reading the answer.
const SCRIPT_HELPERS = `
var $ = function (id) { return document.getElementById(id); };
var params = new URLSearchParams(location.search);
['ru', 'en'].forEach(function (l) {
  var p = new URLSearchParams(location.search);
  p.set('lang', l);
  $('lang-' + l).href = '?' + p.toString();
});
async function post(url, body) {
  try {
    var res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': LANG },
      body: JSON.stringify(body),
    });
    var data = null;
    if (res.status !== 204) { try { data = await res.json(); } catch (e) { data = null; } }
    return { status: res.status, data: data };
  } catch (e) {
    return { status: 0, data: null };
  }
}
function show(el, text, kind) {
  el.textContent = text || '';
  el.className = kind === 'field' ? 'field-error' : kind ? 'msg ' + kind : 'msg';
  el.hidden = !text;
}
function message(r) {
  if (r.status === 0) return T.network;
  return (r.data && (r.data.detail || r.data.title)) || T.failed;
}
function fieldMessages(r, field) {
  var errors = (r.data && r.data.errors) || [];
  return errors.filter(function (e) { return e.field === field; }).map(function (e) { return e.message; });
}
function tokenRefused(r) {
  return !!r.data && (r.data.code === 'invalid_token' || r.data.code === 'token_expired');
}
async function askAgain(email, button, status) {
  button.disabled = true;
  var r = await post(ENDPOINTS.again, { email: email });
  button.disabled = false;
  show(status, message(r), r.status === 202 ? 'ok' : 'error');
}
`;

const CONFIRM_SCRIPT = `
var form = $('form'), email = $('email'), token = $('token'), button = $('submit'), status = $('status');
email.value = params.get('email') || '';
token.value = params.get('token') || '';
if (email.value && token.value) {
  $('manual').hidden = true;
  $('who').textContent = T.who + ' ' + email.value;
  $('who').hidden = false;
}
form.addEventListener('submit', async function (event) {
  event.preventDefault();
  if (!email.value.trim() || !token.value.trim()) { show(status, T.missing, 'error'); return; }
  button.disabled = true;
  show(status, T.working, '');
  var r = await post(ENDPOINTS.submit, { email: email.value.trim(), token: token.value.trim() });
  button.disabled = false;
  if (r.status === 204) { form.hidden = true; $('again').hidden = true; show(status, T.done, 'ok'); return; }
  var fields = fieldMessages(r, 'body.email').concat(fieldMessages(r, 'body.token'));
  show(status, [message(r)].concat(fields).join('\\n'), 'error');
  if (tokenRefused(r)) $('again').hidden = false;
  if (fields.length) $('manual').hidden = false;
});
$('again-button').addEventListener('click', function () {
  return askAgain(email.value.trim(), $('again-button'), status);
});
`;

const RESET_SCRIPT = `
var form = $('form'), token = $('token'), password = $('password'), repeat = $('repeat');
var button = $('submit'), status = $('status'), email = $('email');
token.value = params.get('token') || '';
email.value = params.get('email') || '';
$('username').value = email.value;
if (token.value) $('token-row').hidden = true;
else { $('again-text').textContent = T.requestText; $('again').hidden = false; }
if (email.value) { $('who').textContent = T.who + ' ' + email.value; $('who').hidden = false; }
form.addEventListener('submit', async function (event) {
  event.preventDefault();
  show($('password-error'), '', 'field');
  show($('repeat-error'), '', 'field');
  show($('token-error'), '', 'field');
  show(status, '', '');
  if (!token.value.trim()) { $('token-row').hidden = false; show($('token-error'), T.missing, 'field'); return; }
  if (password.value !== repeat.value) { show($('repeat-error'), T.mismatch, 'field'); return; }
  button.disabled = true;
  show(status, T.working, '');
  var r = await post(ENDPOINTS.submit, { token: token.value.trim(), password: password.value });
  button.disabled = false;
  if (r.status === 204) {
    form.hidden = true;
    $('again').hidden = true;
    password.value = repeat.value = '';
    show(status, T.done, 'ok');
    return;
  }
  var passwordErrors = fieldMessages(r, 'body.password');
  var tokenErrors = fieldMessages(r, 'body.token');
  show($('password-error'), passwordErrors.join('\\n'), 'field');
  if (tokenErrors.length) { $('token-row').hidden = false; show($('token-error'), tokenErrors.join('\\n'), 'field'); }
  show(status, passwordErrors.length || tokenErrors.length ? T.fix : message(r), 'error');
  if (tokenRefused(r)) {
    show(status, message(r), 'error');
    $('again-text').textContent = T.againText;
    $('again').hidden = false;
  }
});
$('again-button').addEventListener('click', function () {
  return askAgain(email.value.trim(), $('again-button'), status);
});
`;

const EMAIL_CHANGE_SCRIPT = `
var form = $('form'), token = $('token'), button = $('submit'), status = $('status');
token.value = params.get('token') || '';
if (token.value) $('manual').hidden = true;
form.addEventListener('submit', async function (event) {
  event.preventDefault();
  if (!token.value.trim()) { $('manual').hidden = false; show(status, T.missing, 'error'); return; }
  button.disabled = true;
  show(status, T.working, '');
  var r = await post(ENDPOINTS.submit, { token: token.value.trim() });
  button.disabled = false;
  if (r.status === 200 && r.data) { form.hidden = true; show(status, T.done + ' ' + r.data.email, 'ok'); return; }
  var fields = fieldMessages(r, 'body.token');
  show(status, [message(r)].concat(fields).join('\\n'), 'error');
  if (tokenRefused(r)) $('again').hidden = false;
  if (fields.length) $('manual').hidden = false;
});
`;

function confirmForm(t: (typeof TEXTS)['confirm'][Language]): string {
  return `<form id="form" novalidate>
<p id="who" hidden></p>
<div id="manual">
<label for="email">${t.emailLabel}</label>
<input id="email" name="email" type="email" autocomplete="email" required>
<label for="token">${t.tokenLabel}</label>
<input id="token" name="token" autocomplete="off" spellcheck="false" required>
</div>
<button id="submit" type="submit">${t.submit}</button>
</form>
<p id="status" class="msg" role="status" aria-live="polite" hidden></p>
<div id="again" hidden>
<p class="hint">${t.againText}</p>
<button id="again-button" type="button" class="secondary">${t.againButton}</button>
</div>`;
}

function resetForm(t: (typeof TEXTS)['reset'][Language]): string {
  return `<form id="form" novalidate>
<p id="who" hidden></p>
<input id="username" name="username" type="text" autocomplete="username" hidden>
<div id="token-row">
<label for="token">${t.tokenLabel}</label>
<input id="token" name="token" autocomplete="off" spellcheck="false">
<p id="token-error" class="field-error" hidden></p>
</div>
<label for="password">${t.passwordLabel}</label>
<input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required aria-describedby="password-hint password-error">
<p id="password-hint" class="hint">${t.passwordHint}</p>
<p id="password-error" class="field-error" role="alert" hidden></p>
<label for="repeat">${t.repeatLabel}</label>
<input id="repeat" name="repeat" type="password" autocomplete="new-password" required aria-describedby="repeat-error">
<p id="repeat-error" class="field-error" role="alert" hidden></p>
<button id="submit" type="submit">${t.submit}</button>
</form>
<p id="status" class="msg" role="status" aria-live="polite" hidden></p>
<div id="again" hidden>
<p id="again-text" class="hint">${t.againText}</p>
<label for="email">${t.emailLabel}</label>
<input id="email" name="email" type="email" autocomplete="email">
<button id="again-button" type="button" class="secondary">${t.againButton}</button>
</div>`;
}

function emailChangeForm(t: (typeof TEXTS)['emailChange'][Language]): string {
  return `<form id="form" novalidate>
<div id="manual">
<label for="token">${t.tokenLabel}</label>
<input id="token" name="token" autocomplete="off" spellcheck="false" required>
</div>
<button id="submit" type="submit">${t.submit}</button>
</form>
<p id="status" class="msg" role="status" aria-live="polite" hidden></p>
<p id="again" class="hint" hidden>${t.againText}</p>`;
}

/** JSON for a <script> element: nothing in it can close the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The page's HTML; `nonce` must match the Content-Security-Policy the route sends with it. */
export function renderPage(page: Page, language: Language, nonce: string): string {
  const t = TEXTS[page][language];
  const texts = { ...t, ...COMMON[language] };
  const body =
    page === 'confirm'
      ? confirmForm(TEXTS.confirm[language])
      : page === 'reset'
        ? resetForm(TEXTS.reset[language])
        : emailChangeForm(TEXTS.emailChange[language]);
  const script = { confirm: CONFIRM_SCRIPT, reset: RESET_SCRIPT, emailChange: EMAIL_CHANGE_SCRIPT }[page];
  const current = (l: Language) => (l === language ? ' aria-current="true"' : '');
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${t.title} · Zakupka</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<main>
<header><span class="brand">Zakupka</span><nav class="lang"><a id="lang-ru" href="?lang=ru"${current('ru')}>RU</a><a id="lang-en" href="?lang=en"${current('en')}>EN</a></nav></header>
<h1>${t.title}</h1>
<p>${t.intro}</p>
<noscript><p class="msg error">${t.noscript}</p></noscript>
${body}
</main>
<script nonce="${nonce}">
(function () {
'use strict';
var LANG = ${scriptJson(language)};
var T = ${scriptJson(texts)};
var ENDPOINTS = ${scriptJson(PAGE_ENDPOINTS[page])};
${SCRIPT_HELPERS}
${script}
})();
</script>
</body>
</html>
`;
}
