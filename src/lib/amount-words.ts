// An amount in Russian words, as invoices and payment orders print it: «одна тысяча двести рублей
// 00 копеек». Units agree in gender (одна тысяча, два рубля, две копейки) and number (1, 2–4, 5+).
import { toMinor } from './money.ts';

const ONES_MASCULINE = ['', 'один', 'два', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const ONES_FEMININE = ['', 'одна', 'две', 'три', 'четыре', 'пять', 'шесть', 'семь', 'восемь', 'девять'];
const TEENS = [
  'десять',
  'одиннадцать',
  'двенадцать',
  'тринадцать',
  'четырнадцать',
  'пятнадцать',
  'шестнадцать',
  'семнадцать',
  'восемнадцать',
  'девятнадцать',
];
const TENS = [
  '',
  '',
  'двадцать',
  'тридцать',
  'сорок',
  'пятьдесят',
  'шестьдесят',
  'семьдесят',
  'восемьдесят',
  'девяносто',
];
const HUNDREDS = [
  '',
  'сто',
  'двести',
  'триста',
  'четыреста',
  'пятьсот',
  'шестьсот',
  'семьсот',
  'восемьсот',
  'девятьсот',
];

type Forms = [one: string, few: string, many: string];

/** The form of a noun after a number: 1 рубль, 2 рубля, 5 рублей, 11 рублей, 21 рубль. */
export function plural(n: bigint, forms: Forms): string {
  const lastTwo = Number(n % 100n);
  const last = lastTwo % 10;
  if (lastTwo >= 11 && lastTwo <= 14) return forms[2];
  if (last === 1) return forms[0];
  if (last >= 2 && last <= 4) return forms[1];
  return forms[2];
}

function triad(n: number, feminine: boolean): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds) words.push(HUNDREDS[hundreds]);
  if (rest >= 10 && rest < 20) words.push(TEENS[rest - 10]);
  else {
    if (rest >= 20) words.push(TENS[Math.floor(rest / 10)]);
    if (rest % 10) words.push((feminine ? ONES_FEMININE : ONES_MASCULINE)[rest % 10]);
  }
  return words;
}

const SCALES: { forms: Forms; feminine: boolean }[] = [
  { forms: ['', '', ''], feminine: false },
  { forms: ['тысяча', 'тысячи', 'тысяч'], feminine: true },
  { forms: ['миллион', 'миллиона', 'миллионов'], feminine: false },
  { forms: ['миллиард', 'миллиарда', 'миллиардов'], feminine: false },
  { forms: ['триллион', 'триллиона', 'триллионов'], feminine: false },
];

/** A whole number in words; `feminine` for the units (одна копейка, две тысячи). */
export function numberInWords(value: bigint, feminine = false): string {
  if (value === 0n) return 'ноль';
  const words: string[] = [];
  let rest = value;
  const groups: number[] = [];
  while (rest > 0n) {
    groups.push(Number(rest % 1000n));
    rest /= 1000n;
  }
  for (let i = groups.length - 1; i >= 0; i -= 1) {
    const group = groups[i];
    if (group === 0) continue;
    const scale = SCALES[i];
    words.push(...triad(group, i === 0 ? feminine : scale.feminine));
    if (i > 0) words.push(plural(BigInt(group), scale.forms));
  }
  return words.join(' ');
}

const RUBLES: Forms = ['рубль', 'рубля', 'рублей'];
const KOPECKS: Forms = ['копейка', 'копейки', 'копеек'];

/** "1200.00" → «одна тысяча двести рублей 00 копеек». */
export function rublesInWords(amount: string): string {
  const minor = toMinor(amount);
  if (minor < 0n) throw new Error('a negative amount has no words');
  const rubles = minor / 100n;
  const kopecks = minor % 100n;
  return `${numberInWords(rubles)} ${plural(rubles, RUBLES)} ${String(kopecks).padStart(2, '0')} ${plural(kopecks, KOPECKS)}`;
}
