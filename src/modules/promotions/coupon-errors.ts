// The errors a buyer's coupon can meet (attaching it to the basket, at checkout, when its use is
// recorded), with stable codes and the coupon's code in the problem document.
import type { Coupon } from '../../db/schema/promotions.ts';
import { AppError, conflict } from '../../http/errors.ts';
import { fromMinor, toMinor } from '../../lib/money.ts';

export function couponNotFound(code: string): AppError {
  return new AppError(422, 'coupon_not_found', {
    detail: { ru: `Купон «${code}» не найден`, en: `Coupon "${code}" not found` },
    extra: { coupon_code: code },
  });
}

export function couponExpired(coupon: Coupon, now: Date): AppError {
  const notYet = now < coupon.startsAt;
  const at = (notYet ? coupon.startsAt : coupon.endsAt!).toISOString();
  return conflict(
    'coupon_expired',
    notYet
      ? { ru: `Купон ${coupon.code} действует с ${at}`, en: `Coupon ${coupon.code} is valid from ${at}` }
      : { ru: `Срок действия купона ${coupon.code} истёк`, en: `Coupon ${coupon.code} has expired` },
    { coupon_code: coupon.code, ...(notYet ? { starts_at: at } : { ends_at: at }) },
  );
}

export function couponUsedUp(coupon: Coupon): AppError {
  return conflict(
    'coupon_used_up',
    { ru: `Купон ${coupon.code} уже израсходован`, en: `Coupon ${coupon.code} has been used up` },
    { coupon_code: coupon.code },
  );
}

export function couponAlreadyUsedByYou(coupon: Coupon): AppError {
  return conflict(
    'coupon_already_used_by_you',
    {
      ru: `Вы уже использовали купон ${coupon.code}`,
      en: `You have already used coupon ${coupon.code}`,
    },
    { coupon_code: coupon.code, per_buyer_limit: coupon.perBuyerLimit },
  );
}

export function couponMinAmount(coupon: Coupon, subtotal: bigint): AppError {
  const minimum = fromMinor(toMinor(coupon.minOrderAmount ?? '0'));
  return conflict(
    'coupon_min_amount',
    {
      ru: `Купон ${coupon.code} действует от суммы заказа ${minimum}`,
      en: `Coupon ${coupon.code} needs an order of at least ${minimum}`,
    },
    { coupon_code: coupon.code, min_order_amount: minimum, subtotal: fromMinor(subtotal) },
  );
}
