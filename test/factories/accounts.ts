// Account factories: credentials for users made by `createUser` (test/factories.ts), contacts, API
// tokens — real rows through the module's own services.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { refreshTokens } from '../../src/db/schema/accounts.ts';
import type { Contact } from '../../src/db/schema/contacts.ts';
import type { UserRole } from '../../src/db/schema/users.ts';
import { signAccessToken } from '../../src/http/auth.ts';
import { createApiToken } from '../../src/modules/accounts/api-tokens.service.ts';
import {
  type ContactInput,
  createContact as createContactRow,
} from '../../src/modules/accounts/contacts.service.ts';
import { hashToken, randomToken } from '../../src/modules/accounts/tokens.ts';
import type { TestApp } from '../helpers/app.ts';

/**
 * An `Authorization` header carrying a fresh access token (JWT) for the user, in a login session of
 * its own (a refresh-token row, as a login makes): access tokens are honoured only while it lives.
 */
export async function authHeader(
  t: Pick<TestApp, 'runtime'>,
  user: { id: number; role: UserRole },
): Promise<{ authorization: string }> {
  const sessionId = randomUUID();
  const now = t.runtime.clock.now();
  await t.runtime.db.insert(refreshTokens).values({
    userId: user.id,
    familyId: sessionId,
    tokenHash: hashToken(randomToken()),
    createdAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
  });
  return { authorization: `Bearer ${await signAccessToken(t.runtime, user, { sessionId })}` };
}

export interface LoggedIn {
  accessToken: string;
  refreshToken: string;
  headers: { authorization: string };
}

/** Logs in through the API with the user's password (as createUser returns it). */
export async function loginAs(
  t: TestApp,
  user: { email: string; password: string },
  headers: Record<string, string> = {},
): Promise<LoggedIn> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v2/auth/login',
    headers,
    payload: { email: user.email, password: user.password },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json();
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token,
    headers: { authorization: `Bearer ${body.access_token}` },
  };
}

export async function createContact(
  t: TestApp,
  user: { id: number },
  overrides: Partial<ContactInput> = {},
): Promise<Contact> {
  return createContactRow(t.runtime, user.id, {
    city: 'Москва',
    street: 'Тверская',
    house: '7',
    apartment: '15',
    phone: '+79161234567',
    recipientName: 'Иван Петров',
    ...overrides,
  });
}

/** An API token (`zk_…`) of the user, with its row id. */
export async function createApiTokenFor(
  t: TestApp,
  user: { id: number },
  options: { name?: string; expiresAt?: Date } = {},
): Promise<{ id: number; token: string }> {
  const created = await createApiToken(t.runtime, user.id, {
    name: options.name ?? 'test integration',
    expiresAt: options.expiresAt,
  });
  return { id: created.id, token: created.token };
}

/**
 * The token an accounts email carries, read from its link (`…?token=…&email=…`); asserts that the
 * token is also printed on its own, and that the link names the recipient.
 */
export function tokenFromEmail(mail: { text?: string }, page: 'confirm-email' | 'reset-password'): string {
  const text = mail.text ?? '';
  const link = text.match(new RegExp(`https?://\\S+/${page}\\?\\S+`))?.[0];
  expect(link, text).toBeDefined();
  const url = new URL(link!);
  const token = url.searchParams.get('token')!;
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(text).toContain(`: ${token}`);
  return token;
}
