// Small rules every accounts service applies the same way.
import type { FieldError } from '../../http/errors.ts';

/** Emails are kept trimmed and lower-cased, so uniqueness is case-insensitive. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

// Deliberately simple: one @, a dot in the domain, no spaces. The confirmation email is the real test.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function emailFieldError(field: string, email: string): FieldError | undefined {
  if (EMAIL.test(email) && email.length <= 254) return undefined;
  return { field, message: { ru: 'Неверный адрес электронной почты', en: 'Invalid email address' } };
}

/**
 * Phone numbers are kept as digits with an optional leading +, e.g. "+79161234567"; people type
 * spaces, dashes, dots and brackets. Undefined when it is not 10–15 digits.
 */
export function normalizePhone(raw: string): string | undefined {
  const compact = raw.trim().replace(/[\s\-().]/g, '');
  return /^\+?\d{10,15}$/.test(compact) ? compact : undefined;
}

export function phoneFieldError(field: string): FieldError {
  return {
    field,
    message: {
      ru: 'Неверный номер телефона: нужно 10–15 цифр, например +7 916 123-45-67',
      en: 'Invalid phone number: 10–15 digits, e.g. +7 916 123-45-67',
    },
  };
}

/** The key of a login throttle counter for an account (whether or not it exists). */
export function loginAccountKey(email: string): string {
  return `login:account:${email}`;
}

export function loginIpKey(ip: string): string {
  return `login:ip:${ip}`;
}

export function emailIpKey(ip: string): string {
  return `email:ip:${ip}`;
}
