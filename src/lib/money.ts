// Exact money: decimal strings with two places at the edges (API, numeric(14,2) columns), BigInt minor
// units (kopecks, cents) in between. A JS number never holds an amount.
import type { Language } from '../db/schema/users.ts';

/** The largest amount a numeric(14,2) column holds, in minor units. */
export const MAX_MINOR = 99_999_999_999_999n;

const DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/** "64000.5" | "64000.50" → 6400050n. Throws on anything that is not a plain decimal. */
export function toMinor(value: string): bigint {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new Error(`not a money amount: ${JSON.stringify(value)}`);
  const [, sign, units, fraction = ''] = match;
  const minor = BigInt(units) * 100n + BigInt(fraction.padEnd(2, '0'));
  return sign ? -minor : minor;
}

/** 6400050n → "64000.50". */
export function fromMinor(minor: bigint): string {
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  const units = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${units}.${cents}`;
}

/** Normalises any decimal string to two places ("5" → "5.00"). */
export function normalizeMoney(value: string): string {
  return fromMinor(toMinor(value));
}

/** a × b / c rounded half up (away from zero for the non-negative values pricing uses). */
export function mulDivRoundHalfUp(a: bigint, b: bigint, c: bigint): bigint {
  const product = a * b;
  const quotient = product / c;
  const remainder = product % c;
  return remainder * 2n >= c ? quotient + 1n : quotient;
}

const CURRENCY_SIGNS: Record<string, string> = { RUB: '₽', USD: '$', EUR: '€' };

/** For people: "64 000,50 ₽" in Russian, "64,000.50 RUB" in English. */
export function formatMoney(value: string, currency: string, language: Language): string {
  const [units, cents] = normalizeMoney(value).split('.');
  const negative = units.startsWith('-');
  const digits = negative ? units.slice(1) : units;
  const separator = language === 'ru' ? '\u00a0' : ',';
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
  const sign = negative ? '-' : '';
  return language === 'ru'
    ? `${sign}${grouped},${cents}\u00a0${CURRENCY_SIGNS[currency] ?? currency}`
    : `${sign}${grouped}.${cents} ${currency}`;
}
