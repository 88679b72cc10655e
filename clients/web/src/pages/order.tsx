// One order: its lines, payment, cancellation, tracking number and timeline.
import { useState } from 'react';
import { Alert, Anchor, Button, Grid, Group, Paper, Stack, Table, Text, TextInput, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams, useSearchParams } from 'react-router';
import { StorefrontCancelOrderDocument, StorefrontOrderDocument, StorefrontPayOrderDocument, type OrderStatus } from '../__generated__/graphql.ts';
import { execute } from '../api/client.ts';
import { useSession } from '../api/session.ts';
import { ErrorNotice, Loading } from '../components/feedback.tsx';
import { OrderStatusBadge, STATUS_LABELS } from '../components/status.tsx';
import { formatDate, formatMoney } from '../money.ts';

const CANCELLABLE: OrderStatus[] = ['PENDING', 'PAID'];

export function OrderPage() {
  const { id = '' } = useParams();
  const [params] = useSearchParams();
  const session = useSession();
  const queries = useQueryClient();
  const order = useQuery({ queryKey: ['order', id], queryFn: () => execute(StorefrontOrderDocument, { id }) });
  const [reason, setReason] = useState('');
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const refresh = async () => {
    await queries.invalidateQueries({ queryKey: ['order', id] });
    await queries.invalidateQueries({ queryKey: ['orders'] });
    // Stock changed: the catalog's figures are stale.
    await queries.invalidateQueries({ queryKey: ['catalog'] });
    await queries.invalidateQueries({ queryKey: ['product'] });
  };
  const pay = useMutation({ mutationFn: () => execute(StorefrontPayOrderDocument, { id }), onSuccess: refresh });
  const cancel = useMutation({
    mutationFn: () => execute(StorefrontCancelOrderDocument, { id, reason: reason.trim() || undefined }),
    onSuccess: async () => {
      setConfirmingCancel(false);
      await refresh();
    },
  });

  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.error) return <ErrorNotice error={order.error} title="This order could not be loaded" />;
  const o = order.data.order;
  if (!o) {
    return (
      <Alert color="yellow" title="Order not found" role="alert">
        There is no such order in your account. <Anchor component={Link} to="/orders">Your orders</Anchor>
      </Alert>
    );
  }
  const isBuyer = session?.user.id === o.buyer.id;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Order of {formatDate(o.createdAt)}</Title>
          <Text size="sm" c="dimmed">
            Order number {o.id}
          </Text>
        </div>
        <OrderStatusBadge status={o.status} />
      </Group>
      {params.get('placed') === '1' && o.status === 'PENDING' && (
        <Alert color="teal" title="Your order is placed" role="status">
          We are holding the stock for you. Pay now to complete it.
        </Alert>
      )}
      <Grid gap="xl">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Table verticalSpacing="sm" aria-label="Order lines">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Product</Table.Th>
                <Table.Th>Quantity</Table.Th>
                <Table.Th>Unit price</Table.Th>
                <Table.Th>Subtotal</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {o.items.map((item) => (
                <Table.Tr key={item.product.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/products/${item.product.id}`}>
                      {item.title}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{item.quantity}</Table.Td>
                  <Table.Td>{formatMoney(item.unitPrice)}</Table.Td>
                  <Table.Td>{formatMoney(item.lineTotal)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end" mt="sm">
            <Text fw={600}>Total</Text>
            <Text fw={700} data-testid="order-total">
              {formatMoney(o.total)}
            </Text>
          </Group>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            {o.trackingNumber && (
              <Paper withBorder p="md">
                <Text size="sm" c="dimmed">
                  Tracking number
                </Text>
                <Text fw={600} data-testid="tracking-number">
                  {o.trackingNumber}
                </Text>
              </Paper>
            )}
            {isBuyer && o.status === 'PENDING' && (
              <Paper withBorder p="md">
                <Stack gap="xs">
                  {o.paymentDueAt && <Text size="sm">Pay by {formatDate(o.paymentDueAt)}, or the order is cancelled and its stock goes back.</Text>}
                  <ErrorNotice error={pay.error} title="The payment did not go through" />
                  <Button onClick={() => pay.mutate()} loading={pay.isPending}>
                    Pay {formatMoney(o.total)}
                  </Button>
                </Stack>
              </Paper>
            )}
            {isBuyer && CANCELLABLE.includes(o.status) && (
              <Paper withBorder p="md">
                {confirmingCancel ? (
                  <Stack gap="xs">
                    <TextInput label="Reason (optional)" maxLength={500} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
                    <ErrorNotice error={cancel.error} title="The order was not cancelled" />
                    <Group>
                      <Button color="red" onClick={() => cancel.mutate()} loading={cancel.isPending}>
                        Cancel the order
                      </Button>
                      <Button variant="default" onClick={() => setConfirmingCancel(false)}>
                        Keep it
                      </Button>
                    </Group>
                  </Stack>
                ) : (
                  <Button variant="subtle" color="red" onClick={() => setConfirmingCancel(true)}>
                    Cancel order…
                  </Button>
                )}
              </Paper>
            )}
            <Paper withBorder p="md">
              <Title order={4} mb="sm">
                Timeline
              </Title>
              <Timeline active={o.events.length - 1} bulletSize={14} lineWidth={2} aria-label="Timeline">
                {o.events.map((event) => (
                  <Timeline.Item key={`${event.status}-${event.at}`} title={STATUS_LABELS[event.status]}>
                    <Text size="xs" c="dimmed">
                      {formatDate(event.at)}
                      {event.actor ? ` · ${event.actor.name}` : event.status === 'CANCELLED' ? ' · automatically' : ''}
                    </Text>
                    {event.note && <Text size="sm">“{event.note}”</Text>}
                  </Timeline.Item>
                ))}
              </Timeline>
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
