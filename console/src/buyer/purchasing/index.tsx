// The buyer's shopping lists, quick order, standing orders and profile: routes and menu items for
// the role `buyer`.
import ContactsIcon from '@mui/icons-material/Contacts';
import EventRepeatIcon from '@mui/icons-material/EventRepeat';
import FlashOnIcon from '@mui/icons-material/FlashOn';
import KeyIcon from '@mui/icons-material/Key';
import ListAltIcon from '@mui/icons-material/ListAlt';
import PersonIcon from '@mui/icons-material/Person';
import type { ReactElement } from 'react';
import { CustomRoutes, Menu, Resource, useTranslate } from 'react-admin';
import { Route } from 'react-router-dom';
import { ApiTokensPage } from './ApiTokens.tsx';
import { ContactCreate, ContactEdit, ContactList } from './Contacts.tsx';
import { ProfilePage } from './Profile.tsx';
import { QuickOrderPage } from './QuickOrderPage.tsx';
import { ShoppingListCreate, ShoppingListList, ShoppingListShow } from './ShoppingLists.tsx';
import {
  StandingOrderCreate,
  StandingOrderEdit,
  StandingOrderList,
  StandingOrderShow,
} from './StandingOrders.tsx';

/** Resources and custom routes of this part, placed in the `buyer` branch of App.tsx. */
export function buyerPurchasingResources(): ReactElement | null {
  return (
    <>
      <Resource
        name="shopping-lists"
        list={ShoppingListList}
        create={ShoppingListCreate}
        show={ShoppingListShow}
        icon={ListAltIcon}
        recordRepresentation="name"
      />
      <Resource
        name="standing-orders"
        list={StandingOrderList}
        create={StandingOrderCreate}
        edit={StandingOrderEdit}
        show={StandingOrderShow}
        icon={EventRepeatIcon}
      />
      <Resource
        name="contacts"
        list={ContactList}
        create={ContactCreate}
        edit={ContactEdit}
        icon={ContactsIcon}
      />
      <CustomRoutes>
        <Route path="/quick-order" element={<QuickOrderPage />} />
        <Route path="/profile" element={<ProfilePage />} />
        <Route path="/api-tokens" element={<ApiTokensPage />} />
      </CustomRoutes>
    </>
  );
}

/** This part's entries in the buyer's menu. */
export function BuyerPurchasingMenuItems(): ReactElement | null {
  const translate = useTranslate();
  return (
    <>
      <Menu.Item
        to="/quick-order"
        primaryText={translate('purchasing.menu.quick_order')}
        leftIcon={<FlashOnIcon />}
      />
      <Menu.ResourceItem name="shopping-lists" />
      <Menu.ResourceItem name="standing-orders" />
      <Menu.Item to="/profile" primaryText={translate('purchasing.menu.profile')} leftIcon={<PersonIcon />} />
      <Menu.ResourceItem name="contacts" />
      <Menu.Item
        to="/api-tokens"
        primaryText={translate('purchasing.menu.api_tokens')}
        leftIcon={<KeyIcon />}
      />
    </>
  );
}
