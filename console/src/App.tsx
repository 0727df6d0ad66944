// The console: react-admin over /api/v2 (one data provider, one auth provider), Russian by
// default. What a person sees depends on the role: staff get every list, a supplier its own
// shop, price list, offers and orders; a buyer their workspace: catalog, basket, checkout,
// orders, shopping lists, quick order, standing orders, profile, invoices and card payments.
import AssessmentIcon from '@mui/icons-material/Assessment';
import CategoryIcon from '@mui/icons-material/Category';
import CloudUploadIcon from '@mui/icons-material/CloudUpload';
import ConfirmationNumberIcon from '@mui/icons-material/ConfirmationNumber';
import HistoryIcon from '@mui/icons-material/History';
import Inventory2Icon from '@mui/icons-material/Inventory2';
import LocalOfferIcon from '@mui/icons-material/LocalOffer';
import PeopleIcon from '@mui/icons-material/People';
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import StorefrontIcon from '@mui/icons-material/Storefront';
import TuneIcon from '@mui/icons-material/Tune';
import { useEffect } from 'react';
import {
  Admin,
  CustomRoutes,
  defaultTheme,
  Layout,
  type LayoutProps,
  Menu,
  Resource,
  useLocaleState,
  usePermissions,
  useTranslate,
} from 'react-admin';
import { Route } from 'react-router-dom';
import { createAuthProvider } from './authProvider.ts';
import { BuyerCatalogMenuItems, buyerCatalogResources } from './buyer/catalog/index.tsx';
import { BuyerPurchasingMenuItems, buyerPurchasingResources } from './buyer/purchasing/index.tsx';
import { createDataProvider } from './dataProvider.ts';
import { createI18nProvider } from './i18n/index.ts';
import { AuditList } from './pages/audit.tsx';
import { BuyerPage } from './pages/BuyerPage.tsx';
import { CategoryList, ParameterList, ProductList, ProductShow } from './pages/catalog.tsx';
import { Dashboard } from './pages/Dashboard.tsx';
import { ImportList } from './pages/imports.tsx';
import { LoginPage } from './pages/LoginPage.tsx';
import { OrderList, OrderShow } from './pages/orders.tsx';
import {
  CouponBatchCreate,
  CouponBatchShow,
  CouponCreate,
  CouponEdit,
  CouponList,
  CouponShow,
  PromotionCreate,
  PromotionEdit,
  PromotionList,
  PromotionShow,
} from './pages/promotions.tsx';
import { ShopEdit, ShopList, ShopShow } from './pages/shops.tsx';
import {
  PriceListPage,
  SupplierOfferList,
  SupplierOrderList,
  SupplierOrderShow,
  SupplierShopPage,
} from './pages/supplier.tsx';
import { UserList, UserShow } from './pages/users.tsx';
import {
  PaymentsBuyerMenuItems,
  PaymentsStaffMenuItems,
  PaymentsSupplierMenuItems,
  paymentsBuyerResources,
  paymentsStaffResources,
  paymentsSupplierResources,
} from './payments/index.tsx';
import type { ConsoleSession } from './session.ts';
import {
  StatsStaffMenuItems,
  StatsSupplierMenuItems,
  statsStaffResources,
  statsSupplierResources,
} from './stats/index.tsx';

// Wide tables scroll sideways inside their card on a tablet instead of widening the page past the
// screen: react-admin's layout root is `min-width: fit-content`, which lets one wide table push the
// whole page (menu, app bar) wider than the viewport. The page keeps the viewport's width; each flex
// level below it may shrink (min-width 0), and the list's card scrolls.
const theme = {
  ...defaultTheme,
  components: {
    ...defaultTheme.components,
    RaLayout: {
      styleOverrides: {
        root: {
          minWidth: 0,
          '& .RaLayout-appFrame, & .RaLayout-contentWithSidebar': { minWidth: 0 },
          '& .RaLayout-content, & .RaLayout-content > div': { minWidth: 0 },
        },
      },
    },
    RaList: {
      styleOverrides: {
        root: { '& .RaList-main': { minWidth: 0 }, '& .RaList-content': { overflowX: 'auto' } },
      },
    },
  },
};

function ConsoleMenu() {
  const { permissions } = usePermissions();
  const translate = useTranslate();
  if (permissions === 'supplier') {
    return (
      <Menu>
        <Menu.DashboardItem />
        <Menu.ResourceItem name="supplier-orders" />
        <Menu.Item
          to="/price-list"
          primaryText={translate('console.menu.price_list')}
          leftIcon={<CloudUploadIcon />}
        />
        <Menu.ResourceItem name="supplier-offers" />
        <Menu.Item to="/shop" primaryText={translate('console.menu.shop')} leftIcon={<StorefrontIcon />} />
        <PaymentsSupplierMenuItems />
        <StatsSupplierMenuItems />
      </Menu>
    );
  }
  if (permissions === 'buyer') {
    return (
      <Menu>
        <BuyerCatalogMenuItems />
        <BuyerPurchasingMenuItems />
        <PaymentsBuyerMenuItems />
      </Menu>
    );
  }
  return (
    <Menu>
      <Menu.DashboardItem />
      <Menu.ResourceItems />
      <PaymentsStaffMenuItems />
      <StatsStaffMenuItems />
    </Menu>
  );
}

function ConsoleLayout({ session, ...props }: LayoutProps & { session: ConsoleSession }) {
  const [locale] = useLocaleState();
  useEffect(() => {
    session.setLanguage(locale === 'en' ? 'en' : 'ru');
  }, [locale, session]);
  return <Layout {...props} menu={ConsoleMenu} />;
}

export function App({ session }: { session: ConsoleSession }) {
  const dataProvider = createDataProvider(session.client);
  const authProvider = createAuthProvider(session);
  const i18nProvider = createI18nProvider('ru');
  return (
    <Admin
      title="Закупка"
      dataProvider={dataProvider}
      authProvider={authProvider}
      i18nProvider={i18nProvider}
      theme={theme}
      dashboard={Dashboard}
      loginPage={() => <LoginPage ended={session.endedByServer} setLanguage={session.setLanguage} />}
      layout={(props: LayoutProps) => <ConsoleLayout {...props} session={session} />}
      requireAuth
      disableTelemetry
    >
      {(role: string) => {
        if (role === 'staff') {
          return (
            <>
              <Resource
                name="orders"
                list={OrderList}
                show={OrderShow}
                icon={ReceiptLongIcon}
                recordRepresentation="number"
              />
              <Resource
                name="shops"
                list={ShopList}
                show={ShopShow}
                edit={ShopEdit}
                icon={StorefrontIcon}
                recordRepresentation="name"
              />
              <Resource name="imports" list={ImportList} icon={CloudUploadIcon} />
              <Resource
                name="users"
                list={UserList}
                show={UserShow}
                icon={PeopleIcon}
                recordRepresentation="email"
              />
              <Resource
                name="products"
                list={ProductList}
                show={ProductShow}
                icon={Inventory2Icon}
                recordRepresentation="name"
              />
              <Resource
                name="categories"
                list={CategoryList}
                icon={CategoryIcon}
                recordRepresentation="name"
              />
              <Resource name="parameters" list={ParameterList} icon={TuneIcon} recordRepresentation="name" />
              <Resource
                name="promotions"
                list={PromotionList}
                show={PromotionShow}
                create={PromotionCreate}
                edit={PromotionEdit}
                icon={LocalOfferIcon}
                recordRepresentation="name"
              />
              <Resource
                name="coupons"
                list={CouponList}
                show={CouponShow}
                create={CouponCreate}
                edit={CouponEdit}
                icon={ConfirmationNumberIcon}
                recordRepresentation="code"
              />
              <Resource name="coupon-batches" show={CouponBatchShow} create={CouponBatchCreate} />
              <Resource name="audit" list={AuditList} icon={HistoryIcon} />
              <Resource name="offers" />
              <Resource name="exports" />
              {paymentsStaffResources()}
              {statsStaffResources()}
            </>
          );
        }
        if (role === 'supplier') {
          return (
            <>
              <Resource
                name="supplier-orders"
                list={SupplierOrderList}
                show={SupplierOrderShow}
                icon={ReceiptLongIcon}
                recordRepresentation="number"
              />
              <Resource name="supplier-offers" list={SupplierOfferList} icon={AssessmentIcon} />
              <Resource name="supplier-shop" />
              <CustomRoutes>
                <Route path="/shop" element={<SupplierShopPage />} />
                <Route path="/price-list" element={<PriceListPage />} />
              </CustomRoutes>
              {paymentsSupplierResources()}
              {statsSupplierResources()}
            </>
          );
        }
        if (role === 'buyer') {
          return (
            <>
              {buyerCatalogResources()}
              {buyerPurchasingResources()}
              {paymentsBuyerResources()}
            </>
          );
        }
        // Any role the console does not serve.
        return (
          <CustomRoutes>
            <Route path="/*" element={<BuyerPage />} />
          </CustomRoutes>
        );
      }}
    </Admin>
  );
}
