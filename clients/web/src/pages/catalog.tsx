// The catalog: search, filters, sort and cursor paging ("Show more"), all in the URL so a page can be shared.
import { useState, type FormEvent } from 'react';
import { Button, Card, Checkbox, Grid, Group, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { StorefrontCatalogDocument, type ProductCardFragment, type ProductFilter, type ProductSort } from '../__generated__/graphql.ts';
import { execute } from '../api/client.ts';
import { cart } from '../cart.ts';
import { useCategoryOptions } from '../components/categories.ts';
import { Empty, ErrorNotice, Loading } from '../components/feedback.tsx';
import { ProductImage } from '../components/product-image.tsx';
import { formatMoney } from '../money.ts';

const PAGE_SIZE = 12;
const SORTS: { value: ProductSort; label: string }[] = [
  { value: 'NEWEST', label: 'Newest' },
  { value: 'PRICE_ASC', label: 'Price: low to high' },
  { value: 'PRICE_DESC', label: 'Price: high to low' },
  { value: 'TITLE', label: 'Name' },
];

/** Whole currency units in the URL, minor units in the filter. */
const toMinor = (text: string | null) => (text && /^\d+(\.\d{1,2})?$/.test(text) ? Math.round(Number(text) * 100) : undefined);

function filterFrom(params: URLSearchParams): ProductFilter {
  const filter: ProductFilter = {};
  const search = params.get('search');
  if (search) filter.search = search;
  const category = params.get('category');
  if (category) filter.categoryId = category;
  const min = toMinor(params.get('min'));
  if (min !== undefined) filter.minPrice = min;
  const max = toMinor(params.get('max'));
  if (max !== undefined) filter.maxPrice = max;
  if (params.get('inStock') === '1') filter.inStock = true;
  return filter;
}

export function ProductCard({ product }: { product: ProductCardFragment }) {
  const soldOut = product.stock === 0;
  return (
    <Card withBorder padding="md" component="article" aria-label={product.title}>
      <Card.Section>
        <Link to={`/products/${product.id}`} tabIndex={-1}>
          <ProductImage images={product.images} title={product.title} height={160} />
        </Link>
      </Card.Section>
      <Stack gap={4} mt="sm">
        <Text fw={600} component={Link} to={`/products/${product.id}`} lineClamp={2} c="inherit" td="none">
          {product.title}
        </Text>
        <Text size="sm" c="dimmed">
          by {product.seller.name}
          {product.category ? ` · ${product.category.name}` : ''}
        </Text>
        <Group justify="space-between" mt="xs">
          <Text fw={700}>{formatMoney(product.price)}</Text>
          <Button
            size="xs"
            disabled={soldOut}
            onClick={() => cart.add({ productId: product.id, title: product.title, unitPrice: product.price, sellerName: product.seller.name })}
            aria-label={`Add ${product.title} to cart`}
          >
            {soldOut ? 'Sold out' : 'Add to cart'}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function Filters() {
  const [params, setParams] = useSearchParams();
  const options = useCategoryOptions();
  const [min, setMin] = useState(params.get('min') ?? '');
  const [max, setMax] = useState(params.get('max') ?? '');
  const update = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next);
  };
  const applyPrices = (event: FormEvent) => {
    event.preventDefault();
    const next = new URLSearchParams(params);
    for (const [name, value] of [['min', min], ['max', max]] as const) {
      if (value.trim()) next.set(name, value.trim());
      else next.delete(name);
    }
    setParams(next);
  };
  return (
    <Stack gap="md" component="aside" aria-label="Filters">
      <Select label="Category" placeholder="All categories" data={options} value={params.get('category')} onChange={(value) => update('category', value)} clearable />
      <form onSubmit={applyPrices}>
        <Group grow align="end" gap="xs">
          <TextInput label="Min price" inputMode="decimal" value={min} onChange={(e) => setMin(e.currentTarget.value)} />
          <TextInput label="Max price" inputMode="decimal" value={max} onChange={(e) => setMax(e.currentTarget.value)} />
        </Group>
        <Button type="submit" variant="light" size="xs" mt="xs">
          Apply prices
        </Button>
      </form>
      <Checkbox label="In stock only" checked={params.get('inStock') === '1'} onChange={(e) => update('inStock', e.currentTarget.checked ? '1' : null)} />
      <Select
        label="Sort by"
        data={SORTS}
        value={params.get('sort') ?? 'NEWEST'}
        onChange={(value) => update('sort', value === 'NEWEST' ? null : value)}
        allowDeselect={false}
      />
    </Stack>
  );
}

export function CatalogPage() {
  const [params] = useSearchParams();
  const filter = filterFrom(params);
  const sort = (SORTS.find((s) => s.value === params.get('sort'))?.value ?? 'NEWEST') satisfies ProductSort;
  const catalog = useInfiniteQuery({
    queryKey: ['catalog', filter, sort],
    queryFn: ({ pageParam }) => execute(StorefrontCatalogDocument, { filter, sort, first: PAGE_SIZE, after: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.products.pageInfo.hasNextPage ? (last.products.pageInfo.endCursor ?? undefined) : undefined),
    // The previous results stay on screen while a new search or filter loads.
    placeholderData: keepPreviousData,
  });
  const products = catalog.data?.pages.flatMap((page) => page.products.edges.map((edge) => edge.node)) ?? [];
  const total = catalog.data?.pages[0]?.products.totalCount;
  return (
    <Grid gap="xl">
      <Grid.Col span={{ base: 12, md: 3 }}>
        <Filters />
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 9 }}>
        <Group justify="space-between" mb="md">
          <Title order={2}>{filter.search ? `Results for “${filter.search}”` : 'Catalog'}</Title>
          {total !== undefined && (
            <Text c="dimmed" data-testid="catalog-count">
              {total} {total === 1 ? 'product' : 'products'}
            </Text>
          )}
        </Group>
        <ErrorNotice error={catalog.error} title="The catalog could not be loaded" />
        {catalog.isPending && <Loading label="Loading the catalog…" />}
        {catalog.isSuccess && products.length === 0 && <Empty>No products match. Try other words or fewer filters.</Empty>}
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          {products.map((product) => (
            <ProductCard key={product.id} product={product} />
          ))}
        </SimpleGrid>
        {catalog.hasNextPage && (
          <Group justify="center" mt="lg">
            <Button variant="default" onClick={() => void catalog.fetchNextPage()} loading={catalog.isFetchingNextPage}>
              Show more
            </Button>
          </Group>
        )}
      </Grid.Col>
    </Grid>
  );
}
