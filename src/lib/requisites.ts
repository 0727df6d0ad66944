// Russian company and bank requisites with their official check digits (Federal Tax Service for
// INN and OGRN, Bank of Russia regulation 385-P for account numbers). Each check returns the
// problem with the value as a localized message, or undefined when the value is valid.
import type { Localized } from '../http/errors.ts';

function digits(value: string): number[] {
  return [...value].map(Number);
}

function weightedMod11(values: number[], weights: number[]): number {
  const sum = weights.reduce((total, weight, i) => total + weight * values[i], 0);
  return (sum % 11) % 10;
}

const INN10_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_11 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
const INN12_WEIGHTS_12 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

/** INN: 10 digits (organisations) or 12 (individuals and sole proprietors), with check digits. */
export function innProblem(inn: string): Localized | undefined {
  if (!/^\d{10}$|^\d{12}$/.test(inn)) {
    return { ru: 'ИНН должен состоять из 10 или 12 цифр', en: 'INN must be 10 or 12 digits' };
  }
  const d = digits(inn);
  const valid =
    inn.length === 10
      ? weightedMod11(d, INN10_WEIGHTS) === d[9]
      : weightedMod11(d, INN12_WEIGHTS_11) === d[10] && weightedMod11(d, INN12_WEIGHTS_12) === d[11];
  if (!valid) {
    return { ru: 'Неверное контрольное число ИНН', en: 'The INN check digit is wrong' };
  }
  return undefined;
}

/** KPP: 9 characters, the 5th and 6th may be Latin capitals (since 2019); it has no check digit. */
export function kppProblem(kpp: string): Localized | undefined {
  if (!/^\d{4}[\dA-Z]{2}\d{3}$/.test(kpp)) {
    return {
      ru: 'КПП должен состоять из 9 знаков: 4 цифры, 2 цифры или заглавные латинские буквы, 3 цифры',
      en: 'KPP must be 9 characters: 4 digits, 2 digits or capital Latin letters, 3 digits',
    };
  }
  return undefined;
}

/**
 * OGRN (13 digits, organisations): the 13th digit is the first 12 as a number mod 11, mod 10.
 * OGRNIP (15 digits, sole proprietors): the 15th is the first 14 mod 13, mod 10.
 */
export function ogrnProblem(ogrn: string): Localized | undefined {
  if (!/^\d{13}$|^\d{15}$/.test(ogrn)) {
    return {
      ru: 'ОГРН должен состоять из 13 цифр (ОГРНИП — из 15)',
      en: 'OGRN must be 13 digits (OGRNIP: 15)',
    };
  }
  const body = BigInt(ogrn.slice(0, -1));
  const modulus = ogrn.length === 13 ? 11n : 13n;
  if (Number((body % modulus) % 10n) !== Number(ogrn.at(-1))) {
    return { ru: 'Неверное контрольное число ОГРН', en: 'The OGRN check digit is wrong' };
  }
  return undefined;
}

/** BIK: 9 digits (banks' start with 04, the Treasury's with 00 or 02). No check digit. */
export function bikProblem(bik: string): Localized | undefined {
  if (!/^\d{9}$/.test(bik)) {
    return { ru: 'БИК должен состоять из 9 цифр', en: 'BIK must be 9 digits' };
  }
  return undefined;
}

const ACCOUNT_WEIGHTS = [7, 1, 3];

/** The 385-P key: over the 3 key digits and the 20 account digits, Σ (digit × 7,1,3,…) mod 10 = 0. */
function accountKeyValid(key: string, account: string): boolean {
  const d = digits(key + account);
  const sum = d.reduce((total, digit, i) => total + ((digit * ACCOUNT_WEIGHTS[i % 3]) % 10), 0);
  return sum % 10 === 0;
}

/** Settlement account: 20 digits, keyed with the last 3 digits of the bank's BIK. */
export function settlementAccountProblem(
  account: string,
  bik: string | null | undefined,
): Localized | undefined {
  if (!/^\d{20}$/.test(account)) {
    return { ru: 'Расчётный счёт должен состоять из 20 цифр', en: 'Settlement account must be 20 digits' };
  }
  if (!bik || bikProblem(bik)) {
    return {
      ru: 'Укажите БИК банка: расчётный счёт проверяется вместе с ним',
      en: "Give the bank's BIK: the settlement account is checked against it",
    };
  }
  if (!accountKeyValid(bik.slice(-3), account)) {
    return {
      ru: 'Расчётный счёт не соответствует БИК банка (неверный контрольный ключ)',
      en: "The settlement account does not match the bank's BIK (wrong check key)",
    };
  }
  return undefined;
}

/**
 * Correspondent account: 20 digits (301… at a bank, ending with the BIK's last 3 digits; the
 * Treasury's single account 40102… at a Treasury office), keyed with "0" and the 5th–6th BIK digits.
 */
export function correspondentAccountProblem(
  account: string,
  bik: string | null | undefined,
): Localized | undefined {
  if (!/^\d{20}$/.test(account)) {
    return {
      ru: 'Корреспондентский счёт должен состоять из 20 цифр',
      en: 'Correspondent account must be 20 digits',
    };
  }
  if (!bik || bikProblem(bik)) {
    return {
      ru: 'Укажите БИК банка: корреспондентский счёт проверяется вместе с ним',
      en: "Give the bank's BIK: the correspondent account is checked against it",
    };
  }
  // A bank's correspondent account at the Bank of Russia ends with the bank's own BIK digits.
  const bankMismatch = account.startsWith('301') && account.slice(-3) !== bik.slice(-3);
  if (bankMismatch || !accountKeyValid(`0${bik.slice(4, 6)}`, account)) {
    return {
      ru: 'Корреспондентский счёт не соответствует БИК банка (неверный контрольный ключ)',
      en: "The correspondent account does not match the bank's BIK (wrong check key)",
    };
  }
  return undefined;
}

/** A set of requisites to check together (each field optional; empty ones are not checked). */
export interface RequisitesToCheck {
  inn?: string | null;
  kpp?: string | null;
  ogrn?: string | null;
  bankBik?: string | null;
  settlementAccount?: string | null;
  correspondentAccount?: string | null;
}

/**
 * Every problem of a set of requisites, each field's own and those between fields: a KPP only with
 * a 10-digit INN, OGRN (13) with a 10-digit INN and OGRNIP (15) with a 12-digit one, accounts keyed
 * with the BIK.
 */
export function requisitesProblems(
  details: RequisitesToCheck,
): { field: keyof RequisitesToCheck; message: Localized }[] {
  const problems: { field: keyof RequisitesToCheck; message: Localized }[] = [];
  const add = (field: keyof RequisitesToCheck, message: Localized | undefined) => {
    if (message) problems.push({ field, message });
  };
  const { inn, kpp, ogrn, bankBik, settlementAccount, correspondentAccount } = details;
  if (inn) add('inn', innProblem(inn));
  if (kpp) {
    add(
      'kpp',
      kppProblem(kpp) ??
        (inn?.length === 12
          ? {
              ru: 'КПП бывает только у организаций (ИНН из 10 цифр)',
              en: 'Only organisations (10-digit INN) have a KPP',
            }
          : undefined),
    );
  }
  if (ogrn) {
    const mismatch =
      inn && !innProblem(inn) && (inn.length === 10) !== (ogrn.length === 13)
        ? {
            ru: 'ОГРН (13 цифр) — для организаций с ИНН из 10 цифр, ОГРНИП (15 цифр) — для ИП с ИНН из 12',
            en: 'OGRN (13 digits) goes with a 10-digit INN, OGRNIP (15 digits) with a 12-digit INN',
          }
        : undefined;
    add('ogrn', ogrnProblem(ogrn) ?? mismatch);
  }
  if (bankBik) add('bankBik', bikProblem(bankBik));
  if (settlementAccount) add('settlementAccount', settlementAccountProblem(settlementAccount, bankBik));
  if (correspondentAccount)
    add('correspondentAccount', correspondentAccountProblem(correspondentAccount, bankBik));
  return problems;
}
