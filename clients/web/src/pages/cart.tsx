// The cart and checkout: placeOrder with an idempotency key (kept across retries of the same basket),
// then the order page, where the order is paid.
import { Alert, Anchor, Button, CloseButton, Group, NumberInput, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { StorefrontPlaceOrderDocument } from '../__generated__/graphql.ts';
import { execute } from '../api/client.ts';
import { ApiError, NETWORK_ERROR } from '../api/errors.ts';
import { useSession } from '../api/session.ts';
import { cart, cartTotals, checkoutFor, finishCheckout, MAX_QUANTITY, rememberCheckout, useCart, type CartLine } from '../cart.ts';
import { Empty, ErrorNotice } from '../components/feedback.tsx';
import { formatMoney } from '../money.ts';

/** Whether the order may have been placed although no answer arrived: then the same key must be sent again. */
function outcomeUnknown(error: unknown): boolean {
  return !(error instanceof ApiError) || error.code === NETWORK_ERROR || error.status >= 500 || error.code === 'INTERNAL_SERVER_ERROR';
}

export function CartPage() {
  const lines = useCart();
  const session = useSession();
  const navigate = useNavigate();
  const totals = cartTotals(lines);
  const place = useMutation({
    mutationFn: async (basket: CartLine[]) => {
      const checkout = checkoutFor(basket);
      try {
        const data = await execute(StorefrontPlaceOrderDocument, {
          input: { idempotencyKey: checkout.idempotencyKey, items: basket.map((l) => ({ productId: l.productId, quantity: l.quantity })) },
        });
        rememberCheckout({ ...checkout, orderId: data.placeOrder.id });
        return data.placeOrder;
      } catch (error) {
        // A refused order was not placed: the next attempt is a new order with a new key.
        if (!outcomeUnknown(error)) localStorage.removeItem('marketplace.checkout');
        throw error;
      }
    },
    onSuccess: (order) => {
      finishCheckout();
      void navigate(`/orders/${order.id}?placed=1`);
    },
  });

  if (lines.length === 0) {
    return (
      <Stack>
        <Title order={2}>Your cart</Title>
        <Empty>
          Your cart is empty. <Anchor component={Link} to="/">Browse the catalog</Anchor>
        </Empty>
      </Stack>
    );
  }
  const mixedCurrencies = totals.length > 1;
  return (
    <Stack>
      <Title order={2}>Your cart</Title>
      <Table verticalSpacing="sm" aria-label="Cart">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Product</Table.Th>
            <Table.Th>Price</Table.Th>
            <Table.Th>Quantity</Table.Th>
            <Table.Th>Subtotal</Table.Th>
            <Table.Th />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {lines.map((line) => (
            <Table.Tr key={line.productId} data-testid="cart-line">
              <Table.Td>
                <Anchor component={Link} to={`/products/${line.productId}`}>
                  {line.title}
                </Anchor>
                <Text size="xs" c="dimmed">
                  by {line.sellerName}
                </Text>
              </Table.Td>
              <Table.Td>{formatMoney(line.unitPrice)}</Table.Td>
              <Table.Td>
                <NumberInput
                  aria-label={`Quantity of ${line.title}`}
                  min={1}
                  max={MAX_QUANTITY}
                  allowDecimal={false}
                  value={line.quantity}
                  onChange={(v) => typeof v === 'number' && cart.setQuantity(line.productId, v)}
                  w={100}
                />
              </Table.Td>
              <Table.Td>{formatMoney({ amount: line.unitPrice.amount * line.quantity, currency: line.unitPrice.currency })}</Table.Td>
              <Table.Td>
                <CloseButton aria-label={`Remove ${line.title}`} onClick={() => cart.remove(line.productId)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Paper withBorder p="md" maw={420} ml="auto">
        <Stack gap="sm">
          <Group justify="space-between">
            <Text fw={600}>Total</Text>
            <Text fw={700} data-testid="cart-total">
              {totals.map(formatMoney).join(' + ')}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            Prices are confirmed when the order is placed. The stock is held for you until the payment is due.
          </Text>
          {mixedCurrencies && (
            <Alert color="yellow" role="alert">
              An order is paid in one currency. Check out the products of each currency separately.
            </Alert>
          )}
          <ErrorNotice error={place.error} title="The order was not placed" />
          {session ? (
            <Button onClick={() => place.mutate(lines)} loading={place.isPending} disabled={mixedCurrencies}>
              Place order
            </Button>
          ) : (
            <Button component={Link} to="/sign-in?next=%2Fcart">
              Sign in to check out
            </Button>
          )}
        </Stack>
      </Paper>
    </Stack>
  );
}
