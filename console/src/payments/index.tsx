// Payments in the console: routes and menu items for staff, suppliers and buyers.
import type { ReactElement } from 'react';

/** Resources and custom routes of this part for staff, placed in the `staff` branch of App.tsx. */
export function paymentsStaffResources(): ReactElement | null {
  return null;
}

/** Resources and custom routes of this part for a supplier, placed in the `supplier` branch. */
export function paymentsSupplierResources(): ReactElement | null {
  return null;
}

/** Resources and custom routes of this part for a buyer, placed in the `buyer` branch. */
export function paymentsBuyerResources(): ReactElement | null {
  return null;
}

/** This part's entries in the staff menu. */
export function PaymentsStaffMenuItems(): ReactElement | null {
  return null;
}

/** This part's entries in the supplier's menu. */
export function PaymentsSupplierMenuItems(): ReactElement | null {
  return null;
}

/** This part's entries in the buyer's menu. */
export function PaymentsBuyerMenuItems(): ReactElement | null {
  return null;
}

/**
 * An order's payments for whoever looks at it: status and sums per part, invoices to download, and
 * what the role may do (a buyer pays by card; staff and the part's supplier record and void bank
 * payments). Shown on the staff, supplier and buyer order pages.
 */
export function OrderPaymentsPanel(_props: {
  orderId: number;
  role: 'staff' | 'supplier' | 'buyer';
}): ReactElement | null {
  return null;
}
