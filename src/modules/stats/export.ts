// Spreadsheet exports of a sales report, streamed: one row per bucket (and group), then the period's
// totals and the previous period's. CSV is written for Russian Excel: UTF-8 with a BOM (Cyrillic
// opens right), `;` between fields and a decimal comma (a comma is the decimal separator there); text
// that a spreadsheet would run as a formula gets a leading apostrophe. XLSX is a real workbook
// (exceljs' streaming writer): dates are date cells, counts and amounts number cells.
import { PassThrough, type Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Language } from '../../db/schema/users.ts';
import { fromMinor } from '../../lib/money.ts';
import { type Figures, revenueOf } from './figures.ts';
import type { GroupBy } from './names.ts';
import type { SalesReport } from './sales.service.ts';

type Cell =
  | { kind: 'date'; value: string }
  | { kind: 'text'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'money'; minor: bigint | null };

interface Headers {
  [column: string]: string | Record<GroupBy, string>;
  group: Record<GroupBy, string>;
}

const HEADERS: Record<Language, Headers> = {
  ru: {
    period: 'Период',
    start: 'Начало',
    end: 'Конец',
    group_id: 'Код',
    group: { shop: 'Поставщик', category: 'Категория', product: 'Товар', buyer: 'Покупатель' },
    orders: 'Заказы',
    lines: 'Строки',
    units: 'Штук',
    gross: 'Выручка до скидок',
    discounts: 'Скидки',
    revenue: 'Выручка',
    average: 'Средний заказ',
    cancelled_orders: 'Отменённые заказы',
    cancelled_amount: 'Сумма отмен',
    current: 'Текущий',
    total: 'Итого',
    previous: 'Предыдущий период',
  },
  en: {
    period: 'Period',
    start: 'Start',
    end: 'End',
    group_id: 'Id',
    group: { shop: 'Supplier', category: 'Category', product: 'Product', buyer: 'Buyer' },
    orders: 'Orders',
    lines: 'Lines',
    units: 'Units',
    gross: 'Revenue before discounts',
    discounts: 'Discounts',
    revenue: 'Revenue',
    average: 'Average order',
    cancelled_orders: 'Cancelled orders',
    cancelled_amount: 'Cancelled amount',
    current: 'Current',
    total: 'Total',
    previous: 'Previous period',
  },
};

function figureCells(f: Figures): Cell[] {
  const revenue = revenueOf(f);
  return [
    { kind: 'int', value: f.orders },
    { kind: 'int', value: f.lines },
    { kind: 'int', value: f.units },
    { kind: 'money', minor: f.gross },
    { kind: 'money', minor: f.lineDiscount + f.orderDiscount },
    { kind: 'money', minor: revenue },
    {
      kind: 'money',
      minor: f.orders > 0 ? (revenue * 2n + BigInt(f.orders)) / (2n * BigInt(f.orders)) : null,
    },
    { kind: 'int', value: f.cancelledOrders },
    { kind: 'money', minor: f.cancelledAmount },
  ];
}

function table(report: SalesReport, language: Language): { header: string[]; rows: Cell[][] } {
  const h = HEADERS[language] as Headers & Record<string, string>;
  const groupBy = report.query.groupBy;
  const header = [
    h.period,
    h.start,
    h.end,
    ...(groupBy ? [h.group_id, h.group[groupBy]] : []),
    h.orders,
    h.lines,
    h.units,
    h.gross,
    h.discounts,
    h.revenue,
    h.average,
    h.cancelled_orders,
    h.cancelled_amount,
  ];
  const text = (value: string): Cell => ({ kind: 'text', value });
  const date = (value: string): Cell => ({ kind: 'date', value });
  const rows: Cell[][] = [];
  report.buckets.forEach((bucket, i) => {
    if (groupBy) {
      for (const group of report.groups) {
        rows.push([
          text(h.current),
          date(bucket.start),
          date(bucket.end),
          { kind: 'int', value: group.id },
          text(group.name ?? ''),
          ...figureCells(group.series[i]),
        ]);
      }
    } else {
      rows.push([text(h.current), date(bucket.start), date(bucket.end), ...figureCells(report.series[i])]);
    }
  });
  const q = report.query;
  const prev = report.previous;
  if (groupBy) {
    for (const group of report.groups) {
      const id: Cell = { kind: 'int', value: group.id };
      rows.push([
        text(h.total),
        date(q.from),
        date(q.to),
        id,
        text(group.name ?? ''),
        ...figureCells(group.totals),
      ]);
      rows.push([
        text(h.previous),
        date(prev.from),
        date(prev.to),
        id,
        text(group.name ?? ''),
        ...figureCells(group.previous),
      ]);
    }
  }
  const blank: Cell[] = groupBy ? [text(''), text('')] : [];
  rows.push([text(h.total), date(q.from), date(q.to), ...blank, ...figureCells(report.totals)]);
  rows.push([text(h.previous), date(prev.from), date(prev.to), ...blank, ...figureCells(prev.totals)]);
  return { header, rows };
}

const FORMULA_START = /^[=+\-@\t\r]/;

function csvText(cell: Cell): string {
  switch (cell.kind) {
    case 'date':
      return cell.value;
    case 'int':
      return String(cell.value);
    case 'money':
      return cell.minor === null ? '' : fromMinor(cell.minor).replace('.', ',');
    case 'text':
      return FORMULA_START.test(cell.value) ? `'${cell.value}` : cell.value;
  }
}

export function salesCsv(report: SalesReport, language: Language): Readable {
  const { header, rows } = table(report, language);
  const out = stringify({ delimiter: ';', bom: true, record_delimiter: 'windows' });
  out.write(header);
  for (const row of rows) out.write(row.map(csvText));
  out.end();
  return out;
}

function xlsxValue(cell: Cell): Date | number | string | null {
  switch (cell.kind) {
    case 'date':
      return new Date(`${cell.value}T00:00:00Z`);
    case 'int':
      return cell.value;
    // A spreadsheet number is a double: exact for any amount below 2^53 kopecks.
    case 'money':
      return cell.minor === null ? null : Number(cell.minor) / 100;
    case 'text':
      return cell.value;
  }
}

/** The report as an XLSX stream; exceljs is loaded on the first export, not at start-up. */
export async function salesXlsx(report: SalesReport, language: Language): Promise<Readable> {
  const { default: ExcelJS } = await import('exceljs');
  const { header, rows } = table(report, language);
  const stream = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(language === 'ru' ? 'Продажи' : 'Sales');
  sheet.columns = header.map((name) => ({ header: name, width: Math.max(12, name.length + 2) }));
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  for (const cells of rows) {
    const row = sheet.addRow(cells.map(xlsxValue));
    cells.forEach((cell, index) => {
      if (cell.kind === 'date') row.getCell(index + 1).numFmt = 'dd.mm.yyyy';
      if (cell.kind === 'money') row.getCell(index + 1).numFmt = '#,##0.00';
    });
    row.commit();
  }
  sheet.commit();
  workbook.commit().catch((error: unknown) => stream.destroy(error as Error));
  return stream;
}

/** The attachment's file name: what, for which period. */
export function exportFileName(report: SalesReport, extension: 'csv' | 'xlsx'): string {
  const q = report.query;
  return `sales-${q.from}-${q.to}-${q.interval}${q.groupBy ? `-by-${q.groupBy}` : ''}.${extension}`;
}
