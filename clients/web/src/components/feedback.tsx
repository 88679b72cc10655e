// How a page says that something failed, is loading, or is empty.
import { Alert, Center, Loader, Text } from '@mantine/core';
import { cart } from '../cart.ts';
import { describeError } from '../api/errors.ts';

export function ErrorNotice({ error, title = 'That did not work' }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert color="red" title={title} role="alert">
      {describeError(error, { productTitle: (id) => cart.title(id) })}
    </Alert>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" aria-busy="true">
      <Loader size="sm" mr="sm" />
      <Text c="dimmed">{label}</Text>
    </Center>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return (
    <Text c="dimmed" py="lg" ta="center">
      {children}
    </Text>
  );
}
