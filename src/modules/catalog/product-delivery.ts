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

// The slot marker is a string starting with U+0000: PostgreSQL text cannot hold that character, so
// no value of the page can produce `"\u0000<n>"` in the JSON text.
const SLOT = /"\\u0000(\d+)"/;

/** The page (the JSON text the database built) as a template; once per cache miss. */
export function productPageTemplate(body: string): ProductPageTemplate {
  const page = JSON.parse(body) as { offers: PageOffer[] };
  const shops = page.offers.map((offer) => ({
    id: offer.shop.id,
    terms: {
      minOrderAmount: offer.shop.terms.min_order_amount,
      deliveryDays: offer.shop.terms.delivery_days,
      leadTimeDays: offer.shop.terms.lead_time_days,
      orderCutoff: offer.shop.terms.order_cutoff,
      timeZone: offer.shop.terms.time_zone,
    },
  }));
  page.offers.forEach((offer, index) => {
    offer.expected_delivery_date = `\u0000${index}`;
  });
  // split with a capture group alternates text and slot numbers; slots come in offer order.
  const pieces = JSON.stringify(page).split(SLOT);
  const parts = pieces.filter((_piece, index) => index % 2 === 0);
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
