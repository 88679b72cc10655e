// The frame of every page: the header (search, cart, account) and the page below it.
import { useState, type FormEvent } from 'react';
import { Anchor, AppShell, Badge, Button, Container, Group, Menu, TextInput, Title } from '@mantine/core';
import { Link, NavLink, Outlet, useNavigate, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { StorefrontSignOutDocument, StorefrontViewerDocument } from '../__generated__/graphql.ts';
import { execute, executeAnonymously } from '../api/client.ts';
import { hasRole, sessionStore, useSession } from '../api/session.ts';
import { cartCount, useCart } from '../cart.ts';

function SearchBox() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [text, setText] = useState(params.get('search') ?? '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    if (text.trim()) next.set('search', text.trim());
    else next.delete('search');
    void navigate(`/?${next.toString()}`);
  };
  return (
    <form onSubmit={submit} role="search" style={{ flex: 1, maxWidth: 420 }}>
      <TextInput aria-label="Search the catalog" placeholder="Search products" value={text} onChange={(e) => setText(e.currentTarget.value)} />
    </form>
  );
}

/** The signed-in user's email, which only they may read. */
function ViewerEmail() {
  const viewer = useQuery({ queryKey: ['viewer'], queryFn: () => execute(StorefrontViewerDocument, {}), staleTime: 300_000 });
  return viewer.data?.me ? <Menu.Label>{viewer.data.me.email}</Menu.Label> : null;
}

function Account() {
  const session = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  if (!session) {
    return (
      <Group gap="xs">
        <Button component={Link} to="/sign-in" variant="default">
          Sign in
        </Button>
        <Button component={Link} to="/register" variant="subtle">
          Register
        </Button>
      </Group>
    );
  }
  const signOut = async () => {
    // Ends the session at the marketplace too, so its refresh token is worthless if it was copied.
    await executeAnonymously(StorefrontSignOutDocument, { refreshToken: session.refreshToken }).catch(() => undefined);
    sessionStore.set(null);
    queries.clear();
    void navigate('/');
  };
  return (
    <Menu position="bottom-end">
      <Menu.Target>
        <Button variant="default" aria-label={`Account of ${session.user.name}`}>
          {session.user.name}
        </Button>
      </Menu.Target>
      <Menu.Dropdown>
        <ViewerEmail />
        <Menu.Item component={Link} to="/orders">
          My orders
        </Menu.Item>
        {(hasRole(session, 'SELLER') || hasRole(session, 'ADMIN')) && (
          <>
            <Menu.Item component={Link} to="/selling">
              My listings
            </Menu.Item>
            <Menu.Item component={Link} to="/selling/sales">
              My sales
            </Menu.Item>
          </>
        )}
        <Menu.Divider />
        <Menu.Item onClick={() => void signOut()}>Sign out</Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

export function Layout() {
  const lines = useCart();
  const session = useSession();
  const count = cartCount(lines);
  return (
    <AppShell header={{ height: 64 }} padding="md">
      <AppShell.Header>
        <Container size="xl" h="100%">
          <Group h="100%" justify="space-between" wrap="nowrap" gap="md">
            <Anchor component={Link} to="/" underline="never" c="inherit">
              <Title order={3}>Marketplace</Title>
            </Anchor>
            <SearchBox />
            <Group gap="sm" wrap="nowrap" component="nav" aria-label="Main">
              {session && (
                <Anchor component={NavLink} to="/orders">
                  Orders
                </Anchor>
              )}
              {(hasRole(session, 'SELLER') || hasRole(session, 'ADMIN')) && (
                <Anchor component={NavLink} to="/selling">
                  Selling
                </Anchor>
              )}
              <Button component={Link} to="/cart" variant="light" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
                Cart
                {count > 0 && (
                  <Badge ml={6} size="sm" circle>
                    {count}
                  </Badge>
                )}
              </Button>
              <Account />
            </Group>
          </Group>
        </Container>
      </AppShell.Header>
      <AppShell.Main>
        <Container size="xl">
          <Outlet />
        </Container>
      </AppShell.Main>
    </AppShell>
  );
}
