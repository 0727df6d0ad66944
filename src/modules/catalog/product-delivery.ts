// The product page's expected delivery date per offer. The page itself is cached per catalog
// revision, but the date moves with the clock (cut-off, midnight in the shop's zone), so it is not
// part of the cached answer: the cache keeps the page as a template with one slot per offer, and
// each request fills the slots from the shop's terms and the current time (`expectedDeliveryDate`,
// the function the basket and checkout use). Filling is string concatenation: no JSON is parsed
// per request.
import { hash } from 'node:crypto';
import { type DeliveryTerms, expectedDeliveryDate } from './delivery-terms.ts';

/** A product page split around its offers' date slots: `parts.length === shops.length + 1`. */
export interface ProductPageTemplate {
  parts: string[];
  /** The shop (id and terms) of each slot, in page order. */
  shops: { id: number; terms: DeliveryTerms }[];
}

interface PageOffer {
  shop: {
    id: number;
    terms: {
      min_order_amount: string | null;
      delivery_days: number[];
      lead_time_days: number;
      order_cutoff: string | null;
      time_zone: string;
    };
  };
  expected_delivery_date?: unknown;
}

/** The index of the quote closing the JSON string that opens at `open` (-1: none). */
function stringEnd(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  for (;;) {
    if (end < 0) return -1;
    // A quote after an odd number of backslashes is part of the string.
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 92) backslashes += 1;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/** What each slot's offer holds after its other members. */
const SLOT_KEY = ',"expected_delivery_date":';

/**
 * The page (the JSON text the database built) as a template; once per cache miss, and on every
 * request when the cache is off. One pass over the text, no JSON parse of the page: it copies the
 * text without the whitespace between tokens (the database writes `"id" : 1, "name" : …`), so the
 * result is the text `JSON.stringify(JSON.parse(body))` gives — the database escapes strings as
 * JSON.stringify does and writes no number in another form (tested on pages with every escape) —
 * and ends each offer of the page's `offers` with an `expected_delivery_date` member whose value is
 * the slot. Each offer's `shop` object (a few hundred bytes) is the only part parsed.
 */
export function productPageTemplate(body: string): ProductPageTemplate {
  const parts: string[] = [];
  const shops: ProductPageTemplate['shops'] = [];
  let chunks: string[] = [];
  let runStart = 0;
  let depth = 0;
  // The last string read (a key, when a container follows it) at the page's and an offer's level.
  let lastKey = '';
  let offersDepth = -1; // depth inside the page's `offers` array
  let shopStart = -1; // where the current offer's `shop` object starts in `chunks`' text
  let shopDepth = -1;
  let shopChunks = 0;
  const length = body.length;
  for (let i = 0; i < length; i += 1) {
    const code = body.charCodeAt(i);
    if (code === 34 /* " */) {
      const from = i;
      i = stringEnd(body, i);
      if (i < 0) throw new Error('product page: an unterminated string');
      if (depth === 1 || depth === offersDepth + 1) lastKey = body.slice(from + 1, i);
    } else if (code === 32 || code === 10 || code === 13 || code === 9) {
      if (runStart < i) chunks.push(body.slice(runStart, i));
      runStart = i + 1;
    } else if (code === 123 /* { */ || code === 91 /* [ */) {
      depth += 1;
      if (code === 91 && depth === 2 && lastKey === 'offers') offersDepth = depth;
      else if (code === 123 && offersDepth > 0 && depth === offersDepth + 2 && lastKey === 'shop') {
        if (runStart < i) chunks.push(body.slice(runStart, i));
        runStart = i;
        shopStart = chunks.length;
        shopDepth = depth;
      }
    } else if (code === 125 /* } */ || code === 93 /* ] */) {
      if (code === 125 && depth === shopDepth) {
        chunks.push(body.slice(runStart, i + 1));
        runStart = i + 1;
        const shop = JSON.parse(chunks.slice(shopStart).join('')) as PageOffer['shop'];
        shops.push({
          id: shop.id,
          terms: {
            minOrderAmount: shop.terms.min_order_amount,
            deliveryDays: shop.terms.delivery_days,
            leadTimeDays: shop.terms.lead_time_days,
            orderCutoff: shop.terms.order_cutoff,
            timeZone: shop.terms.time_zone,
          },
        });
        shopDepth = -1;
        shopChunks += 1;
      } else if (code === 125 && offersDepth > 0 && depth === offersDepth + 1) {
        // The end of an offer: its slot goes before the brace.
        if (shopChunks !== parts.length + 1) throw new Error('product page: an offer without its shop');
        if (runStart < i) chunks.push(body.slice(runStart, i));
        chunks.push(SLOT_KEY);
        parts.push(chunks.join(''));
        chunks = [];
        runStart = i;
      } else if (code === 93 && depth === offersDepth) {
        offersDepth = -1;
      }
      depth -= 1;
    }
  }
  if (runStart < length) chunks.push(body.slice(runStart));
  parts.push(chunks.join(''));
  return { parts, shops };
}

/** The page's memory, for the read cache's budget. */
export function templateBytes(template: ProductPageTemplate): number {
  return template.parts.reduce((sum, part) => sum + part.length * 2, 0) + template.shops.length * 64;
}

/** The page for an order placed at `now`, and a tag of its dates (for the page's ETag). */
export function renderProductPage(
  template: ProductPageTemplate,
  now: Date,
): { body: string; datesTag: string } {
  const byShop = new Map<number, string>();
  const dates = template.shops.map((shop) => {
    let date = byShop.get(shop.id);
    if (date === undefined) {
      date = expectedDeliveryDate(shop.terms, now);
      byShop.set(shop.id, date);
    }
    return date;
  });
  let body = template.parts[0];
  for (let index = 0; index < dates.length; index += 1) {
    body += `"${dates[index]}"${template.parts[index + 1]}`;
  }
  const datesTag = dates.length ? hash('sha1', dates.join(','), 'base64url').slice(0, 12) : '';
  return { body, datesTag };
}
