// A deterministic price-list generator: the demo catalog and the benchmarks' datasets.
//
// Products come from one world of goods (category × brand × series × memory × colour, Russian and
// English names), numbered 0…N-1; each shop offers a slice of that world that overlaps its
// neighbours', so one product is offered by several shops at different prices. Goods of one shop
// sharing a series are one family (same `model`). Every good has 5 characteristics. The same
// arguments always give the same bytes.

interface CategoryDef {
  ru: string;
  en: string;
  kind: string;
  brands: string[];
  series: string[];
  /** Characteristic names for this category: memory-like number, size number, colour, weight, flag. */
  english: boolean;
}

const CATEGORIES: CategoryDef[] = [
  {
    ru: 'Смартфоны',
    en: 'Smartphones',
    kind: 'Смартфон',
    english: false,
    brands: ['Apple', 'Samsung', 'Xiaomi', 'Honor', 'Realme', 'Nokia'],
    series: [
      'iPhone 14',
      'Galaxy S23',
      'Redmi Note 12',
      'Magic 5',
      'GT Neo',
      'G42',
      'Galaxy A54',
      'iPhone 15 Pro',
      'Poco X5',
      'Nova 11',
    ],
  },
  {
    ru: 'Ноутбуки',
    en: 'Laptops',
    kind: 'Laptop',
    english: true,
    brands: ['Lenovo', 'ASUS', 'HP', 'Acer', 'Dell', 'MSI'],
    series: [
      'ThinkPad E14',
      'ZenBook 14',
      'Pavilion 15',
      'Aspire 5',
      'Inspiron 15',
      'Modern 14',
      'IdeaPad 3',
      'VivoBook 16',
    ],
  },
  {
    ru: 'Телевизоры',
    en: 'TVs',
    kind: 'Телевизор',
    english: false,
    brands: ['Samsung', 'LG', 'Sony', 'TCL', 'Hisense', 'Xiaomi'],
    series: ['QLED Q60', 'OLED C3', 'Bravia X80', 'C645', 'A6K', 'Mi TV A2', 'Crystal UHD', 'NanoCell 75'],
  },
  {
    ru: 'Наушники',
    en: 'Headphones',
    kind: 'Headphones',
    english: true,
    brands: ['Sony', 'JBL', 'Apple', 'Sennheiser', 'Marshall'],
    series: ['WH-1000XM5', 'Tune 510BT', 'AirPods Pro', 'Momentum 4', 'Major IV', 'Live 660NC'],
  },
  {
    ru: 'Планшеты',
    en: 'Tablets',
    kind: 'Планшет',
    english: false,
    brands: ['Apple', 'Samsung', 'Lenovo', 'Huawei'],
    series: ['iPad Air', 'Galaxy Tab S9', 'Tab P11', 'MatePad 11', 'iPad mini'],
  },
  {
    ru: 'Flash-накопители',
    en: 'Flash drives',
    kind: 'USB Flash Drive',
    english: true,
    brands: ['SanDisk', 'Kingston', 'Transcend', 'Netac'],
    series: ['Ultra Flair', 'DataTraveler Exodia', 'JetFlash 790', 'U182'],
  },
  {
    ru: 'Мониторы',
    en: 'Monitors',
    kind: 'Монитор',
    english: false,
    brands: ['Samsung', 'LG', 'AOC', 'Philips', 'Dell'],
    series: ['Odyssey G5', 'UltraGear 27', '24G2', '273V7', 'P2422H'],
  },
  {
    ru: 'Умные часы',
    en: 'Smart watches',
    kind: 'Smart Watch',
    english: true,
    brands: ['Apple', 'Samsung', 'Huawei', 'Amazfit', 'Garmin'],
    series: ['Watch Series 9', 'Galaxy Watch 6', 'Watch GT 4', 'GTR 4', 'Forerunner 265'],
  },
  {
    ru: 'Фотоаппараты',
    en: 'Cameras',
    kind: 'Фотоаппарат',
    english: false,
    brands: ['Canon', 'Nikon', 'Sony', 'Fujifilm'],
    series: ['EOS R50', 'Z50', 'Alpha 6400', 'X-T30 II'],
  },
  {
    ru: 'Колонки',
    en: 'Speakers',
    kind: 'Портативная колонка',
    english: false,
    brands: ['JBL', 'Яндекс', 'Sony', 'Marshall'],
    series: ['Charge 5', 'Станция Мини', 'SRS-XB13', 'Emberton II'],
  },
  {
    ru: 'Роутеры',
    en: 'Routers',
    kind: 'Wi-Fi Router',
    english: true,
    brands: ['TP-Link', 'Keenetic', 'ASUS', 'Mercusys'],
    series: ['Archer AX23', 'Giga KN-1011', 'RT-AX58U', 'MR70X'],
  },
  {
    ru: 'Электронные книги',
    en: 'E-readers',
    kind: 'Электронная книга',
    english: false,
    brands: ['PocketBook', 'ONYX BOOX', 'Amazon'],
    series: ['Verse Pro', 'Poke 5', 'Kindle Paperwhite'],
  },
  {
    ru: 'Пылесосы',
    en: 'Vacuum cleaners',
    kind: 'Робот-пылесос',
    english: false,
    brands: ['Xiaomi', 'Dreame', 'iRobot', 'Roborock'],
    series: ['Mi Robot Vacuum', 'L10s', 'Roomba 692', 'S8'],
  },
  {
    ru: 'Кофемашины',
    en: 'Coffee machines',
    kind: 'Кофемашина',
    english: false,
    brands: ['DeLonghi', 'Philips', 'Krups', 'Saeco'],
    series: ['Magnifica S', 'EP2231', 'Essential', 'Lirika'],
  },
  {
    ru: 'Игровые консоли',
    en: 'Game consoles',
    kind: 'Game Console',
    english: true,
    brands: ['Sony', 'Microsoft', 'Nintendo'],
    series: ['PlayStation 5', 'Xbox Series S', 'Switch OLED'],
  },
  {
    ru: 'Клавиатуры',
    en: 'Keyboards',
    kind: 'Клавиатура',
    english: false,
    brands: ['Logitech', 'Razer', 'A4Tech', 'Defender'],
    series: ['MX Keys', 'BlackWidow V3', 'Bloody B810', 'Blade Pro'],
  },
  {
    ru: 'Мыши',
    en: 'Mice',
    kind: 'Mouse',
    english: true,
    brands: ['Logitech', 'Razer', 'SteelSeries', 'HyperX'],
    series: ['MX Master 3S', 'DeathAdder V3', 'Rival 3', 'Pulsefire Haste'],
  },
  {
    ru: 'Внешние диски',
    en: 'External drives',
    kind: 'Внешний диск',
    english: false,
    brands: ['WD', 'Seagate', 'Toshiba', 'Samsung'],
    series: ['My Passport', 'Expansion', 'Canvio Basics', 'T7 Shield'],
  },
  {
    ru: 'Принтеры',
    en: 'Printers',
    kind: 'Printer',
    english: true,
    brands: ['HP', 'Canon', 'Epson', 'Brother'],
    series: ['LaserJet M111w', 'PIXMA G3420', 'L3250', 'HL-L2340'],
  },
  {
    ru: 'Видеокарты',
    en: 'Graphics cards',
    kind: 'Видеокарта',
    english: false,
    brands: ['Palit', 'MSI', 'GIGABYTE', 'ASUS'],
    series: ['RTX 4060 Dual', 'RTX 4070 Ventus', 'RX 7600 Gaming', 'RTX 3050 Phoenix'],
  },
];

const MEMORY = [32, 64, 128, 256, 512, 1024];
const COLORS_RU = ['черный', 'белый', 'серый', 'синий', 'красный', 'зеленый', 'золотистый', 'серебристый'];
const COLORS_EN = ['black', 'white', 'grey', 'blue', 'red', 'green', 'gold', 'silver'];

/** mulberry32: a small fast deterministic PRNG. */
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

export interface WorldProduct {
  index: number;
  category: number;
  name: string;
  model: string;
  basePriceCents: number;
  parameters: [string, string | number | boolean][];
}

/** Product number `index` of the world: the same index always gives the same product. */
export function worldProduct(index: number): WorldProduct {
  const category = index % CATEGORIES.length;
  const def = CATEGORIES[category];
  let rest = Math.floor(index / CATEGORIES.length);
  const brand = def.brands[rest % def.brands.length];
  rest = Math.floor(rest / def.brands.length);
  const series = def.series[rest % def.series.length];
  rest = Math.floor(rest / def.series.length);
  const memory = MEMORY[rest % MEMORY.length];
  rest = Math.floor(rest / MEMORY.length);
  const color = rest % COLORS_RU.length;
  const generation = Math.floor(rest / COLORS_RU.length);
  const edition = generation === 0 ? '' : ` Gen ${generation + 1}`;
  const colorName = def.english ? COLORS_EN[color] : COLORS_RU[color];
  const memoryName = memory >= 1024 ? `${memory / 1024}TB` : `${memory}GB`;
  const name = `${def.kind} ${brand} ${series}${edition} ${memoryName} (${colorName})`;
  const model = `${brand}/${series}${edition}`.toLowerCase().replace(/\s+/g, '-');
  const r = random(index * 2654435761);
  const basePriceCents = Math.round((1500 + r() * 150_000) * (1 + MEMORY.indexOf(memory) * 0.15)) * 100;
  const parameters: [string, string | number | boolean][] = def.english
    ? [
        ['Color', colorName],
        ['Memory (GB)', memory],
        ['Weight (g)', Math.round(100 + r() * 2000)],
        ['Warranty (months)', [6, 12, 24, 36][Math.floor(r() * 4)]],
        ['Wireless', r() > 0.5],
      ]
    : [
        ['Цвет', colorName],
        ['Встроенная память (Гб)', memory],
        ['Вес (г)', Math.round(100 + r() * 2000)],
        ['Гарантия (мес)', [6, 12, 24, 36][Math.floor(r() * 4)]],
        ['Беспроводной', r() > 0.5],
      ];
  return { index, category, name, model, basePriceCents, parameters };
}

export interface GenerateOptions {
  /** 0-based shop number: decides the slice of the world, prices and ids. */
  shop: number;
  shopName: string;
  goods: number;
  /** How far consecutive shops' slices are apart (smaller: more shared products). */
  stride?: number;
  /** A different seed gives different prices and stock for the same goods. */
  seed?: number;
  /**
   * A shop specialised in these categories (0-based, of the generator's 20): its goods are the
   * world's products of its slice that are in them. Without it, a shop sells in every category.
   */
  categories?: number[];
}

function yamlString(value: string): string {
  return /^[\p{L}\p{N}][\p{L}\p{N} ()._/+-]*$/u.test(value) &&
    !/^[\d.+-]+$/.test(value) &&
    !/^(true|false|null|~)$/i.test(value)
    ? value
    : JSON.stringify(value);
}

function money(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
}

/** A price list in the import format (YAML text). */
export function generatePriceList(options: GenerateOptions): string {
  const stride = options.stride ?? Math.ceil(options.goods / 2);
  const r = random(1_000_003 * (options.shop + 1) + (options.seed ?? 0));
  const first = options.shop * stride;
  const lines: string[] = [`shop: ${yamlString(options.shopName)}`, 'categories:'];
  // Each shop numbers the categories its own way.
  const categoryId = (category: number) =>
    100 * (options.shop + 1) + ((category * 7 + options.shop) % CATEGORIES.length);
  CATEGORIES.forEach((def, category) => {
    lines.push(`  - id: ${categoryId(category)}`, `    name: ${yamlString(def.ru)}`);
  });
  lines.push('goods:');
  const only = options.categories?.length ? new Set(options.categories) : undefined;
  let index = first - 1;
  for (let i = 0; i < options.goods; i += 1) {
    index += 1;
    while (only && !only.has(index % CATEGORIES.length)) index += 1;
    const product = worldProduct(index);
    const cents = Math.round((product.basePriceCents * (0.9 + r() * 0.2)) / 10) * 10;
    const quantity = r() < 0.1 ? 0 : Math.floor(r() * 50) + 1;
    lines.push(
      `  - id: ${(options.shop + 1) * 10_000_000 + index}`,
      `    category: ${categoryId(product.category)}`,
      `    model: ${yamlString(product.model)}`,
      `    name: ${yamlString(product.name)}`,
      `    price: ${money(cents)}`,
      `    price_rrc: ${money(Math.round(cents * 1.1))}`,
      `    quantity: ${quantity}`,
      '    parameters:',
    );
    for (const [name, value] of product.parameters) {
      lines.push(
        `      ${yamlString(name)}: ${typeof value === 'string' ? yamlString(value) : String(value)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

export const DEMO_SHOP_NAMES = [
  'ТехноОпт',
  'Цифровой склад',
  'ЭлектроСнаб',
  'Gadget Supply',
  'МегаДистрибуция',
  'Связь-Маркет',
];
