// Order factories: buyers with a delivery address, suppliers with a shop, baskets and orders made
// through the HTTP API exactly as a client would.
import { expect } from 'vitest';
import type { Shop } from '../../src/db/schema/catalog.ts';
import { type Contact, contacts } from '../../src/db/schema/contacts.ts';
import type { User } from '../../src/db/schema/users.ts';
import { createUser, type UserOverrides } from '../factories.ts';
import type { TestApp } from '../helpers/app.ts';
import { authHeader } from './accounts.ts';
import { createShop, type ShopOverrides } from './catalog.ts';

export interface Actor {
  user: User & { password: string };
  headers: { authorization: string };
}

export interface Buyer extends Actor {
  contact: Contact;
}

export interface Supplier extends Actor {
  shop: Shop;
}

/** A delivery address with a phone, inserted as the contacts API would store it. */
export async function createDeliveryContact(
  t: TestApp,
  userId: number,
  overrides: Partial<typeof contacts.$inferInsert> = {},
): Promise<Contact> {
  const [contact] = await t.runtime.db
    .insert(contacts)
    .values({
      userId,
      city: 'Москва',
      street: 'Тверская',
      house: '7',
      apartment: '15',
      phone: '+79161234567',
      recipientName: 'Иван Петров',
      ...overrides,
    })
    .returning();
  return contact;
}

export async function createBuyer(t: TestApp, overrides: UserOverrides = {}): Promise<Buyer> {
  const user = await createUser(t.runtime, { role: 'buyer', ...overrides });
  const contact = await createDeliveryContact(t, user.id);
  return { user, contact, headers: await authHeader(t, user) };
}

export async function createSupplier(
  t: TestApp,
  overrides: { user?: UserOverrides; shop?: Omit<ShopOverrides, 'ownerId'> } = {},
): Promise<Supplier> {
  const user = await createUser(t.runtime, { role: 'supplier', company: 'ООО Поставщик', ...overrides.user });
  const shop = await createShop(t.runtime, { ownerId: user.id, ...overrides.shop });
  return { user, shop, headers: await authHeader(t, user) };
}

export async function createStaff(t: TestApp): Promise<Actor> {
  const user = await createUser(t.runtime, { role: 'staff' });
  return { user, headers: await authHeader(t, user) };
}

/** Puts an offer into the buyer's basket; fails the test unless it is accepted. */
export async function addToBasket(t: TestApp, buyer: Actor, offerId: number, quantity = 1) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v2/basket/items',
    headers: buyer.headers,
    payload: { offer_id: offerId, quantity },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

export async function checkoutRequest(
  t: TestApp,
  buyer: Buyer,
  body: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v2/orders',
    headers: { ...buyer.headers, ...headers },
    payload: { contact_id: buyer.contact.id, ...body },
  });
}

/** Fills the basket with the given offers and checks out; answers the order as the API shows it. */
export async function placeOrder(
  t: TestApp,
  buyer: Buyer,
  lines: { offerId: number; quantity?: number }[],
  body: Record<string, unknown> = {},
) {
  for (const line of lines) await addToBasket(t, buyer, line.offerId, line.quantity ?? 1);
  const res = await checkoutRequest(t, buyer, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
