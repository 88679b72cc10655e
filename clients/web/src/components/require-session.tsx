import { Alert } from '@mantine/core';
import { Navigate, Outlet, useLocation } from 'react-router';
import { hasRole, useSession } from '../api/session.ts';
import type { Role } from '../__generated__/graphql.ts';

/** Pages for signed-in users (and, with `role`, for sellers: ADMINs may enter too). */
export function RequireSession({ role }: { role?: Role }) {
  const session = useSession();
  const location = useLocation();
  if (!session) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (role && !hasRole(session, role) && !hasRole(session, 'ADMIN')) {
    return (
      <Alert color="yellow" title="For sellers" role="alert">
        This page is for seller accounts. Register a seller account to list products.
      </Alert>
    );
  }
  return <Outlet />;
}
