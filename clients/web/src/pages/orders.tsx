// The buyer's order history, newest first, optionally by status, with cursor paging.
import { Anchor, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { StorefrontOrderHistoryDocument, type OrderStatus } from '../__generated__/graphql.ts';
import { execute } from '../api/client.ts';
import { Empty, ErrorNotice, Loading } from '../components/feedback.tsx';
import { statusFilters, statusParam } from '../components/status-filter.ts';
import { OrderStatusBadge, STATUS_LABELS } from '../components/status.tsx';
import { formatDate, formatMoney } from '../money.ts';

const PAGE_SIZE = 10;
const STATUS_FILTERS = statusFilters(STATUS_LABELS);

export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const status = statusParam<OrderStatus>(params, STATUS_LABELS);
  const history = useInfiniteQuery({
    queryKey: ['orders', status],
    queryFn: ({ pageParam }) => execute(StorefrontOrderHistoryDocument, { status, first: PAGE_SIZE, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.me?.orders.pageInfo.hasNextPage ? (last.me.orders.pageInfo.endCursor ?? undefined) : undefined),
  });
  const orders = history.data?.pages.flatMap((page) => page.me?.orders.edges.map((e) => e.node) ?? []) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>My orders</Title>
        <SegmentedControl data={STATUS_FILTERS} value={status ?? 'ALL'} onChange={(value) => setParams(value === 'ALL' ? {} : { status: value })} />
      </Group>
      <ErrorNotice error={history.error} title="Your orders could not be loaded" />
      {history.isPending && <Loading label="Loading your orders…" />}
      {history.isSuccess && orders.length === 0 && (
        <Empty>
          No orders yet. <Anchor component={Link} to="/">Find something you like</Anchor>
        </Empty>
      )}
      {orders.length > 0 && (
        <Table verticalSpacing="sm" highlightOnHover aria-label="Orders">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Placed</Table.Th>
              <Table.Th>Items</Table.Th>
              <Table.Th>Total</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Tracking</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {orders.map((order) => (
              <Table.Tr key={order.id} data-testid="order-row">
                <Table.Td>
                  <Anchor component={Link} to={`/orders/${order.id}`}>
                    {formatDate(order.createdAt)}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" lineClamp={2}>
                    {order.items.map((i) => `${i.quantity} × ${i.title}`).join(', ')}
                  </Text>
                </Table.Td>
                <Table.Td>{formatMoney(order.total)}</Table.Td>
                <Table.Td>
                  <OrderStatusBadge status={order.status} />
                </Table.Td>
                <Table.Td>{order.trackingNumber ?? '—'}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {history.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void history.fetchNextPage()} loading={history.isFetchingNextPage}>
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
