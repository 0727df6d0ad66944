import { describe, expect, it } from 'vitest';
import {
  bikProblem,
  correspondentAccountProblem,
  innProblem,
  kppProblem,
  ogrnProblem,
  settlementAccountProblem,
} from './requisites.ts';

/** Change one digit (the check digit when `at` is the last position) to the next one. */
function flip(value: string, at = value.length - 1): string {
  return value.slice(0, at) + String((Number(value[at]) + 1) % 10) + value.slice(at + 1);
}

describe('INN', () => {
  it.each([
    ['7707083893', 'Sberbank'],
    ['7736207543', 'Yandex'],
    ['7710140679', 'T-Bank (Tinkoff)'],
    ['500100732259', 'a 12-digit individual INN'],
  ])('accepts %s (%s)', (inn) => {
    expect(innProblem(inn)).toBeUndefined();
  });

  it('refuses a wrong check digit, in both lengths and both check positions', () => {
    expect(innProblem(flip('7707083893'))).toMatchObject({ en: 'The INN check digit is wrong' });
    expect(innProblem(flip('500100732259'))).toMatchObject({ en: 'The INN check digit is wrong' });
    expect(innProblem(flip('500100732259', 10))).toMatchObject({ en: 'The INN check digit is wrong' });
  });

  it('refuses other lengths and non-digits', () => {
    for (const bad of ['770708389', '77070838931', '7707O83893', '']) {
      expect(innProblem(bad)).toMatchObject({ en: 'INN must be 10 or 12 digits' });
    }
  });
});

describe('OGRN and OGRNIP', () => {
  it.each([
    ['1027700132195', 'Sberbank'],
    ['1027700229193', 'Yandex'],
    ['1027739642281', 'T-Bank (Tinkoff)'],
    ['304500116000157', 'an OGRNIP'],
  ])('accepts %s (%s)', (ogrn) => {
    expect(ogrnProblem(ogrn)).toBeUndefined();
  });

  it('refuses a wrong check digit and wrong lengths', () => {
    expect(ogrnProblem(flip('1027700132195'))).toMatchObject({ en: 'The OGRN check digit is wrong' });
    expect(ogrnProblem(flip('304500116000157'))).toMatchObject({ en: 'The OGRN check digit is wrong' });
    expect(ogrnProblem('10277001321')).toMatchObject({ en: 'OGRN must be 13 digits (OGRNIP: 15)' });
  });
});

describe('KPP and BIK', () => {
  it('accepts real KPPs, including letters in the 5th–6th places', () => {
    expect(kppProblem('773601001')).toBeUndefined();
    expect(kppProblem('7736AB001')).toBeUndefined();
    expect(kppProblem('77360100')).toBeDefined();
    expect(kppProblem('77AB01001')).toBeDefined();
  });

  it('accepts 9-digit BIKs only', () => {
    expect(bikProblem('044525225')).toBeUndefined();
    expect(bikProblem('004525988')).toBeUndefined();
    expect(bikProblem('04452522')).toMatchObject({ en: 'BIK must be 9 digits' });
  });
});

describe('bank accounts keyed with the BIK', () => {
  it.each([
    ['30101810400000000225', '044525225', 'Sberbank'],
    ['30101810145250000974', '044525974', 'T-Bank'],
    ['30101810200000000593', '044525593', 'Alfa-Bank'],
    ['30101810700000000187', '044525187', 'VTB'],
    ['40102810545370000003', '004525988', 'the Treasury single account at UFK Moscow'],
  ])('accepts correspondent account %s with BIK %s (%s)', (account, bik) => {
    expect(correspondentAccountProblem(account, bik)).toBeUndefined();
  });

  it('refuses a correspondent account of another bank, or with a changed digit', () => {
    expect(correspondentAccountProblem('30101810400000000225', '044525974')).toMatchObject({
      en: "The correspondent account does not match the bank's BIK (wrong check key)",
    });
    // Sberbank's Moscow account with its St Petersburg BIK: another region, another key.
    expect(correspondentAccountProblem('30101810400000000225', '044030653')).toBeDefined();
    expect(correspondentAccountProblem('30101810500000000653', '044030653')).toBeUndefined();
    expect(correspondentAccountProblem(flip('30101810400000000225', 8), '044525225')).toBeDefined();
    expect(correspondentAccountProblem('3010181040000000022', '044525225')).toMatchObject({
      en: 'Correspondent account must be 20 digits',
    });
  });

  it('checks a settlement account against the last 3 BIK digits', () => {
    expect(settlementAccountProblem('40702810138250123017', '044525225')).toBeUndefined();
    // The same account at another bank: the key no longer matches.
    expect(settlementAccountProblem('40702810138250123017', '044525974')).toMatchObject({
      en: "The settlement account does not match the bank's BIK (wrong check key)",
    });
    // Every single-digit change of the key digit is caught.
    for (let digit = 1; digit <= 9; digit += 1) {
      const changed = `40702810${(1 + digit) % 10}38250123017`;
      expect(settlementAccountProblem(changed, '044525225')).toBeDefined();
    }
  });

  it('needs a valid BIK to check an account', () => {
    expect(settlementAccountProblem('40702810138250123017', null)).toMatchObject({
      en: "Give the bank's BIK: the settlement account is checked against it",
    });
    expect(settlementAccountProblem('4070281013825012301', '044525225')).toMatchObject({
      en: 'Settlement account must be 20 digits',
    });
  });
});
