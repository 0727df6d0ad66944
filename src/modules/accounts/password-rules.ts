// The password rules of the reference (Django's default validators): at least 8 characters, not
// entirely numeric, not a common password, not too similar to the email or the names. Every broken
// rule gives its own message, so a form can show them all at once.
import fs from 'node:fs';
import type { FieldError, Localized } from '../../http/errors.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
/** Django's UserAttributeSimilarityValidator default. */
const MAX_SIMILARITY = 0.7;

let common: Set<string> | undefined;

/** The shipped list (≈30,000 entries, lower-case), read once on first use. */
export function commonPasswords(): Set<string> {
  if (!common) {
    const text = fs.readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8');
    common = new Set(text.split('\n').filter(Boolean));
  }
  return common;
}

export interface PasswordOwner {
  email?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}

const ATTRIBUTES: { key: keyof PasswordOwner; name: { ru: string; en: string } }[] = [
  { key: 'email', name: { ru: 'адрес электронной почты', en: 'email address' } },
  { key: 'firstName', name: { ru: 'имя', en: 'first name' } },
  { key: 'lastName', name: { ru: 'фамилию', en: 'last name' } },
];

/** Every rule the password breaks, as messages; empty when it is acceptable. */
export function passwordProblems(password: string, owner: PasswordOwner = {}): Localized[] {
  const problems: Localized[] = [];
  if ([...password].length < PASSWORD_MIN_LENGTH) {
    problems.push({
      ru: `Пароль слишком короткий: нужно не меньше ${PASSWORD_MIN_LENGTH} символов.`,
      en: `This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`,
    });
  }
  if (/^\p{Nd}+$/u.test(password)) {
    problems.push({
      ru: 'Пароль не может состоять только из цифр.',
      en: 'This password is entirely numeric.',
    });
  }
  if (commonPasswords().has(password.trim().toLowerCase())) {
    problems.push({
      ru: 'Этот пароль слишком распространён.',
      en: 'This password is too common.',
    });
  }
  const similar = similarAttribute(password, owner);
  if (similar) {
    problems.push({
      ru: `Пароль слишком похож на ${similar.ru}.`,
      en: `The password is too similar to the ${similar.en}.`,
    });
  }
  return problems;
}

/** Field errors for `field`, or nothing. */
export function passwordFieldErrors(
  field: string,
  password: string,
  owner: PasswordOwner = {},
): FieldError[] {
  return passwordProblems(password, owner).map((message) => ({ field, message }));
}

function similarAttribute(password: string, owner: PasswordOwner): { ru: string; en: string } | undefined {
  const lower = password.toLowerCase();
  for (const { key, name } of ATTRIBUTES) {
    const value = owner[key]?.toLowerCase().trim();
    if (!value) continue;
    // The whole value and its word-like parts: "ivan.petrov@mail.ru" → ivan, petrov, mail, ru.
    const parts = [...value.split(/[^\p{L}\p{N}_]+/u).filter(Boolean), value];
    for (const part of parts) {
      // A short part cannot make a much longer password similar (Django's length-ratio guard).
      if (lower.length >= 10 * part.length && part.length < (MAX_SIMILARITY / 2) * lower.length) continue;
      if (similarity(lower, part) >= MAX_SIMILARITY) return name;
    }
  }
  return undefined;
}

/**
 * Ratcliff/Obershelp similarity, as Python's difflib.SequenceMatcher.ratio(): twice the number of
 * characters in matching blocks over the total length. The longest common block is taken first,
 * then the parts on either side of it, recursively.
 */
export function similarity(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  if (x.length + y.length === 0) return 1;
  let matched = 0;
  const pending: [number, number, number, number][] = [[0, x.length, 0, y.length]];
  while (pending.length) {
    const [alo, ahi, blo, bhi] = pending.pop()!;
    const [i, j, size] = longestMatch(x, y, alo, ahi, blo, bhi);
    if (size === 0) continue;
    matched += size;
    if (alo < i && blo < j) pending.push([alo, i, blo, j]);
    if (i + size < ahi && j + size < bhi) pending.push([i + size, ahi, j + size, bhi]);
  }
  return (2 * matched) / (x.length + y.length);
}

/** The longest common run of x[alo:ahi] and y[blo:bhi]; ties go to the earliest in x, then in y. */
function longestMatch(
  x: string[],
  y: string[],
  alo: number,
  ahi: number,
  blo: number,
  bhi: number,
): [number, number, number] {
  let best: [number, number, number] = [alo, blo, 0];
  // lengths[j] = length of the common run ending at x[i-1], y[j-1] (one row of the DP table).
  let previous = new Array<number>(bhi - blo + 1).fill(0);
  for (let i = alo; i < ahi; i += 1) {
    const current = new Array<number>(bhi - blo + 1).fill(0);
    for (let j = blo; j < bhi; j += 1) {
      if (x[i] !== y[j]) continue;
      const length = previous[j - blo] + 1;
      current[j - blo + 1] = length;
      if (length > best[2]) best = [i - length + 1, j - length + 1, length];
    }
    previous = current;
  }
  return best;
}
