// Coupon codes: how typed codes are normalised, and how unguessable ones are made.
import { randomBytes } from 'node:crypto';

/** Latin letters, digits, `-` and `_`: no Cyrillic look-alikes for buyers to mistype. */
const CODE = /^[A-Z0-9_-]{3,64}$/;

/** Trimmed and upper-cased: codes are unique and matched regardless of case. */
export function normalizeCode(typed: string): string {
  return typed.trim().toUpperCase();
}

export function isValidCode(code: string): boolean {
  return CODE.test(code);
}

// Crockford's base32: no I, L, O, U, so codes read aloud or retyped survive.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 12 symbols × 5 bits = 60 random bits: guessing one of a million codes takes ~10¹² tries. */
const RANDOM_SYMBOLS = 12;

/** A fresh code from the system's cryptographic random source, e.g. `APR-7K2M-Q9XD-40HF`. */
export function generateCode(prefix = ''): string {
  const bytes = randomBytes(RANDOM_SYMBOLS);
  let body = '';
  for (let i = 0; i < RANDOM_SYMBOLS; i += 1) {
    // 256 is a multiple of 32: the low five bits are uniform.
    body += ALPHABET[bytes[i] & 31];
    if (i % 4 === 3 && i < RANDOM_SYMBOLS - 1) body += '-';
  }
  return prefix ? `${prefix.toUpperCase()}-${body}` : body;
}
