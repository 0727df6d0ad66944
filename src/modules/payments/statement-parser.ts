// The 1C «ClientBankExchange» format Russian banks export statements in: a `1CClientBankExchange`
// first line, `key=value` header lines, `СекцияРасчСчет … КонецРасчСчет` account blocks,
// `СекцияДокумент=<kind> … КонецДокумента` documents and a closing `КонецФайла`. Windows-1251 (the
// format's `Кодировка=Windows`) or UTF-8. Pure: bytes in, documents out, or an error naming the line.
import iconv from 'iconv-lite';
import { AppError, type Localized } from '../../http/errors.ts';
import { normalizeMoney } from '../../lib/money.ts';

export interface StatementDocument {
  /** The line of its `СекцияДокумент`. */
  line: number;
  kind: string;
  number: string;
  /** DD.MM.YYYY as written. */
  date: string;
  /** Two-place decimal. */
  amount: string;
  payerInn: string;
  payerAccount: string;
  payerName: string;
  payeeInn: string;
  payeeAccount: string;
  payeeName: string;
  purpose: string;
  /** When the money arrived (`ДатаПоступило`), else the document's date. */
  receivedAt: Date;
}

export interface ParsedStatement {
  encoding: 'utf-8' | 'windows-1251';
  /** The accounts of `РасчСчет` lines and blocks. */
  accounts: string[];
  documents: StatementDocument[];
}

function invalid(line: number, message: Localized): AppError {
  const text = typeof message === 'string' ? { ru: message, en: message } : message;
  return new AppError(422, 'statement_invalid', {
    detail: { ru: `Строка ${line}: ${text.ru}`, en: `Line ${line}: ${text.en}` },
    extra: { line },
  });
}

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else Windows-1251. */
export function decodeStatement(bytes: Buffer): { text: string; encoding: ParsedStatement['encoding'] } {
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(body), encoding: 'utf-8' };
  } catch {
    return { text: iconv.decode(body, 'win1251'), encoding: 'windows-1251' };
  }
}

const DATE = /^(\d{2})\.(\d{2})\.(\d{4})$/;

function parseDate(value: string, line: number, key: string): Date {
  const match = DATE.exec(value);
  const date = match ? new Date(Date.UTC(Number(match[3]), Number(match[2]) - 1, Number(match[1]))) : null;
  if (
    !match ||
    !date ||
    date.getUTCDate() !== Number(match[1]) ||
    date.getUTCMonth() !== Number(match[2]) - 1
  ) {
    throw invalid(line, {
      ru: `${key}: дата должна быть в виде ДД.ММ.ГГГГ, а не «${value}»`,
      en: `${key}: a date must read DD.MM.YYYY, not "${value}"`,
    });
  }
  return date;
}

function parseAmount(value: string, line: number): string {
  const plain = value.replace(/\s/g, '').replace(',', '.');
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(plain) || Number(plain) === 0) {
    throw invalid(line, {
      ru: `Сумма: нужна положительная сумма вида 1200.00, а не «${value}»`,
      en: `Сумма: expected a positive amount like 1200.00, not "${value}"`,
    });
  }
  return normalizeMoney(plain);
}

interface OpenDocument {
  line: number;
  kind: string;
  fields: Map<string, { value: string; line: number }>;
}

function finishDocument(open: OpenDocument): StatementDocument {
  const get = (key: string) => open.fields.get(key)?.value.trim() ?? '';
  const required = (key: string) => {
    const field = open.fields.get(key);
    if (!field || field.value.trim() === '') {
      throw invalid(open.line, {
        ru: `в документе нет поля ${key}`,
        en: `the document has no ${key}`,
      });
    }
    return field;
  };
  const number = required('Номер').value.trim();
  const dateField = required('Дата');
  const date = dateField.value.trim();
  const documentDate = parseDate(date, dateField.line, 'Дата');
  const amountField = required('Сумма');
  const received = open.fields.get('ДатаПоступило');
  const receivedAt =
    received && received.value.trim() !== ''
      ? parseDate(received.value.trim(), received.line, 'ДатаПоступило')
      : documentDate;
  return {
    line: open.line,
    kind: open.kind,
    number,
    date,
    amount: parseAmount(amountField.value.trim(), amountField.line),
    payerInn: get('ПлательщикИНН'),
    payerAccount: get('ПлательщикСчет') || get('ПлательщикРасчСчет'),
    payerName: get('Плательщик1') || get('Плательщик'),
    payeeInn: get('ПолучательИНН'),
    payeeAccount: get('ПолучательСчет') || get('ПолучательРасчСчет'),
    payeeName: get('Получатель1') || get('Получатель'),
    purpose: [get('НазначениеПлатежа'), get('НазначениеПлатежа1'), get('НазначениеПлатежа2')]
      .filter(Boolean)
      .join(' '),
    receivedAt,
  };
}

/** At most this many documents in one upload. */
export const MAX_DOCUMENTS = 10_000;

export function parseStatement(bytes: Buffer): ParsedStatement {
  const { text, encoding } = decodeStatement(bytes);
  const lines = text.split(/\r\n|\n|\r/);
  let first = 0;
  while (first < lines.length && lines[first].trim() === '') first += 1;
  if (lines[first]?.trim() !== '1CClientBankExchange') {
    throw invalid(first + 1, {
      ru: 'это не файл обмена с банком 1С: первая строка должна быть 1CClientBankExchange',
      en: 'not a 1C bank exchange file: the first line must be 1CClientBankExchange',
    });
  }
  const accounts: string[] = [];
  const documents: StatementDocument[] = [];
  let document: OpenDocument | null = null;
  let inAccount = false;
  let ended = false;
  for (let index = first + 1; index < lines.length; index += 1) {
    const lineNo = index + 1;
    const raw = lines[index].trim();
    if (raw === '') continue;
    if (ended) {
      throw invalid(lineNo, { ru: 'текст после КонецФайла', en: 'text after КонецФайла' });
    }
    const eq = raw.indexOf('=');
    const key = eq === -1 ? raw : raw.slice(0, eq).trim();
    const value = eq === -1 ? '' : raw.slice(eq + 1);
    if (key === 'СекцияДокумент') {
      if (document) {
        throw invalid(lineNo, {
          ru: `новый документ, а документ со строки ${document.line} не закрыт строкой КонецДокумента`,
          en: `a new document while the one of line ${document.line} has no КонецДокумента`,
        });
      }
      if (inAccount)
        throw invalid(lineNo, {
          ru: 'документ внутри СекцияРасчСчет',
          en: 'a document inside СекцияРасчСчет',
        });
      document = { line: lineNo, kind: value.trim(), fields: new Map() };
      if (documents.length >= MAX_DOCUMENTS) {
        throw invalid(lineNo, {
          ru: `больше ${MAX_DOCUMENTS} документов в одном файле`,
          en: `more than ${MAX_DOCUMENTS} documents in one file`,
        });
      }
      continue;
    }
    if (key === 'КонецДокумента' && eq === -1) {
      if (!document)
        throw invalid(lineNo, {
          ru: 'КонецДокумента без СекцияДокумент',
          en: 'КонецДокумента without СекцияДокумент',
        });
      documents.push(finishDocument(document));
      document = null;
      continue;
    }
    if (key === 'СекцияРасчСчет' && eq === -1) {
      if (document)
        throw invalid(lineNo, {
          ru: 'СекцияРасчСчет внутри документа',
          en: 'СекцияРасчСчет inside a document',
        });
      inAccount = true;
      continue;
    }
    if (key === 'КонецРасчСчет' && eq === -1) {
      if (!inAccount)
        throw invalid(lineNo, {
          ru: 'КонецРасчСчет без СекцияРасчСчет',
          en: 'КонецРасчСчет without СекцияРасчСчет',
        });
      inAccount = false;
      continue;
    }
    if (key === 'КонецФайла' && eq === -1) {
      if (document) {
        throw invalid(lineNo, {
          ru: `конец файла, а документ со строки ${document.line} не закрыт строкой КонецДокумента`,
          en: `end of file while the document of line ${document.line} has no КонецДокумента`,
        });
      }
      ended = true;
      continue;
    }
    if (eq <= 0) {
      throw invalid(lineNo, {
        ru: `ожидалась строка вида Ключ=Значение, а не «${raw.slice(0, 80)}»`,
        en: `expected a Key=Value line, not "${raw.slice(0, 80)}"`,
      });
    }
    if (document) document.fields.set(key, { value, line: lineNo });
    else if (key === 'РасчСчет' && value.trim()) accounts.push(value.trim());
  }
  if (!ended) {
    const at = document ? document.line : lines.length;
    throw invalid(at, {
      ru: document
        ? `файл оборвался: документ со строки ${document.line} не закрыт, нет КонецФайла`
        : 'файл оборвался: нет строки КонецФайла',
      en: document
        ? `the file breaks off: the document of line ${document.line} is not closed, no КонецФайла`
        : 'the file breaks off: no КонецФайла line',
    });
  }
  return { encoding, accounts: [...new Set(accounts)], documents };
}

/** Invoice numbers (`YYYY-NNNNN`) named in a payment purpose, normalised: «счёт 2026-17» → 2026-00017. */
export function invoiceNumbersIn(purpose: string): string[] {
  const found = new Set<string>();
  for (const match of purpose.matchAll(/(?<!\d)(20\d{2})\s*[-–—/]\s*(\d{1,6})(?!\d)/g)) {
    found.add(`${match[1]}-${match[2].padStart(5, '0')}`);
  }
  return [...found];
}
