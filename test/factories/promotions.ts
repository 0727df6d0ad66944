// Promotion and coupon factories: rows inserted directly, as staff would have left them.
import { randomBytes } from 'node:crypto';
import { type Coupon, coupons, type Promotion, promotions } from '../../src/db/schema/promotions.ts';
import type { Runtime } from '../../src/runtime.ts';

const DAY = 86_400_000;

export async function createPromotionRow(
  runtime: Runtime,
  overrides: Partial<typeof promotions.$inferInsert> = {},
): Promise<Promotion> {
  const now = runtime.clock.now();
  const [row] = await runtime.db
    .insert(promotions)
    .values({
      name: `Акция ${randomBytes(3).toString('hex')}`,
      startsAt: new Date(now.getTime() - DAY),
      endsAt: new Date(now.getTime() + 30 * DAY),
      appliesToAll: true,
      discountKind: 'percent',
      discountValue: '10.00',
      ...overrides,
    })
    .returning();
  return row;
}

export function couponCode(prefix = 'TEST'): string {
  return `${prefix}-${randomBytes(4).toString('hex').toUpperCase()}`;
}

export async function createCouponRow(
  runtime: Runtime,
  overrides: Partial<typeof coupons.$inferInsert> = {},
): Promise<Coupon> {
  const now = runtime.clock.now();
  const [row] = await runtime.db
    .insert(coupons)
    .values({
      code: couponCode(),
      discountKind: 'percent',
      discountValue: '10.00',
      startsAt: new Date(now.getTime() - DAY),
      endsAt: new Date(now.getTime() + 30 * DAY),
      ...overrides,
    })
    .returning();
  return row;
}
