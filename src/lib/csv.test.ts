import { describe, expect, it } from 'vitest';
import { csvCell, csvDocument } from './csv.ts';

describe('csv', () => {
  it('quotes what RFC 4180 needs quoted and doubles quotes', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell('')).toBe('');
  });

  it('keeps formulas from running: =, +, -, @, tab and CR lead to a text cell', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
  });

  it('leaves plain numbers, negative ones too, as numbers', () => {
    expect(csvCell('-5.50')).toBe('-5.50');
    expect(csvCell('100')).toBe('100');
    expect(csvCell('12.5%')).toBe('12.5%');
  });

  it('writes CRLF lines, with a BOM when asked', () => {
    expect(
      csvDocument([
        ['a', 'b'],
        ['1', 'x,y'],
      ]),
    ).toBe('a,b\r\n1,"x,y"\r\n');
    expect(csvDocument([['Цвет']], { bom: true })).toBe('\ufeffЦвет\r\n');
    expect(csvDocument([])).toBe('');
  });
});
