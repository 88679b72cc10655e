// A seller's listings: edit, adjust stock, archive.
import { useState } from 'react';
import { Anchor, Badge, Button, Group, NumberInput, Popover, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { StorefrontAdjustStockDocument, StorefrontArchiveProductDocument, StorefrontListingsDocument, type ListingFragment } from '../../__generated__/graphql.ts';
import { execute } from '../../api/client.ts';
import { Empty, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatMoney } from '../../money.ts';

const PAGE_SIZE = 20;

function StockControl({ listing }: { listing: ListingFragment }) {
  const queries = useQueryClient();
  const [delta, setDelta] = useState<number>(1);
  const [open, setOpen] = useState(false);
  const adjust = useMutation({
    mutationFn: () => execute(StorefrontAdjustStockDocument, { id: listing.id, delta }),
    onSuccess: async () => {
      setOpen(false);
      await queries.invalidateQueries({ queryKey: ['listings'] });
      await queries.invalidateQueries({ queryKey: ['catalog'] });
    },
  });
  return (
    <Popover opened={open} onChange={setOpen} trapFocus position="bottom">
      <Popover.Target>
        <Button size="xs" variant="default" onClick={() => setOpen((o) => !o)} aria-label={`Adjust stock of ${listing.title}`}>
          Stock…
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs">
          <NumberInput label="Add (or remove, with a minus)" value={delta} onChange={(v) => setDelta(typeof v === 'number' ? v : 0)} allowDecimal={false} w={220} />
          <ErrorNotice error={adjust.error} title="Stock not changed" />
          <Button size="xs" onClick={() => adjust.mutate()} loading={adjust.isPending} disabled={delta === 0}>
            Apply
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

function ArchiveButton({ listing }: { listing: ListingFragment }) {
  const queries = useQueryClient();
  const archive = useMutation({
    mutationFn: () => execute(StorefrontArchiveProductDocument, { id: listing.id }),
    onSuccess: async () => {
      await queries.invalidateQueries({ queryKey: ['listings'] });
      await queries.invalidateQueries({ queryKey: ['catalog'] });
    },
  });
  if (listing.status === 'ARCHIVED') return null;
  return (
    <>
      <Button size="xs" variant="subtle" color="red" onClick={() => archive.mutate()} loading={archive.isPending} aria-label={`Archive ${listing.title}`}>
        Archive
      </Button>
      <ErrorNotice error={archive.error} title="Not archived" />
    </>
  );
}

export function ListingsPage() {
  const listings = useInfiniteQuery({
    queryKey: ['listings'],
    queryFn: ({ pageParam }) => execute(StorefrontListingsDocument, { first: PAGE_SIZE, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.me?.products.pageInfo.hasNextPage ? (last.me.products.pageInfo.endCursor ?? undefined) : undefined),
  });
  const items = listings.data?.pages.flatMap((page) => page.me?.products.edges.map((e) => e.node) ?? []) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>My listings</Title>
        <Group>
          <Button component={Link} to="/selling/sales" variant="default">
            My sales
          </Button>
          <Button component={Link} to="/selling/new">
            New product
          </Button>
        </Group>
      </Group>
      <ErrorNotice error={listings.error} title="Your listings could not be loaded" />
      {listings.isPending && <Loading label="Loading your listings…" />}
      {listings.isSuccess && items.length === 0 && <Empty>You have no listings yet. Add your first product.</Empty>}
      {items.length > 0 && (
        <Table verticalSpacing="sm" aria-label="Listings">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Product</Table.Th>
              <Table.Th>Price</Table.Th>
              <Table.Th>Stock</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((listing) => (
              <Table.Tr key={listing.id} data-testid="listing-row">
                <Table.Td>
                  <Anchor component={Link} to={`/products/${listing.id}`}>
                    {listing.title}
                  </Anchor>
                  {listing.category && (
                    <Text size="xs" c="dimmed">
                      {listing.category.name}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{formatMoney(listing.price)}</Table.Td>
                <Table.Td data-testid="listing-stock">{listing.stock}</Table.Td>
                <Table.Td>
                  <Badge color={listing.status === 'ACTIVE' ? 'teal' : 'gray'} variant="light">
                    {listing.status === 'ACTIVE' ? 'Listed' : 'Archived'}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Group gap="xs" justify="flex-end">
                    <Button size="xs" variant="default" component={Link} to={`/selling/${listing.id}/edit`} aria-label={`Edit ${listing.title}`}>
                      Edit
                    </Button>
                    <StockControl listing={listing} />
                    <ArchiveButton listing={listing} />
                  </Group>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {listings.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void listings.fetchNextPage()} loading={listings.isFetchingNextPage}>
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
