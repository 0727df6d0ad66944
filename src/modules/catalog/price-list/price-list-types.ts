// The price list's types, limits and file-level error, shared by the reader and the goods check.
import type { ParameterKind } from '../../../db/schema/catalog.ts';

export type PriceListFormat = 'yaml' | 'json';

export const LIMITS = {
  shopName: 200,
  externalId: 100,
  categoryName: 200,
  name: 500,
  model: 200,
  parameterName: 200,
  parameterValue: 1000,
  parameters: 100,
} as const;

/** The largest amount numeric(14,2) holds. */
export const MAX_PRICE_DIGITS = 12;
export const MAX_QUANTITY = 2_147_483_647;

export class PriceListError extends Error {
  readonly code: string;
  readonly text: { ru: string; en: string };
  readonly line: number | undefined;
  constructor(code: string, text: { ru: string; en: string }, line?: number) {
    super(text.en);
    this.name = 'PriceListError';
    this.code = code;
    this.text = text;
    this.line = line;
  }
}

export interface PriceListIssue {
  /** 1-based position in `goods`; 0 for the file itself, its `shop` or `categories`. */
  row: number;
  line?: number;
  goodId?: string;
  field?: string;
  severity: 'error' | 'warning';
  code: string;
  message: { ru: string; en: string };
}

export interface GoodParameter {
  name: string;
  normalizedName: string;
  kind: ParameterKind;
  /** The value as text: strings as written, numbers canonical ("6.5"), booleans "true"/"false". */
  value: string;
  valueKey: string;
  /** The value as a plain decimal when it is one (numeric filters and ordering). */
  valueNumber: string | null;
}

export interface ValidGood {
  row: number;
  line?: number;
  externalId: string;
  categoryExternalId: string;
  model: string | null;
  name: string;
  normalizedName: string;
  /** Decimal strings with two places. */
  price: string;
  priceRrc: string;
  quantity: number;
  parameters: GoodParameter[];
}

export type GoodResult = { ok: true; good: ValidGood } | { ok: false; issues: PriceListIssue[] };

export interface PriceListCategory {
  externalId: string;
  name: string;
  normalizedName: string;
}

export interface PriceList {
  format: PriceListFormat;
  shopName: string;
  categories: Map<string, PriceListCategory>;
  /** Problems with `categories` entries (those entries are skipped). */
  issues: PriceListIssue[];
  goodsCount: number;
  /** Reads, checks and yields each good in file order (duplicates of an earlier id are rejected). */
  goods(): Generator<GoodResult>;
}

export function text(ru: string, en: string): { ru: string; en: string } {
  return { ru, en };
}
