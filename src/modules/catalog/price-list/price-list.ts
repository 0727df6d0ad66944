import type { Localized } from '../../../http/errors.ts';
import { normalizeName } from '../normalize.ts';
import { checkGood, idText, isMap, scalarText } from './good-check.ts';
import {
  LIMITS,
  type PriceList,
  type PriceListCategory,
  PriceListError,
  type PriceListFormat,
  type PriceListIssue,
  text,
} from './price-list-types.ts';
import {
  ExactNumber,
  type PlainMap,
  type PlainValue,
  readYamlDocument,
  YamlLimitError,
  YamlSyntaxError,
} from './yaml-reader.ts';

export { canonicalNumber, parseMoney } from './good-check.ts';
export * from './price-list-types.ts';

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

/** The localized text of a PriceListError, for problem documents. */
export function priceListErrorText(error: PriceListError): Localized {
  return error.text;
}
