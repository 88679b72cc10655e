import { useState } from 'react';
import { Alert, Anchor, Badge, Button, Grid, Group, NumberInput, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { StorefrontProductDocument } from '../__generated__/graphql.ts';
import { execute } from '../api/client.ts';
import { cart, MAX_QUANTITY, useCart } from '../cart.ts';
import { ErrorNotice, Loading } from '../components/feedback.tsx';
import { ProductImage } from '../components/product-image.tsx';
import { formatMoney } from '../money.ts';

export function ProductPage() {
  const { id = '' } = useParams();
  const product = useQuery({ queryKey: ['product', id], queryFn: () => execute(StorefrontProductDocument, { id }) });
  const [quantity, setQuantity] = useState(1);
  const lines = useCart();
  if (product.isPending) return <Loading />;
  if (product.error) return <ErrorNotice error={product.error} title="This product could not be loaded" />;
  const p = product.data.product;
  if (!p) {
    return (
      <Alert color="yellow" title="Product not found" role="alert">
        This product does not exist. <Anchor component={Link} to="/">Back to the catalog</Anchor>
      </Alert>
    );
  }
  const inCart = lines.find((l) => l.productId === p.id)?.quantity ?? 0;
  const orderable = p.status === 'ACTIVE' && p.stock > 0;
  return (
    <Grid gap="xl">
      <Grid.Col span={{ base: 12, md: 6 }}>
        <ProductImage images={p.images} title={p.title} height={380} />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 6 }}>
        <Stack gap="sm">
          <Title order={1}>{p.title}</Title>
          <Text c="dimmed">
            Sold by {p.seller.name}
            {p.category ? ` · ${p.category.name}` : ''}
          </Text>
          <Text size="xl" fw={700} data-testid="product-price">
            {formatMoney(p.price)}
          </Text>
          {p.status === 'ARCHIVED' ? (
            <Badge color="gray">No longer sold</Badge>
          ) : p.stock === 0 ? (
            <Badge color="red">Sold out</Badge>
          ) : (
            <Badge color={p.stock < 5 ? 'orange' : 'teal'} data-testid="product-stock">
              {p.stock < 5 ? `Only ${p.stock} left` : `${p.stock} in stock`}
            </Badge>
          )}
          <Text style={{ whiteSpace: 'pre-line' }}>{p.description}</Text>
          {p.attributes.length > 0 && (
            <Table withRowBorders={false} w="auto">
              <Table.Tbody>
                {p.attributes.map((a) => (
                  <Table.Tr key={a.name}>
                    <Table.Th>{a.name}</Table.Th>
                    <Table.Td>{a.value}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {orderable && (
            <Group align="end">
              <NumberInput label="Quantity" min={1} max={Math.min(MAX_QUANTITY, p.stock)} value={quantity} onChange={(v) => setQuantity(typeof v === 'number' ? v : 1)} w={120} allowDecimal={false} />
              <Button onClick={() => cart.add({ productId: p.id, title: p.title, unitPrice: p.price, sellerName: p.seller.name }, quantity)}>Add to cart</Button>
            </Group>
          )}
          {inCart > 0 && (
            <Text size="sm" role="status">
              {inCart} in your cart · <Anchor component={Link} to="/cart">View cart</Anchor>
            </Text>
          )}
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
