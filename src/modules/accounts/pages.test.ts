// The pages the accounts emails link to: served as HTML in the reader's language, under a strict
// per-page Content-Security-Policy, hidden from /docs — and working: their inline scripts are run
// here against a minimal DOM whose fetch goes to the app, with the links taken from real emails.
import vm from 'node:vm';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, uniqueEmail } from '../../../test/factories.ts';
import { buildTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { users } from '../../db/schema/users.ts';
import { PAGE_ENDPOINTS } from './pages.ts';

let t: TestApp;

beforeAll(async () => {
  t = await buildTestApp({ env: { RATE_LIMIT_EMAIL_IP_MAX: '1000' } });
});
afterAll(() => t?.close());

function get(url: string, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'GET', url, headers });
}

/** The path and query of a link in an email (the app serves PUBLIC_URL's paths). */
async function linkInEmail(email: string, page: string, subject: RegExp): Promise<string> {
  const mail = await t.mail.waitFor((m) => m.recipients.includes(email) && subject.test(m.subject ?? ''));
  const link = mail.text!.match(new RegExp(`http://zakupka\\.test/${page}\\?\\S+`))![0];
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

interface FakeElement {
  id: string;
  value: string;
  hidden: boolean;
  textContent: string;
  className: string;
  disabled: boolean;
  href: string;
  listeners: Record<string, (event: { preventDefault(): void }) => unknown>;
  addEventListener(type: string, listener: (event: { preventDefault(): void }) => unknown): void;
}

/**
 * Runs the page's inline script as a browser would after loading `url`: a DOM of the page's
 * elements (by id, with their initial `hidden`), `location`, and a `fetch` that calls the app.
 */
function openPage(html: string, url: string) {
  const elements = new Map<string, FakeElement>();
  for (const match of html.matchAll(/<[a-z]+ [^>]*\bid="([^"]+)"[^>]*>/g)) {
    elements.set(match[1], {
      id: match[1],
      value: '',
      hidden: /\shidden[\s>]/.test(match[0]),
      textContent: '',
      className: '',
      disabled: false,
      href: '',
      listeners: {},
      addEventListener(type, listener) {
        this.listeners[type] = listener;
      },
    });
  }
  const requests: { url: string; body: unknown; language: string }[] = [];
  const context = vm.createContext({
    URLSearchParams,
    JSON,
    location: { search: new URL(url, 'http://zakupka.test').search },
    document: {
      getElementById(id: string) {
        const element = elements.get(id);
        if (!element) throw new Error(`the script asks for #${id}, which the page does not have`);
        return element;
      },
    },
    async fetch(target: string, init: { method: string; headers: Record<string, string>; body: string }) {
      requests.push({ url: target, body: JSON.parse(init.body), language: init.headers['accept-language'] });
      const res = await t.app.inject({
        method: init.method as 'POST',
        url: target,
        headers: init.headers,
        payload: init.body,
      });
      return { status: res.statusCode, json: async () => JSON.parse(res.body) };
    },
  });
  const script = html.match(/<script nonce="[^"]+">([\s\S]*?)<\/script>/)![1];
  vm.runInContext(script, context);
  const $ = (id: string) => elements.get(id)!;
  return {
    $,
    requests,
    submit: () => $('form').listeners.submit({ preventDefault() {} }),
    click: (id: string) => $(id).listeners.click({ preventDefault() {} }),
  };
}

describe('the pages behind the email links', () => {
  it('serve HTML with the form, Russian by default, English on request', async () => {
    for (const url of [
      '/confirm-email?token=abc&email=a%40b.test',
      '/reset-password?token=abc',
      '/confirm-email-change?token=abc',
    ]) {
      const ru = await get(url);
      expect(ru.statusCode).toBe(200);
      expect(ru.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(ru.headers['cache-control']).toBe('no-store');
      expect(ru.body).toContain('<html lang="ru">');
      expect(ru.body).toContain('<form id="form"');
      expect(ru.body).toContain('<button id="submit" type="submit">');
      const byQuery = await get(`${url}&lang=en`);
      const byHeader = await get(url, { 'accept-language': 'en-US,en;q=0.9' });
      const overridden = await get(`${url}&lang=ru`, { 'accept-language': 'en' });
      expect(byQuery.body).toContain('<html lang="en">');
      expect(byHeader.body).toContain('<html lang="en">');
      expect(overridden.body).toContain('<html lang="ru">');
    }
    expect((await get('/confirm-email')).body).toContain('Подтвердить email');
    expect((await get('/confirm-email?lang=en')).body).toContain('Confirm email');
    const reset = (await get('/reset-password?lang=en')).body;
    expect(reset).toContain('autocomplete="new-password"');
    expect(reset).toContain('Save the password');
    expect((await get('/confirm-email-change')).body).toContain('Подтвердить новый email');
    expect((await get('/confirm-email-change?lang=en')).body).toContain('Confirm the new email');
  });

  it('allow their own inline script and style by nonce, and nothing else', async () => {
    const res = await get('/confirm-email?token=abc&email=a%40b.test');
    const csp = res.headers['content-security-policy'] as string;
    const nonce = csp.match(/script-src 'nonce-([A-Za-z0-9+/=]+)'/)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain(`style-src 'nonce-${nonce}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).toContain(`<script nonce="${nonce}">`);
    expect(res.body).toContain(`<style nonce="${nonce}">`);
    expect(res.body.match(/<script/g)).toHaveLength(1);
    expect(res.body.match(/<style/g)).toHaveLength(1);
    // A fresh nonce per answer; helmet's other headers stay.
    const again = await get('/confirm-email');
    expect(again.headers['content-security-policy']).not.toBe(csp);
    expect(again.headers['x-content-type-options']).toBe('nosniff');
    // The app-wide policy elsewhere is untouched.
    expect((await get('/health/live')).headers['content-security-policy']).toContain("'unsafe-inline'");
  });

  it('write nothing from the URL into the HTML', async () => {
    const evil = encodeURIComponent('"><script>alert(1)</script>');
    const res = await get(`/confirm-email?token=${evil}&email=${evil}&lang=${evil}&utm_source=mail`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('alert(1)');
    expect(res.body).toContain('<html lang="ru">');
  });

  it('are not in the API documentation', async () => {
    const paths = Object.keys((await get('/docs/json')).json().paths);
    expect(paths).toContain('/api/v2/auth/confirm-email');
    expect(paths).not.toContain('/confirm-email');
    expect(paths).not.toContain('/reset-password');
    expect(paths).not.toContain('/confirm-email-change');
  });
});

describe('confirming an email through the page', () => {
  it('does nothing on opening the link; the button confirms and the account can log in', async () => {
    const email = uniqueEmail('page');
    const password = 'Sklad-Polka-2026';
    const registered = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/register',
      headers: { 'accept-language': 'en' },
      payload: {
        email,
        password,
        first_name: 'Jane',
        last_name: 'Doe',
        company: 'Acme',
        position: 'Buyer',
        type: 'buyer',
      },
    });
    expect(registered.statusCode).toBe(201);
    const link = await linkInEmail(email, 'confirm-email', /Confirm your email/);
    expect(new URL(link, 'http://x').searchParams.get('lang')).toBe('en');

    const page = await get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="en">');
    const login = () =>
      t.app.inject({ method: 'POST', url: '/api/v2/auth/login', payload: { email, password } });
    // A mail scanner fetching the link confirms nothing.
    expect((await login()).json().code).toBe('email_not_confirmed');

    const browser = openPage(page.body, link);
    expect(browser.$('manual').hidden).toBe(true);
    expect(browser.$('who').textContent).toBe(`Address: ${email}`);
    expect(browser.requests).toEqual([]);
    await browser.submit();
    expect(browser.requests).toEqual([
      { url: PAGE_ENDPOINTS.confirm.submit, body: { email, token: expect.any(String) }, language: 'en' },
    ]);
    expect(browser.$('form').hidden).toBe(true);
    expect(browser.$('status')).toMatchObject({
      hidden: false,
      className: 'msg ok',
      textContent: 'Your email is confirmed. You can log in to Zakupka now.',
    });
    expect((await login()).statusCode).toBe(200);

    // The same link again: the API's refusal, and a way to ask for a new link.
    const second = openPage(page.body, link);
    await second.submit();
    expect(second.$('status')).toMatchObject({ className: 'msg error', hidden: false });
    expect(second.$('status').textContent).toMatch(/token/i);
    expect(second.$('again').hidden).toBe(false);
  });

  it('sends a new link when the old one is refused', async () => {
    const user = await createUser(t.runtime, { confirmed: false });
    const link = `/confirm-email?token=not-the-right-token&email=${encodeURIComponent(user.email)}`;
    const browser = openPage((await get(link)).body, link);
    await browser.submit();
    expect(browser.$('status').className).toBe('msg error');
    await browser.click('again-button');
    expect(browser.requests.at(-1)).toMatchObject({
      url: PAGE_ENDPOINTS.confirm.again,
      body: { email: user.email },
    });
    expect(browser.$('status').className).toBe('msg ok');
    const fresh = await linkInEmail(user.email, 'confirm-email', /Подтвердите/);
    const next = openPage((await get(fresh)).body, fresh);
    await next.submit();
    expect(next.$('status').className).toBe('msg ok');
  });
});

describe('resetting a password through the page', () => {
  it('shows the password rules the API refuses, then sets the new password', async () => {
    const user = await createUser(t.runtime);
    const requested = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/password-reset',
      payload: { email: user.email },
    });
    expect(requested.statusCode).toBe(202);
    const link = await linkInEmail(user.email, 'reset-password', /Сброс пароля/);
    const page = await get(link);
    expect(page.statusCode).toBe(200);
    const browser = openPage(page.body, link);
    expect(browser.$('token-row').hidden).toBe(true);
    expect(browser.$('username').value).toBe(user.email);

    browser.$('password').value = 'Novyi-Parol-2026';
    browser.$('repeat').value = 'Novyi-Parol-2027';
    await browser.submit();
    expect(browser.$('repeat-error')).toMatchObject({ hidden: false, textContent: 'Пароли не совпадают.' });
    expect(browser.requests).toEqual([]);

    browser.$('password').value = '1234567';
    browser.$('repeat').value = '1234567';
    await browser.submit();
    expect(browser.$('password-error')).toMatchObject({
      hidden: false,
      className: 'field-error',
      textContent: [
        'Пароль слишком короткий: нужно не меньше 8 символов.',
        'Пароль не может состоять только из цифр.',
        'Этот пароль слишком распространён.',
      ].join('\n'),
    });
    expect(browser.$('repeat-error').hidden).toBe(true);
    expect(browser.$('status')).toMatchObject({
      className: 'msg error',
      textContent: 'Исправьте отмеченные поля.',
    });

    browser.$('password').value = 'Novyi-Parol-2026';
    browser.$('repeat').value = 'Novyi-Parol-2026';
    await browser.submit();
    expect(browser.requests.at(-1)).toMatchObject({
      url: PAGE_ENDPOINTS.reset.submit,
      body: { password: 'Novyi-Parol-2026' },
      language: 'ru',
    });
    expect(browser.$('form').hidden).toBe(true);
    expect(browser.$('password-error').hidden).toBe(true);
    expect(browser.$('status').className).toBe('msg ok');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      payload: { email: user.email, password: 'Novyi-Parol-2026' },
    });
    expect(login.statusCode).toBe(200);

    // The link is spent: the page says so and offers a new one.
    const again = openPage(page.body, link);
    again.$('password').value = 'Drugoi-Parol-2026';
    again.$('repeat').value = 'Drugoi-Parol-2026';
    await again.submit();
    expect(again.$('status').className).toBe('msg error');
    expect(again.$('again').hidden).toBe(false);
  });

  it('without a token, offers to email a reset link', async () => {
    const user = await createUser(t.runtime, { preferredLanguage: 'en' });
    const browser = openPage((await get('/reset-password?lang=en')).body, '/reset-password?lang=en');
    expect(browser.$('token-row').hidden).toBe(false);
    expect(browser.$('again').hidden).toBe(false);
    browser.$('email').value = user.email;
    await browser.click('again-button');
    expect(browser.requests).toEqual([
      { url: PAGE_ENDPOINTS.reset.again, body: { email: user.email }, language: 'en' },
    ]);
    expect(browser.$('status').className).toBe('msg ok');
    const link = await linkInEmail(user.email, 'reset-password', /Reset your/);
    expect(new URL(link, 'http://x').searchParams.get('lang')).toBe('en');
  });
});

describe('changing the email through the page', () => {
  it('does nothing on opening the link; the button moves the account to the new address', async () => {
    const user = await createUser(t.runtime);
    const newEmail = uniqueEmail('page-moved');
    const session = await t.app.inject({
      method: 'POST',
      url: '/api/v2/auth/login',
      payload: { email: user.email, password: user.password },
    });
    const requested = await t.app.inject({
      method: 'POST',
      url: '/api/v2/me/email',
      headers: { authorization: `Bearer ${session.json().access_token}` },
      payload: { new_email: newEmail, password: user.password },
    });
    expect(requested.statusCode, requested.body).toBe(202);
    const link = await linkInEmail(newEmail, 'confirm-email-change', /Подтвердите новый email/);

    const page = await get(link);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="ru">');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    const browser = openPage(page.body, link);
    expect(browser.$('manual').hidden).toBe(true);
    expect(browser.requests).toEqual([]);
    const [row] = await t.runtime.db.select().from(users).where(eq(users.id, user.id));
    expect(row.email).toBe(user.email);

    await browser.submit();
    expect(browser.requests).toEqual([
      { url: PAGE_ENDPOINTS.emailChange.submit, body: { token: expect.any(String) }, language: 'ru' },
    ]);
    expect(browser.$('form').hidden).toBe(true);
    expect(browser.$('status')).toMatchObject({
      hidden: false,
      className: 'msg ok',
      textContent: `Адрес изменён. Теперь входите в Zakupka с адресом ${newEmail}`,
    });

    // The same link again: the API's refusal, and where to ask anew.
    const second = openPage(page.body, link);
    await second.submit();
    expect(second.$('status')).toMatchObject({ className: 'msg error', hidden: false });
    expect(second.$('status').textContent).toMatch(/Код смены адреса неверен/);
    expect(second.$('again').hidden).toBe(false);
  });

  it('asks for the token when the link lost it', async () => {
    const browser = openPage(
      (await get('/confirm-email-change?lang=en')).body,
      '/confirm-email-change?lang=en',
    );
    expect(browser.$('manual').hidden).toBe(false);
    await browser.submit();
    expect(browser.requests).toEqual([]);
    expect(browser.$('status')).toMatchObject({
      className: 'msg error',
      textContent: 'Enter the email change token from the email.',
    });
  });
});
