// The demo's wholesale catalog: what a retail chain's purchaser buys every day from distributors —
// groceries, household chemicals and goods, hygiene, small electronics and appliances — with real
// brands, pack sizes, order units (a piece, a case, a kilogram) and wholesale prices in roubles.
// Each demo supplier offers a slice of these goods that overlaps its neighbours', so one product has
// several offers at different prices. Deterministic: the same arguments give the same bytes.
// (The benchmarks keep their own generator, generate.ts: their datasets must not change.)

/** [category, name with pack size, brand, order unit, units per case, wholesale price per unit in roubles] */
type Good = [category: string, name: string, brand: string, unit: string, perCase: number, price: number];

const GOODS: Good[] = [
  ['Бакалея', 'Сахар-песок, 1 кг', 'Русский сахар', 'шт', 10, 74.9],
  ['Бакалея', 'Рис круглозёрный, 900 г', 'Мистраль', 'шт', 12, 112.5],
  ['Бакалея', 'Гречка ядрица, 800 г', 'Увелка', 'шт', 12, 96.4],
  ['Бакалея', 'Макароны спагетти, 450 г', 'Barilla', 'шт', 24, 139.0],
  ['Бакалея', 'Макароны рожки, 400 г', 'Макфа', 'шт', 20, 58.7],
  ['Бакалея', 'Мука пшеничная высший сорт, 2 кг', 'Макфа', 'шт', 6, 118.3],
  ['Бакалея', 'Масло подсолнечное рафинированное, 1 л', 'Золотая семечка', 'шт', 15, 129.9],
  ['Бакалея', 'Соль поваренная йодированная, 1 кг', 'Илецкая', 'шт', 20, 24.6],
  ['Бакалея', 'Овсяные хлопья, 500 г', 'Геркулес', 'шт', 16, 64.2],
  ['Бакалея', 'Чай чёрный в пакетиках, 100 шт', 'Greenfield', 'шт', 12, 289.0],
  ['Бакалея', 'Кофе растворимый, 190 г', 'Nescafé Gold', 'шт', 12, 512.0],
  ['Бакалея', 'Кофе в зёрнах, 1 кг', 'Lavazza', 'шт', 6, 1549.0],
  ['Молочная продукция', 'Молоко 3,2 %, 930 мл', 'Простоквашино', 'шт', 12, 84.5],
  ['Молочная продукция', 'Кефир 2,5 %, 900 г', 'Домик в деревне', 'шт', 12, 89.9],
  ['Молочная продукция', 'Сметана 20 %, 300 г', 'Простоквашино', 'шт', 12, 99.0],
  ['Молочная продукция', 'Масло сливочное 82,5 %, 180 г', 'Экомилк', 'шт', 20, 189.0],
  ['Молочная продукция', 'Сыр Российский, весовой', 'Радость вкуса', 'кг', 5, 689.0],
  ['Молочная продукция', 'Творог 9 %, 300 г', 'Савушкин', 'шт', 12, 119.0],
  ['Напитки', 'Вода питьевая негазированная, 1,5 л', 'Святой источник', 'шт', 6, 39.9],
  ['Напитки', 'Вода минеральная газированная, 0,5 л', 'Ессентуки № 17', 'шт', 12, 72.0],
  ['Напитки', 'Сок яблочный, 1 л', 'Добрый', 'шт', 12, 109.0],
  ['Напитки', 'Нектар апельсиновый, 1 л', 'Rich', 'шт', 12, 139.0],
  ['Напитки', 'Напиток газированный, 1 л', 'Черноголовка Лимонад', 'шт', 12, 74.0],
  ['Напитки', 'Морс клюквенный, 1 л', 'Фруктовый сад', 'шт', 12, 98.5],
  ['Кондитерские изделия', 'Шоколад молочный, 90 г', 'Alpen Gold', 'шт', 20, 79.9],
  ['Кондитерские изделия', 'Шоколад горький 70 %, 100 г', 'Бабаевский', 'шт', 17, 124.0],
  ['Кондитерские изделия', 'Печенье сахарное, 400 г', 'Юбилейное', 'шт', 12, 109.0],
  ['Кондитерские изделия', 'Конфеты «Мишка косолапый», весовые', 'Красный Октябрь', 'кг', 3, 1290.0],
  ['Кондитерские изделия', 'Вафли, 200 г', 'Яшкино', 'шт', 24, 59.9],
  ['Кондитерские изделия', 'Зефир ванильный, 250 г', 'Шармэль', 'шт', 12, 119.0],
  ['Консервы', 'Горошек зелёный, 400 г', 'Bonduelle', 'шт', 12, 104.0],
  ['Консервы', 'Кукуруза сладкая, 340 г', 'Bonduelle', 'шт', 12, 112.0],
  ['Консервы', 'Тушёнка говяжья, 338 г', 'Главпродукт', 'шт', 12, 289.0],
  ['Консервы', 'Сайра натуральная, 250 г', 'Доброфлот', 'шт', 48, 169.0],
  ['Консервы', 'Томатная паста, 270 г', 'Помидорка', 'шт', 24, 79.0],
  ['Бытовая химия', 'Средство для мытья посуды, 900 мл', 'Fairy', 'шт', 12, 219.0],
  ['Бытовая химия', 'Стиральный порошок автомат, 3 кг', 'Tide', 'шт', 4, 689.0],
  ['Бытовая химия', 'Гель для стирки, 1,95 л', 'Persil', 'шт', 6, 749.0],
  ['Бытовая химия', 'Кондиционер для белья, 1,8 л', 'Lenor', 'шт', 6, 389.0],
  ['Бытовая химия', 'Чистящее средство для сантехники, 750 мл', 'Domestos', 'шт', 12, 229.0],
  ['Бытовая химия', 'Средство для мытья стёкол, 500 мл', 'Mr. Proper', 'шт', 12, 179.0],
  ['Бытовая химия', 'Таблетки для посудомоечной машины, 60 шт', 'Finish', 'шт', 6, 1129.0],
  ['Гигиена', 'Туалетная бумага двухслойная, 8 рулонов', 'Zewa', 'упак', 6, 259.0],
  ['Гигиена', 'Бумажные полотенца, 2 рулона', 'Zewa', 'упак', 12, 149.0],
  ['Гигиена', 'Мыло туалетное, 90 г', 'Dove', 'шт', 48, 69.9],
  ['Гигиена', 'Шампунь, 400 мл', 'Head & Shoulders', 'шт', 6, 449.0],
  ['Гигиена', 'Зубная паста, 100 мл', 'Colgate', 'шт', 24, 139.0],
  ['Гигиена', 'Зубная щётка средней жёсткости', 'Oral-B', 'шт', 12, 119.0],
  ['Гигиена', 'Влажные салфетки, 72 шт', 'Pampers', 'упак', 12, 229.0],
  ['Гигиена', 'Подгузники 4 (9–14 кг), 60 шт', 'Huggies', 'упак', 2, 1490.0],
  ['Товары для дома', 'Мешки для мусора 60 л, 20 шт', 'Paclan', 'рулон', 30, 89.0],
  ['Товары для дома', 'Губки для посуды, 5 шт', 'Vileda', 'упак', 24, 99.0],
  ['Товары для дома', 'Фольга алюминиевая, 10 м', 'Фрекен Бок', 'рулон', 24, 129.0],
  ['Товары для дома', 'Плёнка пищевая, 20 м', 'Фрекен Бок', 'рулон', 24, 109.0],
  ['Товары для дома', 'Свечи хозяйственные, 4 шт', 'Интерьер', 'упак', 30, 119.0],
  ['Товары для дома', 'Перчатки латексные хозяйственные, размер M', 'Paclan', 'пара', 12, 79.0],
  ['Электротовары', 'Батарейки AA алкалиновые, 4 шт', 'Duracell', 'упак', 12, 349.0],
  ['Электротовары', 'Батарейки AAA алкалиновые, 4 шт', 'GP', 'упак', 10, 219.0],
  ['Электротовары', 'Лампа светодиодная E27, 10 Вт, тёплый свет', 'Philips', 'шт', 12, 149.0],
  ['Электротовары', 'Лампа светодиодная E14, 7 Вт, свеча', 'Osram', 'шт', 12, 139.0],
  ['Электротовары', 'Удлинитель 3 розетки, 3 м', 'Defender', 'шт', 10, 489.0],
  ['Электротовары', 'Фонарик светодиодный ручной', 'Camelion', 'шт', 12, 299.0],
  ['Электроника', 'Зарядное устройство USB-C, 20 Вт', 'Xiaomi', 'шт', 20, 790.0],
  ['Электроника', 'Кабель USB-C — USB-C, 1 м', 'Baseus', 'шт', 50, 390.0],
  ['Электроника', 'Наушники беспроводные TWS', 'JBL Tune Buds', 'шт', 10, 4990.0],
  ['Электроника', 'Наушники проводные с микрофоном', 'Sony MDR-EX15AP', 'шт', 20, 790.0],
  ['Электроника', 'Карта памяти microSDXC, 64 ГБ', 'SanDisk Ultra', 'шт', 20, 690.0],
  ['Электроника', 'Флешка USB 3.2, 64 ГБ', 'Kingston DataTraveler', 'шт', 20, 590.0],
  ['Электроника', 'Внешний аккумулятор, 10 000 мА·ч', 'Xiaomi Redmi', 'шт', 10, 1490.0],
  ['Электроника', 'Смартфон 6,7", 128 ГБ', 'Samsung Galaxy A25', 'шт', 5, 19990.0],
  ['Электроника', 'Смартфон 6,7", 256 ГБ', 'Xiaomi Redmi Note 13', 'шт', 5, 21990.0],
  ['Электроника', 'Умная колонка с Алисой', 'Яндекс Станция Лайт', 'шт', 4, 4990.0],
  ['Бытовая техника', 'Чайник электрический, 1,7 л', 'Polaris', 'шт', 6, 1890.0],
  ['Бытовая техника', 'Утюг с паровым ударом, 2400 Вт', 'Philips', 'шт', 4, 3490.0],
  ['Бытовая техника', 'Фен для волос, 2000 Вт', 'Rowenta', 'шт', 6, 2790.0],
  ['Бытовая техника', 'Блендер погружной, 800 Вт', 'Bosch', 'шт', 4, 4290.0],
  ['Бытовая техника', 'Микроволновая печь, 20 л', 'LG', 'шт', 1, 8990.0],
  ['Бытовая техника', 'Пылесос с контейнером, 1800 Вт', 'Samsung', 'шт', 1, 9990.0],
];

const CATEGORY_NAMES = [...new Set(GOODS.map(([category]) => category))];

/** How many different goods the demo world has. */
export const WHOLESALE_GOODS = GOODS.length;

export const WHOLESALE_SHOP_NAMES = [
  'Оптовая база «Продторг»',
  'Дистрибьютор «ХозОпт»',
  'ТехноОпт',
  'Торговый дом «Северный»',
  'ЭлектроСнаб',
  'Метрополис Дистрибуция',
];

/** mulberry32: a small deterministic PRNG. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function money(kopecks: number): string {
  return `${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;
}

/** The product's full name as a catalog shows it: brand, then what it is. */
export function wholesaleName(index: number): string {
  const [, name, brand] = GOODS[index % GOODS.length];
  return `${brand} — ${name}`;
}

/**
 * One supplier's price list (the import's YAML): `goods` products starting at `shop × stride`
 * (wrapping round the world), each at the supplier's own price (±8 % of the wholesale price) and
 * stock, in the supplier's own category numbering.
 */
export function wholesalePriceList(options: {
  shop: number;
  shopName: string;
  goods: number;
  stride: number;
}): string {
  const r = random(7_919 * (options.shop + 1));
  const count = Math.min(options.goods, GOODS.length);
  const categoryId = (name: string) => 100 * (options.shop + 1) + CATEGORY_NAMES.indexOf(name) + 1;
  const lines = [`shop: ${JSON.stringify(options.shopName)}`, 'categories:'];
  for (const name of CATEGORY_NAMES)
    lines.push(`  - id: ${categoryId(name)}`, `    name: ${JSON.stringify(name)}`);
  lines.push('goods:');
  for (let i = 0; i < count; i += 1) {
    const index = (options.shop * options.stride + i) % GOODS.length;
    const [category, , brand, unit, perCase, price] = GOODS[index];
    const kopecks = Math.round((price * 100 * (0.92 + r() * 0.16)) / 10) * 10;
    const quantity = r() < 0.08 ? 0 : perCase * (Math.floor(r() * 40) + 2);
    lines.push(
      `  - id: ${(options.shop + 1) * 100_000 + index}`,
      `    category: ${categoryId(category)}`,
      `    model: ${JSON.stringify(`demo-${index}`)}`,
      `    name: ${JSON.stringify(wholesaleName(index))}`,
      `    price: ${money(kopecks)}`,
      // The recommended retail price: the chain's usual margin over wholesale.
      `    price_rrc: ${money(Math.round((price * 100 * 1.35) / 10) * 10)}`,
      `    quantity: ${quantity}`,
      '    parameters:',
      `      "Бренд": ${JSON.stringify(brand)}`,
      `      "Единица": ${JSON.stringify(unit)}`,
      `      "В коробке (ед.)": ${perCase}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
