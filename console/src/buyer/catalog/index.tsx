// The buyer's catalog, basket, checkout and orders: routes and menu items for the role `buyer`.
import type { ReactElement } from 'react';

/** Resources and custom routes of this part, placed in the `buyer` branch of App.tsx. */
export function buyerCatalogResources(): ReactElement | null {
  return null;
}

/** This part's entries in the buyer's menu. */
export function BuyerCatalogMenuItems(): ReactElement | null {
  return null;
}
