// The buyer's shopping lists, quick order, standing orders and profile: routes and menu items for
// the role `buyer`.
import type { ReactElement } from 'react';

/** Resources and custom routes of this part, placed in the `buyer` branch of App.tsx. */
export function buyerPurchasingResources(): ReactElement | null {
  return null;
}

/** This part's entries in the buyer's menu. */
export function BuyerPurchasingMenuItems(): ReactElement | null {
  return null;
}
