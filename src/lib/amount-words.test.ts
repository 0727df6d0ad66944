import { describe, expect, it } from 'vitest';
import { numberInWords, rublesInWords } from './amount-words.ts';

describe('amounts in Russian words', () => {
  it('says rubles and kopecks with the right forms', () => {
    expect(rublesInWords('1200.00')).toBe('одна тысяча двести рублей 00 копеек');
    expect(rublesInWords('1.01')).toBe('один рубль 01 копейка');
    expect(rublesInWords('22.50')).toBe('двадцать два рубля 50 копеек');
    expect(rublesInWords('0.03')).toBe('ноль рублей 03 копейки');
    expect(rublesInWords('111.11')).toBe('сто одиннадцать рублей 11 копеек');
    expect(rublesInWords('2002.21')).toBe('две тысячи два рубля 21 копейка');
    expect(rublesInWords('1000000.00')).toBe('один миллион рублей 00 копеек');
    expect(rublesInWords('5214312.99')).toBe(
      'пять миллионов двести четырнадцать тысяч триста двенадцать рублей 99 копеек',
    );
  });

  it('agrees thousands in gender and number', () => {
    expect(numberInWords(21_000n)).toBe('двадцать одна тысяча');
    expect(numberInWords(14_000n)).toBe('четырнадцать тысяч');
    expect(numberInWords(3_001_000_000n)).toBe('три миллиарда один миллион');
  });
});
