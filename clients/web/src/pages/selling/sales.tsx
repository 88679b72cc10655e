// A seller's sales: orders with their products, to ship (with a tracking number) and mark delivered.
import { useState } from 'react';
import { Anchor, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { StorefrontDeliverOrderDocument, StorefrontSalesDocument, StorefrontShipOrderDocument, type OrderSummaryFragment } from '../../__generated__/graphql.ts';
import { execute } from '../../api/client.ts';
import { Empty, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { OrderStatusBadge } from '../../components/status.tsx';
import { formatDate, formatMoney } from '../../money.ts';
import { statusParam, STATUS_FILTERS } from '../orders.tsx';

const PAGE_SIZE = 10;

function SaleActions({ order }: { order: OrderSummaryFragment }) {
  const queries = useQueryClient();
  const [tracking, setTracking] = useState('');
  const done = () => queries.invalidateQueries({ queryKey: ['sales'] });
  const ship = useMutation({ mutationFn: () => execute(StorefrontShipOrderDocument, { id: order.id, trackingNumber: tracking.trim() }), onSuccess: done });
  const deliver = useMutation({ mutationFn: () => execute(StorefrontDeliverOrderDocument, { id: order.id }), onSuccess: done });
  if (order.status === 'PAID') {
    return (
      <Stack gap="xs">
        <Group align="end" gap="xs">
          <TextInput label="Tracking number" value={tracking} onChange={(e) => setTracking(e.currentTarget.value)} maxLength={100} />
          <Button onClick={() => ship.mutate()} loading={ship.isPending} disabled={!tracking.trim()}>
            Mark shipped
          </Button>
        </Group>
        <ErrorNotice error={ship.error} title="Not shipped" />
      </Stack>
    );
  }
  if (order.status === 'SHIPPED') {
    return (
      <Stack gap="xs">
        <Button variant="light" onClick={() => deliver.mutate()} loading={deliver.isPending}>
          Mark delivered
        </Button>
        <ErrorNotice error={deliver.error} title="Not marked delivered" />
      </Stack>
    );
  }
  if (order.status === 'PENDING') return <Text size="sm" c="dimmed">Waiting for the buyer's payment</Text>;
  return null;
}

export function SalesPage() {
  const [params, setParams] = useSearchParams();
  const status = statusParam(params);
  const sales = useInfiniteQuery({
    queryKey: ['sales', status],
    queryFn: ({ pageParam }) => execute(StorefrontSalesDocument, { status, first: PAGE_SIZE, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.me?.sales.pageInfo.hasNextPage ? (last.me.sales.pageInfo.endCursor ?? undefined) : undefined),
  });
  const orders = sales.data?.pages.flatMap((page) => page.me?.sales.edges.map((e) => e.node) ?? []) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>My sales</Title>
        <Anchor component={Link} to="/selling">
          My listings
        </Anchor>
      </Group>
      <SegmentedControl data={STATUS_FILTERS} value={status ?? 'ALL'} onChange={(value) => setParams(value === 'ALL' ? {} : { status: value })} />
      <ErrorNotice error={sales.error} title="Your sales could not be loaded" />
      {sales.isPending && <Loading label="Loading your sales…" />}
      {sales.isSuccess && orders.length === 0 && <Empty>No sales here yet.</Empty>}
      {orders.map((order) => (
        <Paper withBorder p="md" key={order.id} component="article" aria-label={`Sale ${order.id}`} data-testid="sale">
          <Group justify="space-between" align="start">
            <Stack gap={4}>
              <Group gap="xs">
                <Text fw={600}>{order.buyer.name}</Text>
                <OrderStatusBadge status={order.status} />
              </Group>
              <Text size="sm" c="dimmed">
                {formatDate(order.createdAt)} · {formatMoney(order.total)}
                {order.trackingNumber ? ` · tracking ${order.trackingNumber}` : ''}
              </Text>
              {order.items.map((item) => (
                <Text size="sm" key={item.product.id}>
                  {item.quantity} × {item.title}
                </Text>
              ))}
            </Stack>
            <SaleActions order={order} />
          </Group>
        </Paper>
      ))}
      {sales.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void sales.fetchNextPage()} loading={sales.isFetchingNextPage}>
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
