// One good of a price list checked: money and numbers exact (never through a float), names
// normalised, characteristics typed; a good is either valid or rejected with its reasons.
import type { ParameterKind } from '../../../db/schema/catalog.ts';
import { normalizeName } from '../normalize.ts';
import {
  type GoodParameter,
  type GoodResult,
  LIMITS,
  MAX_PRICE_DIGITS,
  MAX_QUANTITY,
  type PriceListCategory,
  type PriceListIssue,
  text,
} from './price-list-types.ts';
import { ExactNumber, type PlainMap, type PlainValue } from './yaml-reader.ts';

export function isMap(value: PlainValue | undefined): value is PlainMap {
  return (
    value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof ExactNumber)
  );
}

/** Strings (trimmed) and numbers (as written) as text; anything else undefined. */
export function scalarText(value: PlainValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value instanceof ExactNumber) return value.text;
  return undefined;
}

/** A supplier's id: a string or a whole number, as written. */
export function idText(value: PlainValue | undefined): string | undefined {
  if (typeof value === 'string') return value.trim() || undefined;
  if (value instanceof ExactNumber && /^[-+]?[0-9]+$/.test(value.text)) return value.text.replace(/^\+/, '');
  return undefined;
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

export function checkGood(
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
