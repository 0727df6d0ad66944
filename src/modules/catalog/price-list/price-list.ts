// A price list read and checked: the shop's name, its categories, and its goods one by one, each
// either valid (ready to stage) or rejected with the reasons. File-level problems (not YAML/JSON, no
// `shop`/`categories`/`goods`) throw PriceListError and nothing is applied.
//
// Money and numbers never pass through a float: YAML and JSON numbers arrive as their source text.
import type { ParameterKind } from '../../../db/schema/catalog.ts';
import type { Localized } from '../../../http/errors.ts';
import { normalizeName } from '../normalize.ts';
import {
  ExactNumber,
  type PlainMap,
  type PlainValue,
  readYamlDocument,
  YamlLimitError,
  YamlSyntaxError,
} from './yaml-reader.ts';

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
const MAX_PRICE_DIGITS = 12;
const MAX_QUANTITY = 2_147_483_647;

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

function text(ru: string, en: string): { ru: string; en: string } {
  return { ru, en };
}

/** Guesses the format: a .json name or a document starting with "{" is JSON; the rest YAML. */
export function detectFormat(content: string, fileName?: string | null): PriceListFormat {
  if (fileName && /\.json$/i.test(fileName)) return 'json';
  if (fileName && /\.ya?ml$/i.test(fileName)) return 'yaml';
  const first = content.match(/^\s*(\S)/)?.[1];
  return first === '{' ? 'json' : 'yaml';
}

export function decodeContent(bytes: Uint8Array): string {
  let content: string;
  try {
    content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PriceListError('not_utf8', text('Файл не в кодировке UTF-8', 'The file is not UTF-8 text'));
  }
  return content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
}

/** File-level bounds checked while reading (the YAML reader's own are in yaml-reader.ts). */
export interface FileLimits {
  /** Goods in the file. */
  maxGoods: number;
  /** Characteristics of one good (over LIMITS.parameters a row is rejected; over this the file). */
  maxCharacteristics: number;
}

export const DEFAULT_FILE_LIMITS: FileLimits = { maxGoods: 500_000, maxCharacteristics: 1_000 };

/** Reads a price list; throws PriceListError when the file as a whole is unusable. */
export function readPriceList(
  content: string,
  format: PriceListFormat,
  limits: FileLimits = DEFAULT_FILE_LIMITS,
): PriceList {
  if (content.trim() === '') {
    throw new PriceListError('empty_file', text('Файл пуст', 'The file is empty'));
  }
  const top = format === 'json' ? readJson(content) : readYaml(content);
  const { values } = top;
  for (const key of ['shop', 'categories', 'goods'] as const) {
    if (!(key in values) && !(key === 'goods' && top.goods)) {
      throw new PriceListError(
        `missing_${key}`,
        text(`В файле нет раздела «${key}»`, `The file has no "${key}" section`),
      );
    }
  }
  const shopName = scalarText(values.shop);
  if (!shopName) {
    throw new PriceListError(
      'invalid_shop',
      text(
        '«shop» должен быть непустой строкой — названием магазина',
        '"shop" must be a non-empty string: the shop name',
      ),
    );
  }
  if (shopName.length > LIMITS.shopName) {
    throw new PriceListError(
      'invalid_shop',
      text(
        `Название магазина длиннее ${LIMITS.shopName} символов`,
        `The shop name is longer than ${LIMITS.shopName} characters`,
      ),
    );
  }
  if (!Array.isArray(values.categories)) {
    throw new PriceListError(
      'invalid_categories',
      text('«categories» должен быть списком', '"categories" must be a list'),
    );
  }
  const issues: PriceListIssue[] = [];
  const categories = readCategories(values.categories, issues);

  let goodsCount: number;
  let items: () => Iterable<{ index: number; line?: number; read(): PlainValue }>;
  if (top.goods) {
    goodsCount = top.goods.count;
    items = top.goods.items;
  } else if (Array.isArray(values.goods)) {
    const list = values.goods;
    goodsCount = list.length;
    items = () => list.map((value, i) => ({ index: i + 1, read: () => value }));
  } else if (values.goods === null) {
    goodsCount = 0;
    items = () => [];
  } else {
    throw new PriceListError('invalid_goods', text('«goods» должен быть списком', '"goods" must be a list'));
  }
  if (goodsCount > limits.maxGoods) {
    throw new PriceListError(
      'too_many_goods',
      text(
        `В файле ${goodsCount} товаров, больше допустимых ${limits.maxGoods}`,
        `The file has ${goodsCount} goods, more than the allowed ${limits.maxGoods}`,
      ),
    );
  }

  return {
    format,
    shopName,
    categories,
    issues,
    goodsCount,
    *goods() {
      const seen = new Map<string, number>();
      for (const item of items()) {
        let value: PlainValue;
        try {
          value = item.read();
        } catch (error) {
          if (error instanceof YamlLimitError) throw new PriceListError(error.code, error.text, item.line);
          if (!(error instanceof YamlSyntaxError)) throw error;
          yield {
            ok: false,
            issues: [
              {
                row: item.index,
                line: error.line ?? item.line,
                severity: 'error',
                code: 'invalid_row',
                message: text(
                  `Ошибка синтаксиса YAML: ${error.message}`,
                  `YAML syntax error: ${error.message}`,
                ),
              },
            ],
          };
          continue;
        }
        tooManyCharacteristics(value, item.index, item.line, limits);
        yield checkGood(value, item.index, item.line, categories, seen);
      }
    },
  };
}

interface TopLevel {
  values: PlainMap;
  goods?: { count: number; items: () => Iterable<{ index: number; line: number; read(): PlainValue }> };
}

function readYaml(content: string): TopLevel {
  try {
    const doc = readYamlDocument(content, ['goods']);
    if (Object.keys(doc.values).length === 0 && doc.lists.size === 0) {
      throw new PriceListError(
        'not_a_price_list',
        text(
          'Файл не похож на прайс-лист: ожидается YAML с разделами shop, categories, goods',
          'This is not a price list: expected YAML with shop, categories and goods',
        ),
      );
    }
    return { values: doc.values, goods: doc.lists.get('goods') };
  } catch (error) {
    if (error instanceof YamlLimitError) throw new PriceListError(error.code, error.text);
    if (error instanceof YamlSyntaxError) {
      const where = error.line
        ? { ru: ` (строка ${error.line})`, en: ` (line ${error.line})` }
        : { ru: '', en: '' };
      throw new PriceListError(
        'invalid_yaml',
        text(
          `Файл не является корректным YAML${where.ru}: ${error.message}`,
          `The file is not valid YAML${where.en}: ${error.message}`,
        ),
        error.line,
      );
    }
    throw error;
  }
}

function readJson(content: string): TopLevel {
  let value: unknown;
  try {
    value = JSON.parse(content, function reviver(this: unknown, _key, raw, context?: { source?: string }) {
      if (typeof raw === 'number') return new ExactNumber(context?.source ?? String(raw));
      if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof ExactNumber)) {
        return Object.assign(Object.create(null), raw);
      }
      return raw;
    });
  } catch (error) {
    throw new PriceListError(
      'invalid_json',
      text(
        `Файл не является корректным JSON: ${(error as Error).message}`,
        `The file is not valid JSON: ${(error as Error).message}`,
      ),
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof ExactNumber) {
    throw new PriceListError(
      'not_a_price_list',
      text(
        'Ожидается объект с полями shop, categories, goods',
        'Expected an object with shop, categories and goods',
      ),
    );
  }
  return { values: value as PlainMap };
}

/** A good with more characteristics than any real one has: the file is refused, not the row. */
function tooManyCharacteristics(
  value: PlainValue,
  row: number,
  line: number | undefined,
  limits: FileLimits,
): void {
  if (!isMap(value) || !isMap(value.parameters)) return;
  let count = 0;
  for (const _ in value.parameters) {
    if (++count > limits.maxCharacteristics) {
      throw new PriceListError(
        'too_many_characteristics',
        text(
          `У товара в позиции ${row} больше ${limits.maxCharacteristics} характеристик`,
          `The good at row ${row} has more than ${limits.maxCharacteristics} characteristics`,
        ),
        line,
      );
    }
  }
}

function isMap(value: PlainValue | undefined): value is PlainMap {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

/** Strings (trimmed) and numbers (as written) as text; anything else undefined. */
function scalarText(value: PlainValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value instanceof ExactNumber) return value.text;
  return undefined;
}

/** A supplier's id: a string or a whole number, as written. */
function idText(value: PlainValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value instanceof ExactNumber && /^[-+]?[0-9]+$/.test(value.text)) return value.text.replace(/^\+/, '');
  return undefined;
}

function readCategories(list: PlainValue[], issues: PriceListIssue[]): Map<string, PriceListCategory> {
  const categories = new Map<string, PriceListCategory>();
  list.forEach((entry, index) => {
    const field = `categories[${index}]`;
    const problem = (code: string, ru: string, en: string, sub?: string) =>
      issues.push({
        row: 0,
        field: sub ? `${field}.${sub}` : field,
        severity: 'error',
        code,
        message: text(ru, en),
      });
    if (!isMap(entry)) {
      problem(
        'invalid_category',
        'категория должна быть объектом {id, name}',
        'a category must be an object {id, name}',
      );
      return;
    }
    const externalId = idText(entry.id);
    const name = scalarText(entry.name);
    if (!externalId) {
      problem(
        'invalid_category',
        'нет id категории (строка или целое число)',
        'the category has no id (a string or a whole number)',
        'id',
      );
      return;
    }
    if (externalId.length > LIMITS.externalId) {
      problem(
        'too_long',
        `id длиннее ${LIMITS.externalId} символов`,
        `id is longer than ${LIMITS.externalId} characters`,
        'id',
      );
      return;
    }
    if (!name) {
      problem('invalid_category', 'нет названия категории', 'the category has no name', 'name');
      return;
    }
    if (name.length > LIMITS.categoryName) {
      problem(
        'too_long',
        `название длиннее ${LIMITS.categoryName} символов`,
        `the name is longer than ${LIMITS.categoryName} characters`,
        'name',
      );
      return;
    }
    const existing = categories.get(externalId);
    if (existing && existing.normalizedName !== normalizeName(name)) {
      problem(
        'duplicate_category',
        `id ${externalId} уже означает категорию «${existing.name}»`,
        `id ${externalId} already names the category "${existing.name}"`,
        'id',
      );
      return;
    }
    if (!existing) categories.set(externalId, { externalId, name, normalizedName: normalizeName(name) });
  });
  return categories;
}

const PLAIN_DECIMAL = /^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

/** An amount as "12345.60", or an error message. Accepts numbers and numeric strings with a dot. */
export function parseMoney(
  value: PlainValue | undefined,
): { ok: true; value: string } | { ok: false; ru: string; en: string } {
  const raw =
    value instanceof ExactNumber ? value.text : typeof value === 'string' ? value.trim() : undefined;
  if (raw === undefined || !PLAIN_DECIMAL.test(raw)) {
    return {
      ok: false,
      ru: 'должна быть числом, например 1500 или 64000.50',
      en: 'must be a number, e.g. 1500 or 64000.50',
    };
  }
  if (raw.startsWith('-') && /[1-9]/.test(raw))
    return { ok: false, ru: 'не может быть отрицательной', en: 'must not be negative' };
  const [whole, fraction = ''] = raw.replace(/^[-+]/, '').split('.');
  const cents = fraction.replace(/0+$/, '');
  if (cents.length > 2)
    return { ok: false, ru: 'не больше двух знаков после точки', en: 'at most two decimal places' };
  const integer = whole.replace(/^0+(?=\d)/, '') || '0';
  if (integer.length > MAX_PRICE_DIGITS)
    return { ok: false, ru: 'слишком большая сумма', en: 'the amount is too large' };
  return { ok: true, value: `${integer}.${cents.padEnd(2, '0')}` };
}

function parseQuantity(
  value: PlainValue | undefined,
): { ok: true; value: number } | { ok: false; ru: string; en: string } {
  const raw =
    value instanceof ExactNumber ? value.text : typeof value === 'string' ? value.trim() : undefined;
  if (raw === undefined || !/^[-+]?[0-9]+(?:\.0*)?$/.test(raw)) {
    return { ok: false, ru: 'должно быть целым числом', en: 'must be a whole number' };
  }
  const digits = raw.replace(/^\+/, '').replace(/\.0*$/, '');
  if (digits.startsWith('-') && /[1-9]/.test(digits))
    return { ok: false, ru: 'не может быть отрицательным', en: 'must not be negative' };
  const quantity = Number(digits.replace(/^-/, ''));
  if (quantity > MAX_QUANTITY)
    return { ok: false, ru: 'слишком большое число', en: 'the number is too large' };
  return { ok: true, value: quantity };
}

/** A YAML/JSON number as JSON number text (exact), or undefined for .inf/.nan. */
const PLAIN_CANONICAL = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;

export function canonicalNumber(source: string): string | undefined {
  if (PLAIN_CANONICAL.test(source) && source !== '-0' && !source.startsWith('-0.')) return source;
  if (/^0o[0-7]+$/.test(source)) return BigInt(`0o${source.slice(2)}`).toString();
  if (/^0x[0-9a-fA-F]+$/.test(source)) return BigInt(source).toString();
  if (!/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(source)) return undefined;
  let sign = '';
  let rest = source;
  if (rest[0] === '-' || rest[0] === '+') {
    sign = rest[0] === '-' ? '-' : '';
    rest = rest.slice(1);
  }
  const [mantissa, exponent] = rest.split(/[eE]/);
  let [whole, fraction] = mantissa.split('.');
  whole = whole.replace(/^0+(?=\d)/, '') || '0';
  const body = fraction ? `${whole}.${fraction}` : whole;
  const result = `${sign}${body}${exponent !== undefined ? `e${exponent}` : ''}`;
  return /^-0(?:\.0*)?$/.test(result) ? result.slice(1) : result;
}

/** A plain decimal that fits numeric: it becomes value_number. */
const NUMERIC_VALUE = /^-?[0-9]{1,30}(?:\.[0-9]{1,30})?$/;

// Characteristic names and values repeat across goods ("Цвет", "черный"): normalise each once.
// The cache is bounded so a file of unique values cannot grow it without limit.
const normalizeCache = new Map<string, string>();
function cachedNormalize(value: string): string {
  let normalized = normalizeCache.get(value);
  if (normalized === undefined) {
    normalized = normalizeName(value);
    if (normalizeCache.size >= 50_000) normalizeCache.clear();
    normalizeCache.set(value, normalized);
  }
  return normalized;
}

// One string instance per repeated name or value: 100,000 goods × 5 characteristics share a few
// hundred distinct strings instead of holding half a million copies.
const interned = new Map<string, string>();
function intern(value: string): string {
  const known = interned.get(value);
  if (known !== undefined) return known;
  if (interned.size >= 50_000) interned.clear();
  // A copy: the value may be a slice of the whole file's text, which must not outlive the read.
  const own = value.length < 13 ? value : ` ${value}`.slice(1);
  interned.set(own, own);
  return own;
}

function checkGood(
  value: PlainValue,
  row: number,
  line: number | undefined,
  categories: Map<string, PriceListCategory>,
  seen: Map<string, number>,
): GoodResult {
  const issues: PriceListIssue[] = [];
  if (!isMap(value)) {
    return {
      ok: false,
      issues: [
        {
          row,
          line,
          severity: 'error',
          code: 'invalid_row',
          message: text(
            'Товар должен быть объектом с полями id, name, price…',
            'A good must be an object with id, name, price…',
          ),
        },
      ],
    };
  }
  const externalId = idText(value.id);
  const fail = (field: string, code: string, ru: string, en: string) =>
    issues.push({ row, line, goodId: externalId, field, severity: 'error', code, message: text(ru, en) });
  const missing = (field: string) => fail(field, 'missing_field', 'обязательное поле', 'required field');

  if (value.id === undefined || value.id === null) missing('id');
  else if (!externalId)
    fail(
      'id',
      'invalid_id',
      'id должен быть строкой или целым числом',
      'id must be a string or a whole number',
    );
  else if (externalId.length > LIMITS.externalId) {
    fail(
      'id',
      'too_long',
      `длиннее ${LIMITS.externalId} символов`,
      `longer than ${LIMITS.externalId} characters`,
    );
  } else if (seen.has(externalId)) {
    fail(
      'id',
      'duplicate_id',
      `товар с этим id уже есть в файле (позиция ${seen.get(externalId)})`,
      `a good with this id is already in the file (row ${seen.get(externalId)})`,
    );
  }

  const name = scalarText(value.name);
  if (value.name === undefined || value.name === null || (typeof value.name === 'string' && !name))
    missing('name');
  else if (!name) fail('name', 'invalid_name', 'название должно быть строкой', 'the name must be a string');
  else if (name.length > LIMITS.name)
    fail('name', 'too_long', `длиннее ${LIMITS.name} символов`, `longer than ${LIMITS.name} characters`);

  const categoryExternalId = idText(value.category);
  if (value.category === undefined || value.category === null) missing('category');
  else if (!categoryExternalId || !categories.has(categoryExternalId)) {
    const shown = scalarText(value.category) ?? '?';
    fail(
      'category',
      'unknown_category',
      `категории ${shown} нет в разделе categories`,
      `category ${shown} is not in the categories section`,
    );
  }

  let model: string | null = null;
  if (value.model !== undefined && value.model !== null) {
    const modelText = scalarText(value.model);
    if (modelText === undefined && value.model !== '')
      fail('model', 'invalid_model', 'модель должна быть строкой', 'the model must be a string');
    else if (modelText && modelText.length > LIMITS.model) {
      fail('model', 'too_long', `длиннее ${LIMITS.model} символов`, `longer than ${LIMITS.model} characters`);
    } else model = modelText ?? null;
  }

  let price = '';
  if (value.price === undefined || value.price === null) missing('price');
  else {
    const parsed = parseMoney(value.price);
    if (parsed.ok) price = parsed.value;
    else fail('price', 'invalid_price', `цена ${parsed.ru}`, `the price ${parsed.en}`);
  }
  let priceRrc = price;
  if (value.price_rrc !== undefined && value.price_rrc !== null) {
    const parsed = parseMoney(value.price_rrc);
    if (parsed.ok) priceRrc = parsed.value;
    else
      fail(
        'price_rrc',
        'invalid_price',
        `рекомендованная цена ${parsed.ru}`,
        `the recommended price ${parsed.en}`,
      );
  }

  let quantity = 0;
  if (value.quantity === undefined || value.quantity === null) missing('quantity');
  else {
    const parsed = parseQuantity(value.quantity);
    if (parsed.ok) quantity = parsed.value;
    else fail('quantity', 'invalid_quantity', `количество ${parsed.ru}`, `the quantity ${parsed.en}`);
  }

  const parameters: GoodParameter[] = [];
  if (value.parameters !== undefined && value.parameters !== null) {
    if (!isMap(value.parameters)) {
      fail(
        'parameters',
        'invalid_parameter',
        'характеристики должны быть словарём «название: значение»',
        'parameters must be a mapping "name: value"',
      );
    } else {
      const names = new Set<string>();
      const entries = Object.entries(value.parameters);
      if (entries.length > LIMITS.parameters) {
        fail(
          'parameters',
          'too_long',
          `больше ${LIMITS.parameters} характеристик`,
          `more than ${LIMITS.parameters} parameters`,
        );
      }
      for (const [rawName, raw] of entries.slice(0, LIMITS.parameters)) {
        const field = `parameters.${rawName}`;
        const paramName = rawName.trim();
        const normalized = cachedNormalize(paramName);
        if (!paramName) {
          fail(field, 'invalid_parameter', 'пустое название характеристики', 'empty parameter name');
          continue;
        }
        if (paramName.length > LIMITS.parameterName) {
          fail(
            field,
            'too_long',
            `название длиннее ${LIMITS.parameterName} символов`,
            `the name is longer than ${LIMITS.parameterName} characters`,
          );
          continue;
        }
        if (names.has(normalized)) {
          fail(field, 'invalid_parameter', 'характеристика указана дважды', 'the parameter is given twice');
          continue;
        }
        names.add(normalized);
        let kind: ParameterKind;
        let valueText: string;
        if (typeof raw === 'boolean') {
          kind = 'boolean';
          valueText = String(raw);
        } else if (raw instanceof ExactNumber && canonicalNumber(raw.text) !== undefined) {
          kind = 'number';
          valueText = canonicalNumber(raw.text)!;
        } else if (typeof raw === 'string' || raw instanceof ExactNumber) {
          kind = 'text';
          valueText = typeof raw === 'string' ? raw.trim() : raw.text;
        } else {
          fail(
            field,
            'invalid_parameter',
            'значение должно быть строкой, числом или да/нет',
            'the value must be a string, a number or a boolean',
          );
          continue;
        }
        if (valueText.length > LIMITS.parameterValue) {
          fail(
            field,
            'too_long',
            `значение длиннее ${LIMITS.parameterValue} символов`,
            `the value is longer than ${LIMITS.parameterValue} characters`,
          );
          continue;
        }
        parameters.push({
          name: intern(paramName),
          normalizedName: normalized,
          kind,
          value: intern(valueText),
          valueKey: cachedNormalize(valueText),
          valueNumber: NUMERIC_VALUE.test(valueText) ? valueText : null,
        });
      }
    }
  }

  if (externalId && !seen.has(externalId)) seen.set(externalId, row);
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    good: {
      row,
      line,
      externalId: externalId!,
      categoryExternalId: categoryExternalId!,
      model,
      name: name!,
      normalizedName: normalizeName(name!),
      price,
      priceRrc,
      quantity,
      parameters,
    },
  };
}

/** The localized text of a PriceListError, for problem documents. */
export function priceListErrorText(error: PriceListError): Localized {
  return error.text;
}
