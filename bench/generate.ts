// `node bench/generate.ts --shops 20 --goods 10000 [--stride 5000] [--out dir]`: writes one price
// list per shop (shop-01.yaml …) from the deterministic generator: the same arguments always write
// the same bytes. Shops' goods overlap (the same products at different prices), names are Russian
// and English, every good has 5 characteristics.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generatePriceList } from '../src/modules/catalog/demo/generate.ts';
import { cacheDir } from './lib.ts';

export function shopName(shop: number): string {
  return `Поставщик ${String(shop + 1).padStart(2, '0')}`;
}

/** Writes (or reuses) the files; answers their paths. */
export function generateFiles(options: {
  shops: number;
  goods: number;
  stride?: number;
  out?: string;
}): string[] {
  const out =
    options.out ?? path.join(cacheDir(), `s${options.shops}-g${options.goods}-t${options.stride ?? 'd'}`);
  fs.mkdirSync(out, { recursive: true });
  const files: string[] = [];
  for (let shop = 0; shop < options.shops; shop += 1) {
    const file = path.join(out, `shop-${String(shop + 1).padStart(2, '0')}.yaml`);
    if (!fs.existsSync(file)) {
      fs.writeFileSync(
        file,
        generatePriceList({ shop, shopName: shopName(shop), goods: options.goods, stride: options.stride }),
      );
    }
    files.push(file);
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      shops: { type: 'string', default: '1' },
      goods: { type: 'string', default: '1000' },
      stride: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const files = generateFiles({
    shops: Number(values.shops),
    goods: Number(values.goods),
    stride: values.stride ? Number(values.stride) : undefined,
    out: values.out ? path.resolve(values.out) : undefined,
  });
  for (const file of files) process.stdout.write(`${file} (${fs.statSync(file).size} bytes)\n`);
}
