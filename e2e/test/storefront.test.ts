// The storefront in a real browser (Debian's Chromium, driven by playwright-core), against the real
// supergraph on the real database, with the gateway running only the clients' manifest documents
// (safelist, ids required) and CORS open to the storefront's origin alone.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { expectData } from '@marketplace/testing';
import { browserMissing, launchBrowser, openWatchedPage, type WatchedPage } from '../harness/browser.ts';
import { createProduct, ORDER_MUTATIONS, placeOrder, register, type Account } from '../harness/marketplace.ts';
import { startStorefrontStack, type StorefrontStack } from '../harness/storefront.ts';

const tag = `t${randomBytes(3).toString('hex')}`;
const password = `Shopper-${randomBytes(6).toString('hex')}`;

let stack: StorefrontStack;
let browser: Browser;
let seller: Account;
const products: Record<'lantern' | 'teapot' | 'kettle', { id: string; title: string }> = {
  lantern: { id: '', title: `Brass lantern ${tag}` },
  teapot: { id: '', title: `Cast iron teapot ${tag}` },
  kettle: { id: '', title: `Copper kettle ${tag}` },
};

/** Refused sign-ins and the like are answered with a status a test may expect; the gateway's 401s are part of the flows. */
const open = (): Promise<WatchedPage> => openWatchedPage(browser, { allowStatus: (url, status) => url === stack.gatewayUrl && status === 401 });

async function registerInBrowser(page: Page, name: string, email: string, role: 'Buy' | 'Sell'): Promise<void> {
  await page.getByLabel('Name').fill(name);
  await page.getByLabel(/^Email/).fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByLabel(role).check();
  await page.getByRole('button', { name: 'Create account' }).click();
}

/** Fills in the sign-in form the page shows and sends it. */
async function signInInBrowser(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.getByLabel(/^Email/).fill(account.email);
  await page.getByLabel(/^Password/).fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function storedSession(page: Page): Promise<{ accessToken: string; refreshToken: string; expiresAt: string } | null> {
  return page.evaluate(() => JSON.parse(localStorage.getItem('marketplace.session') ?? 'null'));
}

async function orderStatus(orderId: string, token: string): Promise<{ status: string; trackingNumber: string | null }> {
  const data = await expectData(stack.supergraph.url, 'query ($id: ID!) { order(id: $id) { status trackingNumber } }', { id: orderId }, { token });
  return data.order;
}

describe.skipIf(browserMissing())('the storefront in a browser', () => {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStorefrontStack(), launchBrowser()]);
    const url = stack.supergraph.url;
    seller = await register(url, 'SELLER', `Atelier ${tag}`);
    products.lantern.id = await createProduct(url, seller.token, { title: products.lantern.title, stock: 5, amount: 4500 });
    products.teapot.id = await createProduct(url, seller.token, { title: products.teapot.title, stock: 1, amount: 3000 });
    products.kettle.id = await createProduct(url, seller.token, { title: products.kettle.title, stock: 0, amount: 2000 });
    // Not found by the search: the catalog holds more than its results.
    await createProduct(url, seller.token, { title: 'Oak reading chair', stock: 2, amount: 24000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('a buyer searches, filters and sorts, reads a product, registers at checkout, places and pays an order and finds it in the history', async () => {
    const watched = await open();
    const { page } = watched;
    await page.goto(stack.storefrontUrl);
    await expect.poll(() => page.getByRole('heading', { name: 'Catalog' }).isVisible()).toBe(true);
    await watched.screenshot('catalog');

    // Search from the header: the three products of this test, newest first.
    await page.getByLabel('Search the catalog').fill(tag);
    await expect.poll(() => page.getByTestId('catalog-count').textContent()).toBe('4 products');
    await page.getByLabel('Search the catalog').press('Enter');
    await expect.poll(() => page.getByRole('heading', { name: `Results for “${tag}”` }).isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('catalog-count').textContent()).toBe('3 products');
    const titles = () => page.locator('article').evaluateAll((cards) => cards.map((c) => c.getAttribute('aria-label')));
    await expect.poll(titles).toEqual([products.kettle.title, products.teapot.title, products.lantern.title]);
    await expect.poll(() => page.getByRole('button', { name: `Add ${products.kettle.title} to cart` }).isDisabled()).toBe(true);

    // Filter: in stock only; sort: price, high to low.
    await page.getByLabel('In stock only').click();
    await expect.poll(() => page.getByLabel('In stock only').isChecked()).toBe(true);
    await expect.poll(() => page.getByTestId('catalog-count').textContent()).toBe('2 products');
    await page.getByRole('combobox', { name: 'Sort by' }).click();
    await page.getByRole('option', { name: 'Price: high to low' }).click();
    await expect.poll(titles).toEqual([products.lantern.title, products.teapot.title]);
    expect(new URL(page.url()).searchParams.get('sort')).toBe('PRICE_DESC');
    await watched.screenshot('catalog-search');

    // The product page, and two of it into the cart.
    await page.getByRole('link', { name: products.lantern.title, exact: true }).last().click();
    await expect.poll(() => page.getByRole('heading', { name: products.lantern.title }).isVisible()).toBe(true);
    expect(await page.getByTestId('product-price').textContent()).toMatch(/45\.00/);
    expect(await page.getByTestId('product-stock').textContent()).toBe('5 in stock');
    await page.getByLabel('Quantity').fill('2');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await expect.poll(() => page.getByRole('link', { name: 'Cart, 2 items' }).isVisible()).toBe(true);
    await watched.screenshot('product');

    // The cart is the browser's: it survives a reload.
    await page.getByRole('link', { name: 'Cart, 2 items' }).click();
    await page.reload();
    await expect.poll(() => page.getByTestId('cart-line').count()).toBe(1);
    expect(await page.getByTestId('cart-total').textContent()).toMatch(/90\.00/);

    // Checking out needs an account: register, and come back to the cart.
    await page.getByRole('link', { name: 'Sign in to check out' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await registerInBrowser(page, `Shopper ${tag}`, `shopper-${tag}@example.com`, 'Buy');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/cart');
    await watched.screenshot('cart');

    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByText('Your order is placed').isVisible()).toBe(true);
    const orderId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.getByTestId('order-total').textContent()).toMatch(/90\.00/);
    await page.getByRole('button', { name: /^Pay / }).click();
    await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('PAID');
    await expect.poll(() => page.getByLabel('Timeline').textContent()).toMatch(/Awaiting payment.*Paid/);
    await watched.screenshot('order');
    // The cart was emptied by the order, and the stock was taken.
    await expect.poll(() => page.getByRole('link', { name: 'Cart, 0 items' }).isVisible()).toBe(true);
    const stock = await expectData(stack.supergraph.url, 'query ($id: ID!) { product(id: $id) { stock } }', { id: products.lantern.id });
    expect(stock.product.stock).toBe(3);

    // The history lists it, paid.
    await page.getByRole('link', { name: 'Orders' }).click();
    await expect.poll(() => page.getByTestId('order-row').count()).toBe(1);
    expect(await page.getByTestId('order-row').textContent()).toContain(`2 × ${products.lantern.title}`);
    expect(await page.getByTestId('order-row').locator('[data-status]').getAttribute('data-status')).toBe('PAID');
    expect(await page.getByTestId('order-row').getByRole('link').getAttribute('href')).toBe(`/orders/${orderId}`);
    await watched.screenshot('orders');

    expect(watched.problems()).toEqual([]);
    await watched.close();
  });

  it("sends an anonymous visitor's catalog and product reads by GET, which the gateway marks public for a CDN, and a signed-in user's by POST", async () => {
    const watched = await open();
    const { page } = watched;
    const reads: { method: string; url: string; cacheControl: string | undefined; vary: string | undefined }[] = [];
    page.on('response', (response) => {
      if (!response.url().startsWith(stack.gatewayUrl)) return;
      const headers = response.headers();
      reads.push({ method: response.request().method(), url: response.url(), cacheControl: headers['cache-control'], vary: headers['vary']?.toLowerCase() });
    });
    await page.goto(`${stack.storefrontUrl}/products/${products.lantern.id}`);
    await expect.poll(() => page.getByRole('heading', { name: products.lantern.title }).isVisible()).toBe(true);
    const gets = reads.filter((read) => read.method === 'GET');
    expect(gets.length).toBeGreaterThan(0);
    expect(reads.filter((read) => read.method === 'POST')).toEqual([]);
    for (const read of gets) {
      expect(new URL(read.url).searchParams.get('documentId')).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(read.cacheControl).toMatch(/^max-age=\d+, public$/);
      expect(read.vary).toContain('authorization');
    }
    // The same page for a signed-in buyer: POSTs only, answered private.
    const buyer = await register(stack.supergraph.url, 'BUYER');
    await page.goto(`${stack.storefrontUrl}/sign-in`);
    await signInInBrowser(page, buyer);
    await expect.poll(() => storedSession(page).then((session) => session !== null)).toBe(true);
    reads.length = 0;
    await page.goto(`${stack.storefrontUrl}/products/${products.lantern.id}`);
    await expect.poll(() => page.getByRole('heading', { name: products.lantern.title }).isVisible()).toBe(true);
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.filter((read) => read.method !== 'POST')).toEqual([]);
    expect(reads.map((read) => read.cacheControl).filter((value) => value?.includes('public'))).toEqual([]);
    expect(watched.problems()).toEqual([]);
    await watched.close();
  });

  it('names the product that is short of stock, and cancels an order with a reason', async () => {
    const watched = await open();
    const { page } = watched;
    const buyer = await register(stack.supergraph.url, 'BUYER', `Second shopper ${tag}`);
    await page.goto(`${stack.storefrontUrl}/sign-in`);
    await signInInBrowser(page, buyer);
    await expect.poll(() => page.getByRole('button', { name: `Account of Second shopper ${tag}` }).isVisible()).toBe(true);

    // Two teapots, of which one is left.
    await page.goto(`${stack.storefrontUrl}/products/${products.teapot.id}`);
    await page.getByLabel('Quantity').fill('1');
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.goto(`${stack.storefrontUrl}/cart`);
    await page.getByLabel(`Quantity of ${products.teapot.title}`).fill('2');
    await page.getByLabel(`Quantity of ${products.teapot.title}`).blur();
    await page.getByRole('button', { name: 'Place order' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'not enough stock' });
    await expect.poll(() => alert.textContent()).toContain(`“${products.teapot.title}”`);
    await watched.screenshot('cart-insufficient-stock');
    // Nothing was ordered, the cart is still there.
    const none = await expectData(stack.supergraph.url, '{ me { orders { totalCount } } }', {}, { token: buyer.token });
    expect(none.me.orders.totalCount).toBe(0);

    await page.getByLabel(`Quantity of ${products.teapot.title}`).fill('1');
    await page.getByLabel(`Quantity of ${products.teapot.title}`).blur();
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByText('Your order is placed').isVisible()).toBe(true);
    const orderId = new URL(page.url()).pathname.split('/').pop()!;

    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByLabel('Reason (optional)').fill('ordered by mistake');
    await page.getByRole('button', { name: 'Cancel the order' }).click();
    await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('CANCELLED');
    await expect.poll(() => page.getByLabel('Timeline').textContent()).toContain('“ordered by mistake”');
    expect((await orderStatus(orderId, buyer.token)).status).toBe('CANCELLED');
    const back = await expectData(stack.supergraph.url, 'query ($id: ID!) { product(id: $id) { stock } }', { id: products.teapot.id });
    expect(back.product.stock).toBe(1);

    expect(watched.problems()).toEqual([]);
    await watched.close();
  });

  it('places the order once when the answer to "Place order" is lost and the shopper tries again', async () => {
    const watched = await open();
    const { page } = watched;
    const buyer = await register(stack.supergraph.url, 'BUYER', `Unlucky shopper ${tag}`);
    await page.goto(`${stack.storefrontUrl}/sign-in?next=%2Fcart`);
    await signInInBrowser(page, buyer);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/cart');
    await page.goto(`${stack.storefrontUrl}/products/${products.lantern.id}`);
    await page.getByRole('button', { name: 'Add to cart' }).click();
    await page.goto(`${stack.storefrontUrl}/cart`);

    // The first placement reaches the gateway and is carried out, but its answer never arrives.
    let placements = 0;
    await page.route(stack.gatewayUrl, async (route) => {
      const body = route.request().postDataJSON() as { documentId?: string; variables?: { input?: { idempotencyKey?: string } } };
      if (route.request().method() !== 'POST' || !body.variables?.input?.idempotencyKey) return route.continue();
      placements += 1;
      if (placements > 1) return route.continue();
      await route.fetch();
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByRole('alert').filter({ hasText: 'could not reach the marketplace' }).isVisible()).toBe(true);
    const placedOnce = await expectData(stack.supergraph.url, '{ me { orders { totalCount edges { node { id } } } } }', {}, { token: buyer.token });
    expect(placedOnce.me.orders.totalCount).toBe(1);

    // Trying again sends the same key, and gets that same order back instead of a second one.
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect.poll(() => page.getByText('Your order is placed').isVisible()).toBe(true);
    expect(placements).toBe(2);
    expect(new URL(page.url()).pathname).toBe(`/orders/${placedOnce.me.orders.edges[0].node.id}`);
    const after = await expectData(stack.supergraph.url, '{ me { orders { totalCount } } }', {}, { token: buyer.token });
    expect(after.me.orders.totalCount).toBe(1);
    await page.getByRole('button', { name: 'Cancel order…' }).click();
    await page.getByRole('button', { name: 'Cancel the order' }).click();
    await expect.poll(() => page.locator('[data-status]').first().getAttribute('data-status')).toBe('CANCELLED');

    // The aborted answer is the one failure this test caused.
    expect(watched.problems().filter((p) => !p.includes(stack.gatewayUrl))).toEqual([]);
    await watched.close();
  });

  it('stays signed in across reloads with the refresh token, and sends a session that ended to sign-in', async () => {
    const watched = await open();
    const { page } = watched;
    const buyer = await register(stack.supergraph.url, 'BUYER', `Returning shopper ${tag}`);
    await page.goto(`${stack.storefrontUrl}/sign-in?next=%2Forders`);
    await signInInBrowser(page, buyer);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/orders');
    const first = (await storedSession(page))!;

    // The access token has run out (as after a night away): the next page renews it with the refresh token.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('marketplace.session')!);
      localStorage.setItem('marketplace.session', JSON.stringify({ ...session, expiresAt: new Date(Date.now() - 1000).toISOString() }));
    });
    await page.reload();
    await expect.poll(() => page.getByText('No orders yet.').isVisible()).toBe(true);
    const renewed = (await storedSession(page))!;
    expect(renewed.refreshToken).not.toBe(first.refreshToken);
    expect(renewed.accessToken).not.toBe(first.accessToken);
    expect(Date.parse(renewed.expiresAt)).toBeGreaterThan(Date.now());
    // The spent refresh token no longer works: it was really used.
    const reused = await fetch(stack.supergraph.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation ($t: String!) { refresh(refreshToken: $t) { accessToken } }', variables: { t: first.refreshToken } }),
    }).then((r) => r.json() as Promise<{ errors?: { extensions?: { code?: string } }[] }>);
    expect(reused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');

    // Signed out elsewhere: the session ended, so the storefront asks to sign in again and comes back.
    await expectData(stack.supergraph.url, 'mutation { logoutEverywhere }', {}, { token: renewed.accessToken });
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('marketplace.session')!);
      localStorage.setItem('marketplace.session', JSON.stringify({ ...session, expiresAt: new Date(Date.now() - 1000).toISOString() }));
    });
    await page.goto(`${stack.storefrontUrl}/orders?status=PAID`);
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/orders?status=PAID');
    expect(await storedSession(page)).toBeNull();
    await signInInBrowser(page, buyer);
    await expect.poll(() => `${new URL(page.url()).pathname}${new URL(page.url()).search}`).toBe('/orders?status=PAID');

    expect(watched.problems()).toEqual([]);
    await watched.close();
  });

  it('a seller registers, lists a product, changes its stock and price, ships and delivers their part of a two-seller order, and archives it', async () => {
    const watched = await open();
    const { page } = watched;
    await page.goto(`${stack.storefrontUrl}/register`);
    await registerInBrowser(page, `Potter ${tag}`, `potter-${tag}@example.com`, 'Sell');
    await expect.poll(() => page.getByRole('heading', { name: 'My listings' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('You have no listings yet.').isVisible()).toBe(true);

    const title = `Stoneware bowl ${tag}`;
    await page.getByRole('link', { name: 'New product' }).click();
    await page.getByLabel('Title').fill(title);
    await page.getByLabel('Description').fill('Wheel-thrown, 15 cm, glazed in oat.');
    await page.getByLabel('Price').fill('12.50');
    await page.getByLabel('Stock').fill('3');
    await watched.screenshot('seller-new-product');
    await page.getByRole('button', { name: 'Create product' }).click();
    const row = page.getByTestId('listing-row').filter({ hasText: title });
    await expect.poll(() => row.getByTestId('listing-stock').textContent()).toBe('3');
    expect(await row.textContent()).toMatch(/12\.50/);

    // Two more in stock.
    await row.getByRole('button', { name: `Adjust stock of ${title}` }).click();
    await page.getByLabel('Add (or remove, with a minus)').fill('2');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => row.getByTestId('listing-stock').textContent()).toBe('5');

    // A new price.
    await row.getByRole('link', { name: `Edit ${title}` }).click();
    await expect.poll(() => page.getByLabel('Price').inputValue()).toBe('12.50');
    await page.getByLabel('Price').fill('14.00');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => row.textContent()).toMatch(/14\.00/);
    await watched.screenshot('seller-listings');

    // A buyer orders two, with another seller's lantern in the same basket, and pays.
    const found = await expectData(stack.supergraph.url, 'query ($s: String!) { products(filter: { search: $s }) { edges { node { id title price { amount } } } } }', { s: `bowl ${tag}` });
    expect(found.products.edges.map((e: any) => [e.node.title, e.node.price.amount])).toEqual([[title, 1400]]);
    const buyer = await register(stack.supergraph.url, 'BUYER', `Bowl buyer ${tag}`);
    const orderId = await placeOrder(stack.supergraph.url, buyer.token, [
      { productId: found.products.edges[0].node.id, quantity: 2 },
      { productId: products.lantern.id, quantity: 1 },
    ]);
    await expectData(stack.supergraph.url, ORDER_MUTATIONS.pay, { id: orderId }, { token: buyer.token });

    // The sale is the potter's part only: shipped with a tracking number, then delivered.
    await page.getByRole('link', { name: 'My sales' }).click();
    const sale = page.getByTestId('sale').filter({ hasText: `Bowl buyer ${tag}` });
    await expect.poll(() => sale.locator('[data-status]').getAttribute('data-status')).toBe('PENDING');
    expect(await sale.textContent()).toContain(`2 × ${title}`);
    expect(await sale.textContent()).toMatch(/28\.00/);
    expect(await page.locator('main').textContent()).not.toContain(products.lantern.title);
    await sale.getByLabel('Tracking number').fill('TRK-4471-BOWL');
    await watched.screenshot('seller-sales');
    await sale.getByRole('button', { name: 'Mark shipped' }).click();
    await expect.poll(() => sale.locator('[data-status]').getAttribute('data-status')).toBe('SHIPPED');
    expect(await orderStatus(orderId, buyer.token)).toEqual({ status: 'PARTIALLY_SHIPPED', trackingNumber: 'TRK-4471-BOWL' });
    await sale.getByRole('button', { name: 'Mark delivered' }).click();
    await expect.poll(() => sale.locator('[data-status]').getAttribute('data-status')).toBe('DELIVERED');
    // The lantern's seller has not shipped yet: the order is still on its way in part.
    expect(await orderStatus(orderId, buyer.token)).toEqual({ status: 'PARTIALLY_SHIPPED', trackingNumber: 'TRK-4471-BOWL' });

    // Archived: gone from the catalog, still in the seller's list.
    await page.getByRole('link', { name: 'My listings' }).click();
    await row.getByRole('button', { name: `Archive ${title}` }).click();
    await expect.poll(() => row.textContent()).toContain('Archived');
    const after = await expectData(stack.supergraph.url, 'query ($s: String!) { products(filter: { search: $s }) { totalCount } }', { s: `bowl ${tag}` });
    expect(after.products.totalCount).toBe(0);

    expect(watched.problems()).toEqual([]);
    await watched.close();
  });
});
