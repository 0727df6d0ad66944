// Payment test helpers: valid supplier requisites, reading a PDF back as text, a 1C bank statement.
import iconv from 'iconv-lite';
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

export interface StatementDoc {
  number: string;
  date: string;
  amount: string;
  payerInn?: string;
  payerAccount?: string;
  payerName?: string;
  payeeInn?: string;
  payeeAccount?: string;
  purpose: string;
  received?: string;
}

/** A 1C «ClientBankExchange» statement as banks export it (CRLF lines), Windows-1251 unless told. */
export function statementFile(
  docs: StatementDoc[],
  encoding: 'windows-1251' | 'utf-8' = 'windows-1251',
): Buffer {
  const lines = [
    '1CClientBankExchange',
    'ВерсияФормата=1.03',
    `Кодировка=${encoding === 'utf-8' ? 'UTF-8' : 'Windows'}`,
    'Отправитель=Бухгалтерия предприятия',
    'Получатель=',
    'ДатаСоздания=03.12.2026',
    'ДатаНачала=01.12.2026',
    'ДатаКонца=03.12.2026',
    'РасчСчет=40702810138250123017',
    'Документ=Платежное поручение',
    'СекцияРасчСчет',
    'ДатаНачала=01.12.2026',
    'РасчСчет=40702810138250123017',
    'НачальныйОстаток=0.00',
    'КонецРасчСчет',
  ];
  for (const doc of docs) {
    lines.push(
      'СекцияДокумент=Платежное поручение',
      `Номер=${doc.number}`,
      `Дата=${doc.date}`,
      `Сумма=${doc.amount}`,
      `ПлательщикСчет=${doc.payerAccount ?? '40702810900000012345'}`,
      `Плательщик=ИНН ${doc.payerInn ?? ''} ${doc.payerName ?? 'ООО «Ромашка»'}`,
      `ПлательщикИНН=${doc.payerInn ?? ''}`,
      `Плательщик1=${doc.payerName ?? 'ООО «Ромашка»'}`,
      `ПолучательСчет=${doc.payeeAccount ?? ''}`,
      `ПолучательИНН=${doc.payeeInn ?? ''}`,
      'Получатель1=ООО «Альфа Трейд»',
      ...(doc.received ? [`ДатаПоступило=${doc.received}`] : []),
      'ВидПлатежа=электронно',
      'ВидОплаты=01',
      'Очередность=5',
      `НазначениеПлатежа=${doc.purpose}`,
      'КонецДокумента',
    );
  }
  lines.push('КонецФайла');
  const text = `${lines.join('\r\n')}\r\n`;
  return encoding === 'utf-8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'win1251');
}
