// Stats in the console: routes and menu items for staff and suppliers. The page (and ECharts with
// it) is a chunk of its own, loaded when the page is first opened.
import BarChartIcon from '@mui/icons-material/BarChart';
import { lazy, type ReactElement, Suspense } from 'react';
import { CustomRoutes, Menu, useTranslate } from 'react-admin';
import { Route } from 'react-router-dom';
import { Loading } from '../components/common.tsx';

const StatsPage = lazy(() => import('./StatsPage.tsx'));

/** The path of the statistics page, for staff and for a supplier alike (each sees its own). */
export const STATS_PATH = '/stats';

function LazyStatsPage({ scope }: { scope: 'staff' | 'supplier' }) {
  return (
    <Suspense fallback={<Loading />}>
      <StatsPage scope={scope} />
    </Suspense>
  );
}

/** Resources and custom routes of this part for staff, placed in the `staff` branch of App.tsx. */
export function statsStaffResources(): ReactElement | null {
  return (
    <CustomRoutes>
      <Route path={STATS_PATH} element={<LazyStatsPage scope="staff" />} />
    </CustomRoutes>
  );
}

/** Resources and custom routes of this part for a supplier, placed in the `supplier` branch. */
export function statsSupplierResources(): ReactElement | null {
  return (
    <CustomRoutes>
      <Route path={STATS_PATH} element={<LazyStatsPage scope="supplier" />} />
    </CustomRoutes>
  );
}

function StatsMenuItem() {
  const translate = useTranslate();
  return <Menu.Item to={STATS_PATH} primaryText={translate('stats.menu')} leftIcon={<BarChartIcon />} />;
}

/** This part's entries in the staff menu. */
export function StatsStaffMenuItems(): ReactElement | null {
  return <StatsMenuItem />;
}

/** This part's entries in the supplier's menu. */
export function StatsSupplierMenuItems(): ReactElement | null {
  return <StatsMenuItem />;
}
