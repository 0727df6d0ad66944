import { describe, expect, it } from 'vitest';
import { commonPasswords, passwordProblems, similarity } from './password-rules.ts';

const english = (password: string, owner = {}) =>
  passwordProblems(password, owner).map((p) => (p as { en: string }).en);

describe('the common passwords list', () => {
  it('holds at least 10,000 lower-case entries, the well-known ones among them', () => {
    const list = commonPasswords();
    expect(list.size).toBeGreaterThanOrEqual(10_000);
    for (const known of [
      '123456',
      'password',
      'qwerty',
      '12345678',
      '111111',
      'iloveyou',
      'qwerty123',
      '1q2w3e4r',
      'йцукен',
      'gfhjkm',
      'пароль',
      'natasha1985',
    ]) {
      expect(list.has(known), known).toBe(true);
    }
    expect([...list].every((p) => p === p.toLowerCase())).toBe(true);
  });
});

describe('password rules', () => {
  it('accepts a decent password', () => {
    expect(
      passwordProblems('Kor0vka-Zakupka-2026', { email: 'ivan@romashka.ru', firstName: 'Иван' }),
    ).toEqual([]);
  });

  it('reports each broken rule separately', () => {
    expect(english('1234567')).toEqual([
      'This password is too short. It must contain at least 8 characters.',
      'This password is entirely numeric.',
      'This password is too common.',
    ]);
    expect(english('73920184')).toEqual(['This password is entirely numeric.']);
  });

  it('compares with the common list case-insensitively', () => {
    expect(english('QWERTY123')).toEqual(['This password is too common.']);
    expect(english('Password1')).toEqual(['This password is too common.']);
    expect(english('Gfhjkm123')).toEqual(['This password is too common.']);
  });

  it('refuses passwords too similar to the email or names', () => {
    expect(english('ivan.petrov', { email: 'ivan.petrov@romashka.ru' })).toEqual([
      'The password is too similar to the email address.',
    ]);
    expect(english('Petrovsky1', { lastName: 'Petrovsky' })).toEqual([
      'The password is too similar to the last name.',
    ]);
    expect(passwordProblems('Alexandra88', { firstName: 'Alexandra' })[0]).toMatchObject({
      ru: 'Пароль слишком похож на имя.',
    });
    // Unrelated to the names: fine.
    expect(
      english('Sklad-Polka-77', { email: 'ivan.petrov@romashka.ru', firstName: 'Ivan', lastName: 'Petrov' }),
    ).toEqual([]);
  });

  it('computes similarity as difflib does', () => {
    expect(similarity('abcd', 'bcde')).toBeCloseTo(0.75);
    expect(similarity('qwerty', 'qwerty')).toBe(1);
    expect(similarity('abc', 'xyz')).toBe(0);
    expect(similarity('ivanpetrov', 'ivan.petrov@romashka.ru')).toBeCloseTo((2 * 10) / 33);
  });
});
