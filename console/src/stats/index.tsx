// Stats in the console: routes and menu items for staff and suppliers.
import type { ReactElement } from 'react';

/** Resources and custom routes of this part for staff, placed in the `staff` branch of App.tsx. */
export function statsStaffResources(): ReactElement | null {
  return null;
}

/** Resources and custom routes of this part for a supplier, placed in the `supplier` branch. */
export function statsSupplierResources(): ReactElement | null {
  return null;
}

/** This part's entries in the staff menu. */
export function StatsStaffMenuItems(): ReactElement | null {
  return null;
}

/** This part's entries in the supplier's menu. */
export function StatsSupplierMenuItems(): ReactElement | null {
  return null;
}
