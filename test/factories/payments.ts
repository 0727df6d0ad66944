// Payment test helpers: valid supplier requisites, reading a PDF back as text, a 1C bank statement.
import { PDFParse } from 'pdf-parse';

/** Requisites with correct check digits (INN, OGRN, accounts keyed with the BIK). */
export const ALPHA_BILLING = {
  legal_name: 'ООО «Альфа Трейд»',
  inn: '7707083893',
  kpp: '773601001',
  ogrn: '1027700132195',
  bank_bik: '044525225',
  settlement_account: '40702810138250123017',
  correspondent_account: '30101810400000000225',
  bank_name: 'ПАО Сбербанк, г. Москва',
  address: '117312, г. Москва, ул. Вавилова, д. 19',
};

/** The text of a PDF, every run of white space (line breaks, no-break spaces) as one space. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) });
  try {
    const result = await parser.getText();
    return result.text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}
