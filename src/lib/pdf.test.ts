import { describe, expect, it } from 'vitest';
import { pdfText } from '../../test/factories/payments.ts';
import { renderPdf } from './pdf.ts';

// The fonts' decoded tables are shared between documents (src/lib/pdf.ts); what fontkit learns while
// laying out one document must not leak into the text layer of the next.
const ALPHABET =
  'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ-.,№«»₽';

function words(seed: number, count: number): string {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 2 + (next() % 9) }, () => ALPHABET[next() % ALPHABET.length]).join(''),
  ).join(' ');
}

describe('renderPdf', () => {
  it('keeps each document’s text exact when documents share the parsed font', async () => {
    const texts = Array.from({ length: 8 }, (_, index) => words(index + 1, 30));
    const render = (text: string, index: number) =>
      renderPdf({
        content: [
          { text, bold: index % 2 === 0 },
          { table: { body: [[text.slice(0, 40), { text: text.slice(40), italics: true }]] } },
        ],
      });
    // One after another, then all at once: every document must read back as written.
    const pdfs: Buffer[] = [];
    for (const [index, text] of texts.entries()) pdfs.push(await render(text, index));
    pdfs.push(...(await Promise.all(texts.map((text, index) => render(text, index + 1)))));
    for (const [index, pdf] of pdfs.entries()) {
      const text = texts[index % texts.length];
      const read = await pdfText(pdf);
      for (const word of text.split(' ')) expect(read).toContain(word);
    }
  }, 60_000);
});
