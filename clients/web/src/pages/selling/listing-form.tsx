// Creating a product, or editing one (only the fields that changed are sent).
import { useEffect, useState, type FormEvent } from 'react';
import { Button, Group, NumberInput, Paper, Select, Stack, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from 'react-router';
import {
  StorefrontCreateProductDocument,
  StorefrontProductDocument,
  StorefrontUpdateProductDocument,
  type UpdateProductInput,
} from '../../__generated__/graphql.ts';
import { execute } from '../../api/client.ts';
import { useCategoryOptions } from '../../components/categories.ts';
import { ErrorNotice, Loading } from '../../components/feedback.tsx';
import { formatMoney, parseAmount } from '../../money.ts';

interface Draft {
  title: string;
  description: string;
  price: string;
  currency: string;
  stock: number;
  categoryId: string | null;
  image: string;
}

const EMPTY: Draft = { title: '', description: '', price: '', currency: 'EUR', stock: 1, categoryId: null, image: '' };
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'SEK', 'JPY'];

export function ListingFormPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const editing = id !== undefined;
  const existing = useQuery({ queryKey: ['product', id], queryFn: () => execute(StorefrontProductDocument, { id: id ?? '' }), enabled: editing });
  const options = useCategoryOptions();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [priceError, setPriceError] = useState<string | undefined>();

  const product = existing.data?.product;
  useEffect(() => {
    if (!product) return;
    const digits = product.price.currency === 'JPY' ? 0 : 2;
    setDraft({
      title: product.title,
      description: product.description,
      price: (product.price.amount / 10 ** digits).toFixed(digits),
      currency: product.price.currency,
      stock: product.stock,
      categoryId: product.category?.id ?? null,
      image: product.images[0] ?? '',
    });
  }, [product]);

  const save = useMutation({
    mutationFn: async (amount: number) => {
      const price = { amount, currency: draft.currency };
      const images = draft.image.trim() ? [draft.image.trim()] : [];
      if (!editing) {
        const data = await execute(StorefrontCreateProductDocument, {
          input: { title: draft.title, description: draft.description, price, stock: draft.stock, images, ...(draft.categoryId ? { categoryId: draft.categoryId } : {}) },
        });
        return data.createProduct.id;
      }
      const input: UpdateProductInput = {};
      if (draft.title !== product?.title) input.title = draft.title;
      if (draft.description !== product?.description) input.description = draft.description;
      if (amount !== product?.price.amount || draft.currency !== product.price.currency) input.price = price;
      if (draft.categoryId && draft.categoryId !== product?.category?.id) input.categoryId = draft.categoryId;
      if ((product?.images[0] ?? '') !== draft.image.trim()) input.images = images;
      const data = await execute(StorefrontUpdateProductDocument, { id, input });
      return data.updateProduct.id;
    },
    onSuccess: async (productId) => {
      await queries.invalidateQueries({ queryKey: ['listings'] });
      await queries.invalidateQueries({ queryKey: ['catalog'] });
      await queries.invalidateQueries({ queryKey: ['product', productId] });
      void navigate('/selling');
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const amount = parseAmount(draft.price, draft.currency);
    if (amount === undefined) {
      setPriceError(`Enter a price such as ${formatMoney({ amount: 1999, currency: draft.currency })} as 19.99`);
      return;
    }
    setPriceError(undefined);
    save.mutate(amount);
  };

  if (editing && existing.isPending) return <Loading />;
  if (editing && existing.error) return <ErrorNotice error={existing.error} title="This product could not be loaded" />;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  return (
    <Paper withBorder p="xl" maw={640} mx="auto">
      <form onSubmit={submit}>
        <Stack>
          <Title order={2}>{editing ? `Edit ${product?.title ?? 'product'}` : 'New product'}</Title>
          <ErrorNotice error={save.error} title="The product was not saved" />
          <TextInput label="Title" required maxLength={200} value={draft.title} onChange={(e) => set('title', e.currentTarget.value)} />
          <Textarea label="Description" required autosize minRows={3} value={draft.description} onChange={(e) => set('description', e.currentTarget.value)} />
          <Group grow align="start">
            <TextInput label="Price" required inputMode="decimal" placeholder="19.99" value={draft.price} onChange={(e) => set('price', e.currentTarget.value)} error={priceError} />
            <Select label="Currency" data={CURRENCIES} value={draft.currency} onChange={(v) => set('currency', v ?? 'EUR')} allowDeselect={false} />
          </Group>
          {!editing && <NumberInput label="Stock" min={0} allowDecimal={false} value={draft.stock} onChange={(v) => set('stock', typeof v === 'number' ? v : 0)} />}
          <Select label="Category" placeholder="None" data={options} value={draft.categoryId} onChange={(v) => set('categoryId', v)} clearable={!editing} />
          <TextInput label="Image URL" type="url" placeholder="https://…" value={draft.image} onChange={(e) => set('image', e.currentTarget.value)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => void navigate('/selling')}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {editing ? 'Save changes' : 'Create product'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
