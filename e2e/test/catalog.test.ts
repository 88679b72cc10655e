// The catalog through the gateway: categories, rich listings, search and filters, seller controls.
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { errorCodes, expectData, graphql } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';
import { createProduct, login, PLACE_ORDER, register, stockOf, type Account } from '../harness/marketplace.ts';

let sg: Supergraph;
let admin: string;
let seller: Account;
let rival: Account;
let buyer: Account;
const categories: Record<string, string> = {};

const CREATE_CATEGORY = 'mutation ($input: CreateCategoryInput!) { createCategory(input: $input) { id name slug parent { slug } } }';
const CREATE = `mutation ($input: CreateProductInput!) { createProduct(input: $input) {
  id status category { slug } attributes { name value } images createdAt updatedAt } }`;
const SEARCH = `query ($filter: ProductFilter, $sort: ProductSort, $first: Int) {
  products(filter: $filter, sort: $sort, first: $first) { totalCount edges { node { id title price { amount } } } } }`;

async function category(name: string, parent?: string, slug?: string) {
  const data = await expectData(sg.url, CREATE_CATEGORY, { input: { name, ...(slug ? { slug } : {}), ...(parent ? { parentId: categories[parent] } : {}) } }, { token: admin });
  categories[data.createCategory.slug] = data.createCategory.id;
  return data.createCategory;
}

async function listing(title: string, input: Record<string, unknown>) {
  const data = await expectData(
    sg.url,
    CREATE,
    { input: { title, description: 'Solid and well made', price: { amount: 1000, currency: 'EUR' }, stock: 3, ...input } },
    { token: seller.token },
  );
  return data.createProduct.id as string;
}

const titles = async (filter: Record<string, unknown>, sort = 'TITLE', token?: string) => {
  const data = await expectData(sg.url, SEARCH, { filter: { sellerId: seller.id, ...filter }, sort, first: 100 }, token ? { token } : {});
  return data.products.edges.map((e: any) => e.node.title);
};

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  admin = await login(sg.url, sg.admin.email, sg.admin.password);
  [seller, rival, buyer] = await Promise.all([register(sg.url, 'SELLER'), register(sg.url, 'SELLER'), register(sg.url, 'BUYER')]);
  await category('Clothing');
  await category('Shoes', 'clothing');
  await category('Running Shoes', 'shoes');
  await category('Kitchen');
});
afterAll(() => sg?.stop());

describe('categories', () => {
  it('form a tree readable from the roots and by slug', async () => {
    const data = await expectData(sg.url, '{ categories { slug children { slug children { slug parent { slug } } } } }');
    expect(data.categories.map((c: any) => c.slug)).toEqual(['clothing', 'kitchen']);
    expect(data.categories[0].children[0].children[0]).toEqual({ slug: 'running-shoes', parent: { slug: 'shoes' } });
    const bySlug = await expectData(sg.url, '{ category(slug: "shoes") { name parent { name } } }');
    expect(bySlug.category).toEqual({ name: 'Shoes', parent: { name: 'Clothing' } });
    expect((await expectData(sg.url, '{ category(slug: "nope") { id } }')).category).toBeNull();
  });

  it('are created by ADMINs only, with unique slugs', async () => {
    const asSeller = await graphql(sg.url, CREATE_CATEGORY, { input: { name: 'Garden' } }, { token: seller.token });
    expect(errorCodes(asSeller)).toEqual(['FORBIDDEN']);
    const taken = await graphql(sg.url, CREATE_CATEGORY, { input: { name: 'Kitchen' } }, { token: admin });
    expect(errorCodes(taken)).toEqual(['CONFLICT']);
    const badSlug = await graphql(sg.url, CREATE_CATEGORY, { input: { name: 'Garden', slug: 'Not A Slug' } }, { token: admin });
    expect(errorCodes(badSlug)).toEqual(['BAD_USER_INPUT']);
    const orphan = await graphql(sg.url, CREATE_CATEGORY, { input: { name: 'Garden', parentId: 'aaaaaaaaaaaaaaaaaaaaaaaa' } }, { token: admin });
    expect(errorCodes(orphan)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('listings, search and filters', () => {
  beforeAll(async () => {
    await listing('Trail Runner Pro', {
      categoryId: categories['running-shoes'],
      price: { amount: 12900, currency: 'EUR' },
      attributes: [{ name: 'Colour', value: 'Bleu foncé' }, { name: 'Size', value: '42' }],
      images: ['https://img.example.com/trail.jpg'],
    });
    await listing('City Sneaker', { categoryId: categories.shoes, price: { amount: 7900, currency: 'EUR' }, attributes: [{ name: 'colour', value: 'White' }] });
    await listing('Wool Sweater', { categoryId: categories.clothing, price: { amount: 5900, currency: 'EUR' }, description: 'Warm crème-coloured wool' });
    await listing('Chef Knife', { categoryId: categories.kitchen, price: { amount: 4500, currency: 'EUR' }, stock: 0 });
    await listing('Espresso Cups', { categoryId: categories.kitchen, price: { amount: 2500, currency: 'USD' } });
  });

  it('stores attributes, images, category, status and updatedAt', async () => {
    const data = await expectData(sg.url, CREATE, {
      input: { title: 'Apron', description: 'Linen', price: { amount: 1500, currency: 'EUR' }, stock: 1, categoryId: categories.kitchen, attributes: [{ name: 'Material', value: 'Linen' }], images: ['http://img.example.com/a.png'] },
    }, { token: seller.token });
    expect(data.createProduct).toMatchObject({ status: 'ACTIVE', category: { slug: 'kitchen' }, attributes: [{ name: 'Material', value: 'Linen' }], images: ['http://img.example.com/a.png'] });
    const { createdAt, updatedAt } = data.createProduct;
    expect(new Date(createdAt).toISOString()).toBe(createdAt);
    expect(Math.abs(Date.now() - Date.parse(createdAt))).toBeLessThan(60_000);
    // A new listing has not been updated since it was created.
    expect(updatedAt).toBe(createdAt);
    // Archiving is a change: it moves updatedAt on, past createdAt.
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(createdAt)));
    const archived = await expectData(sg.url, 'mutation ($id: ID!) { archiveProduct(id: $id) { status createdAt updatedAt } }', { id: data.createProduct.id }, { token: seller.token });
    expect(archived.archiveProduct.status).toBe('ARCHIVED');
    expect(archived.archiveProduct.createdAt).toBe(createdAt);
    expect(Date.parse(archived.archiveProduct.updatedAt)).toBeGreaterThan(Date.parse(createdAt));
    const read = await expectData(sg.url, `{ product(id: "${data.createProduct.id}") { updatedAt } }`);
    expect(read.product.updatedAt).toBe(archived.archiveProduct.updatedAt);
  });

  it('searches words of titles, descriptions and attribute values, ignoring case and accents, all words required', async () => {
    expect(await titles({ search: 'TRAIL' })).toEqual(['Trail Runner Pro']);
    expect(await titles({ search: 'bleu fonce' })).toEqual(['Trail Runner Pro']);
    expect(await titles({ search: 'creme wool' })).toEqual(['Wool Sweater']);
    expect(await titles({ search: 'wool trail' })).toEqual([]);
  });

  it('filters by category including descendants, price range, currency, stock and attributes', async () => {
    expect(await titles({ categoryId: categories.clothing })).toEqual(['City Sneaker', 'Trail Runner Pro', 'Wool Sweater']);
    expect(await titles({ categoryId: categories.shoes })).toEqual(['City Sneaker', 'Trail Runner Pro']);
    expect(await titles({ minPrice: 4500, maxPrice: 7900, currency: 'EUR' })).toEqual(['Chef Knife', 'City Sneaker', 'Wool Sweater']);
    expect(await titles({ currency: 'usd' })).toEqual(['Espresso Cups']);
    expect(await titles({ categoryId: categories.kitchen, inStock: true })).toEqual(['Espresso Cups']);
    expect(await titles({ attributes: [{ name: 'COLOUR', value: 'white' }] })).toEqual(['City Sneaker']);
    expect(await titles({ attributes: [{ name: 'colour', value: 'bleu fonce' }, { name: 'size', value: '42' }] })).toEqual(['Trail Runner Pro']);
  });

  it('sorts by price both ways and counts the whole match', async () => {
    expect(await titles({ currency: 'EUR' }, 'PRICE_ASC')).toEqual(['Chef Knife', 'Wool Sweater', 'City Sneaker', 'Trail Runner Pro']);
    expect(await titles({ currency: 'EUR' }, 'PRICE_DESC')).toEqual(['Trail Runner Pro', 'City Sneaker', 'Wool Sweater', 'Chef Knife']);
    // Those were listed from dearest to cheapest, so oldest or newest first would pass as well:
    // prices listed out of order tell a price sort from a date sort.
    const mixed = [3000, 1000, 4000, 2000];
    for (const amount of mixed) await createProduct(sg.url, rival.token, { title: `Mixed ${amount}`, stock: 1, amount });
    const rivals = async (sort: string) =>
      (await expectData(sg.url, SEARCH, { filter: { sellerId: rival.id }, sort, first: 100 })).products.edges.map((e: any) => e.node.price.amount);
    expect(await rivals('PRICE_DESC')).toEqual([4000, 3000, 2000, 1000]);
    expect(await rivals('PRICE_ASC')).toEqual([1000, 2000, 3000, 4000]);
    expect(await rivals('NEWEST')).toEqual([...mixed].reverse());
    const data = await expectData(sg.url, SEARCH, { filter: { sellerId: seller.id }, first: 2 });
    expect(data.products.edges).toHaveLength(2);
    expect(data.products.totalCount).toBe(5);
  });

  it.each([
    ['a negative price', { minPrice: -1 }, /minPrice must be a non-negative integer/],
    ['min above max', { minPrice: 10, maxPrice: 5 }, /minPrice must not be above maxPrice/],
    ['an unknown category', { categoryId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }, /category .* does not exist/],
    ['a malformed category id', { categoryId: 'shoes' }, /not a valid id/],
    ['an unknown currency', { currency: 'ABC' }, /ISO 4217/],
  ])('refuses %s with BAD_USER_INPUT', async (_name, filter, message) => {
    const result = await graphql(sg.url, SEARCH, { filter });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.message).toMatch(message);
  });

  it('refuses bad listing input', async () => {
    const bad = async (input: Record<string, unknown>) =>
      errorCodes(await graphql(sg.url, CREATE, { input: { title: 'X', description: 'Y', price: { amount: 1, currency: 'EUR' }, stock: 1, ...input } }, { token: seller.token }));
    expect(await bad({ images: ['ftp://example.com/x.png'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ images: ['/relative.png'] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ categoryId: 'aaaaaaaaaaaaaaaaaaaaaaaa' })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ attributes: [{ name: ' ', value: 'x' }] })).toEqual(['BAD_USER_INPUT']);
    expect(await bad({ attributes: [{ name: 'a', value: '1' }, { name: 'A', value: '2' }] })).toEqual(['BAD_USER_INPUT']);
  });
});

describe("a seller's controls", () => {
  const UPDATE = 'mutation ($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { title description price { amount } category { slug } updatedAt createdAt } }';
  const ARCHIVE = 'mutation ($id: ID!) { archiveProduct(id: $id) { status } }';
  const ADJUST = 'mutation ($id: ID!, $delta: Int!) { adjustStock(id: $id, delta: $delta) { stock } }';

  it('updates only the given fields, by the seller or an ADMIN only', async () => {
    const id = await createProduct(sg.url, seller.token, { title: 'Lamp', stock: 2 });
    const created = (await expectData(sg.url, `{ product(id: "${id}") { createdAt updatedAt } }`)).product;
    expect(created.updatedAt).toBe(created.createdAt);
    // A clock tick at least, so an update that moved updatedAt on is told from one that did not.
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(created.createdAt)));
    const data = await expectData(sg.url, UPDATE, { id, input: { title: 'Desk Lamp', categoryId: categories.kitchen } }, { token: seller.token });
    expect(data.updateProduct).toMatchObject({ title: 'Desk Lamp', description: 'A fine thing', category: { slug: 'kitchen' } });
    expect(data.updateProduct.createdAt).toBe(created.createdAt);
    expect(Date.parse(data.updateProduct.updatedAt)).toBeGreaterThan(Date.parse(created.createdAt));
    expect(Date.parse(data.updateProduct.updatedAt)).toBeLessThanOrEqual(Date.now());
    expect(errorCodes(await graphql(sg.url, UPDATE, { id, input: { title: 'Mine now' } }, { token: rival.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(sg.url, UPDATE, { id, input: { title: '  ' } }, { token: seller.token }))).toEqual(['BAD_USER_INPUT']);
    await vi.waitFor(() => expect(Date.now()).toBeGreaterThan(Date.parse(data.updateProduct.updatedAt)));
    const asAdmin = await expectData(sg.url, UPDATE, { id, input: { price: { amount: 999, currency: 'EUR' } } }, { token: admin });
    expect(asAdmin.updateProduct.price.amount).toBe(999);
    expect(Date.parse(asAdmin.updateProduct.updatedAt)).toBeGreaterThan(Date.parse(data.updateProduct.updatedAt));
    expect(await titles({ search: 'desk' })).toEqual(['Desk Lamp']);
  });

  it('archives: hidden from the catalog except for its seller and ADMINs, still readable by id, no longer orderable', async () => {
    const id = await createProduct(sg.url, seller.token, { title: 'Old Model', stock: 5 });
    expect(errorCodes(await graphql(sg.url, ARCHIVE, { id }, { token: rival.token }))).toEqual(['FORBIDDEN']);
    expect((await expectData(sg.url, ARCHIVE, { id }, { token: seller.token })).archiveProduct.status).toBe('ARCHIVED');
    expect((await expectData(sg.url, ARCHIVE, { id }, { token: seller.token })).archiveProduct.status).toBe('ARCHIVED');
    expect(await titles({ search: 'old model' })).toEqual([]);
    expect(await titles({ search: 'old model' }, 'TITLE', buyer.token)).toEqual([]);
    expect(await titles({ search: 'old model' }, 'TITLE', seller.token)).toEqual(['Old Model']);
    expect(await titles({ search: 'old model' }, 'TITLE', admin)).toEqual(['Old Model']);
    expect((await expectData(sg.url, `{ product(id: "${id}") { status } }`)).product.status).toBe('ARCHIVED');
    const order = await graphql(sg.url, PLACE_ORDER, { input: { items: [{ productId: id, quantity: 1 }] } }, { token: buyer.token });
    expect(errorCodes(order)).toEqual(['BAD_USER_INPUT']);
    expect(await stockOf(sg.url, id)).toBe(5);
  });

  it('adjusts stock up and down, never below zero, by the seller or an ADMIN only', async () => {
    const id = await createProduct(sg.url, seller.token, { stock: 2 });
    expect((await expectData(sg.url, ADJUST, { id, delta: 5 }, { token: seller.token })).adjustStock.stock).toBe(7);
    expect((await expectData(sg.url, ADJUST, { id, delta: -7 }, { token: admin })).adjustStock.stock).toBe(0);
    const below = await graphql(sg.url, ADJUST, { id, delta: -1 }, { token: seller.token });
    expect(errorCodes(below)).toEqual(['BAD_USER_INPUT']);
    expect(below.errors?.[0]?.message).toMatch(/below zero/);
    expect(errorCodes(await graphql(sg.url, ADJUST, { id, delta: 3 }, { token: rival.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(sg.url, ADJUST, { id, delta: 3 }, { token: buyer.token }))).toEqual(['FORBIDDEN']);
    expect(errorCodes(await graphql(sg.url, ADJUST, { id, delta: 3 }))).toEqual(['UNAUTHENTICATED']);
    expect(await stockOf(sg.url, id)).toBe(0);
  });
});
