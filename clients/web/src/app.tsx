// Providers and routes.
import { MantineProvider, createTheme } from '@mantine/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { ApiError } from './api/errors.ts';
import { sessionStore } from './api/session.ts';
import { Layout } from './components/layout.tsx';
import { RequireSession } from './components/require-session.tsx';
import { CartPage } from './pages/cart.tsx';
import { CatalogPage } from './pages/catalog.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { OrderPage } from './pages/order.tsx';
import { OrdersPage } from './pages/orders.tsx';
import { ProductPage } from './pages/product.tsx';
import { RegisterPage, SignInPage } from './pages/sign-in.tsx';
import { ListingFormPage } from './pages/selling/listing-form.tsx';
import { ListingsPage } from './pages/selling/listings.tsx';
import { SalesPage } from './pages/selling/sales.tsx';

const theme = createTheme({ primaryColor: 'teal', defaultRadius: 'md' });

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <CatalogPage /> },
      { path: 'products/:id', element: <ProductPage /> },
      { path: 'cart', element: <CartPage /> },
      { path: 'sign-in', element: <SignInPage /> },
      { path: 'register', element: <RegisterPage /> },
      {
        element: <RequireSession />,
        children: [
          { path: 'orders', element: <OrdersPage /> },
          { path: 'orders/:id', element: <OrderPage /> },
        ],
      },
      {
        element: <RequireSession role="SELLER" />,
        children: [
          { path: 'selling', element: <ListingsPage /> },
          { path: 'selling/new', element: <ListingFormPage /> },
          { path: 'selling/:id/edit', element: <ListingFormPage /> },
          { path: 'selling/sales', element: <SalesPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
]);

/** A session the gateway no longer accepts (and that could not be renewed) sends the shopper to sign in. */
function onApiError(error: unknown): void {
  if (!(error instanceof ApiError) || !error.has('UNAUTHENTICATED')) return;
  sessionStore.set(null);
  const here = `${window.location.pathname}${window.location.search}`;
  if (!window.location.pathname.startsWith('/sign-in')) void router.navigate(`/sign-in?next=${encodeURIComponent(here)}`);
}

const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Errors the shopper must act on are not worth retrying; a network blip is.
      retry: (count, error) => count < 2 && error instanceof ApiError && (error.status === 0 || error.status >= 500),
    },
  },
});

export function App() {
  return (
    <MantineProvider theme={theme}>
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
