// Payments in the console: routes and menu items for staff, suppliers and buyers, and the order
// payments panel the staff, supplier and buyer order pages show.
import AccountBalanceIcon from '@mui/icons-material/AccountBalance';
import CurrencyExchangeIcon from '@mui/icons-material/CurrencyExchange';
import NotificationsIcon from '@mui/icons-material/Notifications';
import PaymentsIcon from '@mui/icons-material/Payments';
import type { ReactElement } from 'react';
import { Menu, Resource } from 'react-admin';
import { BuyerPaymentOrderList, BuyerPaymentOrderShow } from './buyer.tsx';
import { PaymentsPanel } from './OrderPaymentsPanel.tsx';
import { NotificationList, RefundList } from './refunds.tsx';
import { AdminStatements, SupplierStatements } from './statements.tsx';

export { PAYMENT_STATUSES, PaymentStatusChip } from './shared.tsx';

/** Resources and custom routes of this part for staff, placed in the `staff` branch of App.tsx. */
export function paymentsStaffResources(): ReactElement | null {
  // Staff's menu lists every resource with a list page, these included.
  return (
    <>
      <Resource name="payment-statements" list={AdminStatements} icon={AccountBalanceIcon} />
      <Resource name="payment-refunds" list={RefundList} icon={CurrencyExchangeIcon} />
      <Resource name="payment-notifications" list={NotificationList} icon={NotificationsIcon} />
    </>
  );
}

/** Resources and custom routes of this part for a supplier, placed in the `supplier` branch. */
export function paymentsSupplierResources(): ReactElement | null {
  return <Resource name="supplier-payment-statements" list={SupplierStatements} icon={AccountBalanceIcon} />;
}

/** Resources and custom routes of this part for a buyer, placed in the `buyer` branch. */
export function paymentsBuyerResources(): ReactElement | null {
  return (
    <Resource
      name="payment-orders"
      list={BuyerPaymentOrderList}
      show={BuyerPaymentOrderShow}
      icon={PaymentsIcon}
      recordRepresentation="number"
    />
  );
}

/** This part's entries in the staff menu (its resources are in `Menu.ResourceItems`). */
export function PaymentsStaffMenuItems(): ReactElement | null {
  return null;
}

/** This part's entries in the supplier's menu. */
export function PaymentsSupplierMenuItems(): ReactElement | null {
  return <Menu.ResourceItem name="supplier-payment-statements" />;
}

/** This part's entries in the buyer's menu. */
export function PaymentsBuyerMenuItems(): ReactElement | null {
  return <Menu.ResourceItem name="payment-orders" />;
}

/**
 * An order's payments for whoever looks at it: status and sums per part, invoices to download, and
 * what the role may do (a buyer pays by card; staff and the part's supplier record and void bank
 * payments). Shown on the staff, supplier and buyer order pages.
 */
export function OrderPaymentsPanel(props: {
  orderId: number;
  role: 'staff' | 'supplier' | 'buyer';
}): ReactElement | null {
  // Keyed by the order: another order is a fresh panel, not the last one's answer.
  return <PaymentsPanel key={props.orderId} orderId={props.orderId} viewer={props.role} />;
}
