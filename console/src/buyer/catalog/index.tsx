// The buyer's catalog, basket, checkout and orders: routes and menu items for the role `buyer`.
// The orders are a react-admin resource (list with filters, server paging); the catalog, product,
// basket and checkout are pages of their own.
import Inventory2Icon from '@mui/icons-material/Inventory2';
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import ShoppingCartIcon from '@mui/icons-material/ShoppingCart';
import type { ReactElement } from 'react';
import { CustomRoutes, Menu, Resource, useTranslate } from 'react-admin';
import { Route } from 'react-router-dom';
import { BasketPage } from './BasketPage.tsx';
import { CatalogPage } from './CatalogPage.tsx';
import { CheckoutPage } from './CheckoutPage.tsx';
import { BuyerOrderList, BuyerOrderShow } from './OrdersPages.tsx';
import { ProductPage } from './ProductPage.tsx';

/** Resources and custom routes of this part, placed in the `buyer` branch of App.tsx. */
export function buyerCatalogResources(): ReactElement | null {
  return (
    <>
      <Resource
        name="my-orders"
        list={BuyerOrderList}
        show={BuyerOrderShow}
        icon={ReceiptLongIcon}
        recordRepresentation="number"
      />
      <CustomRoutes>
        <Route path="/catalog" element={<CatalogPage />} />
        <Route path="/catalog/:id" element={<ProductPage />} />
        <Route path="/basket" element={<BasketPage />} />
        <Route path="/checkout" element={<CheckoutPage />} />
      </CustomRoutes>
    </>
  );
}

/** This part's entries in the buyer's menu. */
export function BuyerCatalogMenuItems(): ReactElement | null {
  const translate = useTranslate();
  return (
    <>
      <Menu.DashboardItem />
      <Menu.Item to="/catalog" primaryText={translate('buyer.menu.catalog')} leftIcon={<Inventory2Icon />} />
      <Menu.Item to="/basket" primaryText={translate('buyer.menu.basket')} leftIcon={<ShoppingCartIcon />} />
      <Menu.ResourceItem name="my-orders" />
    </>
  );
}
