// A seller's sales: their part (fulfilment) of each order, to ship with a tracking number, mark
// delivered, or cancel before it ships (its stock goes back and a payment for it is refunded).
import { useState } from 'react';
import { Anchor, Badge, Button, Group, Paper, SegmentedControl, Stack, Text, TextInput, Title } from '@mantine/core';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import {
  StorefrontCancelFulfillmentDocument,
  StorefrontDeliverFulfillmentDocument,
  StorefrontFulfillmentsDocument,
  StorefrontShipFulfillmentDocument,
  type FulfillmentStatus,
  type SellerFulfillmentFragment,
} from '../../__generated__/graphql.ts';
import { execute } from '../../api/client.ts';
import { Empty, ErrorNotice, Loading } from '../../components/feedback.tsx';
import { statusFilters, statusParam } from '../../components/status-filter.ts';
import { formatDate, formatMoney } from '../../money.ts';

const PAGE_SIZE = 10;
const LABELS: Record<FulfillmentStatus, string> = { PENDING: 'To ship', SHIPPED: 'Shipped', DELIVERED: 'Delivered', CANCELLED: 'Cancelled' };
const COLOURS: Record<FulfillmentStatus, string> = { PENDING: 'blue', SHIPPED: 'grape', DELIVERED: 'teal', CANCELLED: 'gray' };
const FILTERS = statusFilters(LABELS);

function SaleActions({ sale }: { sale: SellerFulfillmentFragment }) {
  const queries = useQueryClient();
  const [tracking, setTracking] = useState('');
  const [cancelling, setCancelling] = useState(false);
  const done = async () => {
    await queries.invalidateQueries({ queryKey: ['sales'] });
    await queries.invalidateQueries({ queryKey: ['listings'] });
  };
  const ship = useMutation({ mutationFn: () => execute(StorefrontShipFulfillmentDocument, { id: sale.id, trackingNumber: tracking.trim() }), onSuccess: done });
  const deliver = useMutation({ mutationFn: () => execute(StorefrontDeliverFulfillmentDocument, { id: sale.id }), onSuccess: done });
  const cancel = useMutation({ mutationFn: () => execute(StorefrontCancelFulfillmentDocument, { id: sale.id }), onSuccess: done });
  if (sale.status === 'PENDING') {
    const paid = sale.order.status !== 'PENDING';
    return (
      <Stack gap="xs" align="flex-end">
        {paid ? (
          <Group align="end" gap="xs">
            <TextInput label="Tracking number" value={tracking} onChange={(e) => setTracking(e.currentTarget.value)} maxLength={100} />
            <Button onClick={() => ship.mutate()} loading={ship.isPending} disabled={!tracking.trim()}>
              Mark shipped
            </Button>
          </Group>
        ) : (
          <Text size="sm" c="dimmed">
            Waiting for the buyer's payment
          </Text>
        )}
        {cancelling ? (
          <Group gap="xs">
            <Button size="xs" color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
              Cancel my part
            </Button>
            <Button size="xs" variant="default" onClick={() => setCancelling(false)}>
              Keep it
            </Button>
          </Group>
        ) : (
          <Button size="xs" variant="subtle" color="red" onClick={() => setCancelling(true)}>
            Cancel…
          </Button>
        )}
        <ErrorNotice error={ship.error ?? cancel.error} title="That did not work" />
      </Stack>
    );
  }
  if (sale.status === 'SHIPPED') {
    return (
      <Stack gap="xs">
        <Button variant="light" onClick={() => deliver.mutate()} loading={deliver.isPending}>
          Mark delivered
        </Button>
        <ErrorNotice error={deliver.error} title="Not marked delivered" />
      </Stack>
    );
  }
  return null;
}

export function SalesPage() {
  const [params, setParams] = useSearchParams();
  const status = statusParam<FulfillmentStatus>(params, LABELS);
  const sales = useInfiniteQuery({
    queryKey: ['sales', status],
    queryFn: ({ pageParam }) => execute(StorefrontFulfillmentsDocument, { status, first: PAGE_SIZE, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.me?.fulfillments.pageInfo.hasNextPage ? (last.me.fulfillments.pageInfo.endCursor ?? undefined) : undefined),
  });
  const items = sales.data?.pages.flatMap((page) => page.me?.fulfillments.edges.map((e) => e.node) ?? []) ?? [];
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>My sales</Title>
        <Anchor component={Link} to="/selling">
          My listings
        </Anchor>
      </Group>
      <SegmentedControl data={FILTERS} value={status ?? 'ALL'} onChange={(value) => setParams(value === 'ALL' ? {} : { status: value })} />
      <ErrorNotice error={sales.error} title="Your sales could not be loaded" />
      {sales.isPending && <Loading label="Loading your sales…" />}
      {sales.isSuccess && items.length === 0 && <Empty>No sales here yet.</Empty>}
      {items.map((sale) => (
        <Paper withBorder p="md" key={sale.id} component="article" aria-label={`Sale to ${sale.order.buyer.name}`} data-testid="sale">
          <Group justify="space-between" align="start">
            <Stack gap={4}>
              <Group gap="xs">
                <Text fw={600}>{sale.order.buyer.name}</Text>
                <Badge color={COLOURS[sale.status]} variant="light" data-status={sale.status}>
                  {LABELS[sale.status]}
                </Badge>
              </Group>
              <Text size="sm" c="dimmed">
                {formatDate(sale.order.createdAt)} · {formatMoney(sale.subtotal)}
                {sale.trackingNumber ? ` · tracking ${sale.trackingNumber}` : ''}
              </Text>
              {sale.items.map((item) => (
                <Text size="sm" key={item.product.id}>
                  {item.quantity} × {item.title}
                </Text>
              ))}
            </Stack>
            <SaleActions sale={sale} />
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
