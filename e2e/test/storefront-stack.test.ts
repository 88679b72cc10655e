// The storefront's stack itself, on real processes: the built app served with its security headers
// and /config.json, a gateway that runs only manifest documents by id and answers CORS for the
// storefront's origin alone, and the page loading in Chromium without a console error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PERSISTED_QUERY_CODES } from '@marketplace/router';
import { errorCodes, freePort, graphql } from '@marketplace/testing';
import { browserMissing, launchBrowser, withWatchedPage } from '../harness/browser.ts';
import { createProduct, register } from '../harness/marketplace.ts';
import { documentIdOf, startStorefrontStack, type StorefrontStack } from '../harness/storefront.ts';

let stack: StorefrontStack;

beforeAll(async () => {
  stack = await startStorefrontStack();
  const seller = await register(stack.supergraph.url, 'SELLER');
  await createProduct(stack.supergraph.url, seller.token, { title: 'Stack check lamp', stock: 3 });
});
afterAll(() => stack?.close());

function preflight(url: string, origin: string) {
  return fetch(url, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
  });
}

const byId = (url: string, documentId: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ documentId, variables }) });

describe.skipIf(browserMissing())('in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(() => browser?.close());

  it('loads the storefront with no console errors and no failed requests', () =>
    withWatchedPage(browser, 'storefront-stack-load', async ({ page, screenshot, problems }) => {
      const response = await page.goto(stack.storefrontUrl, { waitUntil: 'networkidle' });
      expect(response?.status()).toBe(200);
      // The app has rendered, and shows the product it read from the gateway (by id, across origins).
      await page.getByText('Stack check lamp').first().waitFor();
      expect(await page.title()).toBe('Marketplace');
      await screenshot('storefront-stack-home');
      expect(problems()).toEqual([]);
    }));

  /** From the page, a POST by documentId to each URL: the answer, or how the browser blocked it. */
  const callFrom = (page: Page, urls: string[], documentId: string) =>
    page.evaluate(
      ({ urls, documentId }) =>
        Promise.all(
          urls.map(async (url) => {
            try {
              const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ documentId, variables: {} }) });
              return { status: response.status, body: (await response.json()) as unknown };
            } catch (error) {
              return { blocked: String(error) };
            }
          }),
        ),
      { urls, documentId },
    );

  it("lets the storefront's origin call its gateway by document id, and no other gateway (CORS, then CSP)", () =>
    withWatchedPage(browser, 'storefront-stack-calls', async ({ page, consoleErrors }) => {
      const categories = documentIdOf(stack.documents, 'StorefrontCategories');
      // /config.json carries no CSP, so only CORS decides here: the arranging gateway allows no origin.
      await page.goto(`${stack.storefrontUrl}/config.json`);
      const [gateway, arranging] = await callFrom(page, [stack.gatewayUrl, stack.supergraph.url], categories);
      expect(gateway).toEqual({ status: 200, body: { data: { categories: [] } } });
      expect(arranging).toHaveProperty('blocked');
      expect(consoleErrors.join('\n')).toMatch(/CORS/);

      // The app's pages carry the CSP, whose connect-src names the storefront's own gateway only.
      consoleErrors.length = 0;
      await page.goto(stack.storefrontUrl, { waitUntil: 'networkidle' });
      const [fromApp, elsewhere] = await callFrom(page, [stack.gatewayUrl, stack.supergraph.url], categories);
      expect(fromApp).toEqual(gateway);
      expect(elsewhere).toHaveProperty('blocked');
      expect(consoleErrors.join('\n')).toMatch(/Content Security Policy/);
    }));
});

it('serves /config.json naming the gateway, never cached', async () => {
  const response = await fetch(`${stack.storefrontUrl}/config.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toEqual({ gatewayUrl: stack.gatewayUrl });
  expect(stack.gatewayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
});

it("answers a CORS preflight from the storefront's origin, and gives any other origin no CORS headers", async () => {
  const allowed = await preflight(stack.gatewayUrl, stack.storefrontUrl);
  expect(allowed.status).toBe(204);
  expect(allowed.headers.get('access-control-allow-origin')).toBe(stack.storefrontUrl);
  expect(allowed.headers.get('access-control-allow-headers')).toMatch(/content-type/);
  const actual = await byId(stack.gatewayUrl, documentIdOf(stack.documents, 'StorefrontCategories'), {}, { origin: stack.storefrontUrl });
  expect(actual.headers.get('access-control-allow-origin')).toBe(stack.storefrontUrl);

  // Other local ports too, which the development default (http://127.0.0.1:*) would have let in.
  const port = Number(new URL(stack.storefrontUrl).port);
  const others = [`http://127.0.0.1:${await freePort()}`, `http://localhost:${port}`, 'https://shop.example.com'];
  for (const origin of others) {
    const refused = await preflight(stack.gatewayUrl, origin);
    expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
    expect(refused.headers.get('access-control-allow-methods'), origin).toBeNull();
  }
  // The arranging gateway answers no browser at all, the storefront's origin included.
  expect((await preflight(stack.supergraph.url, stack.storefrontUrl)).headers.get('access-control-allow-origin')).toBeNull();
});

it('runs manifest documents by id only: a document of its own is refused, as is an unknown id', async () => {
  const catalog = await byId(stack.gatewayUrl, documentIdOf(stack.documents, 'StorefrontCatalog'), { first: 10 });
  expect(catalog.status).toBe(200);
  expect(JSON.stringify(await catalog.json())).toContain('Stack check lamp');

  const arbitrary = await graphql(stack.gatewayUrl, '{ products(first: 100) { edges { node { id title } } } }');
  expect(arbitrary.status).toBe(400);
  expect(errorCodes(arbitrary)).toEqual([PERSISTED_QUERY_CODES.idRequired]);
  // Not even a manifest document's own text: this gateway wants ids.
  const text = await graphql(stack.gatewayUrl, stack.documents.values().next().value!);
  expect(errorCodes(text)).toEqual([PERSISTED_QUERY_CODES.idRequired]);
  const unknown = await graphql(stack.gatewayUrl, '{ products(first: 1) { totalCount } }', {}, { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
  expect(errorCodes(unknown)).toEqual([PERSISTED_QUERY_CODES.notInList]);
  const missing = await byId(stack.gatewayUrl, `sha256:${'0'.repeat(64)}`);
  expect(((await missing.json()) as { errors: { extensions: { code: string } }[] }).errors.map((e) => e.extensions.code)).toEqual([PERSISTED_QUERY_CODES.notFound]);
});

it('sends the security headers with the app, on deep links too, and caches only hashed assets for good', async () => {
  const gatewayOrigin = new URL(stack.gatewayUrl).origin;
  for (const path of ['/', '/products/123']) {
    const response = await fetch(`${stack.storefrontUrl}${path}`);
    expect(response.status, path).toBe(200);
    expect(response.headers.get('content-type'), path).toMatch(/^text\/html/);
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    expect(directives.get('default-src'), path).toEqual(["'self'"]);
    expect(directives.get('connect-src'), path).toEqual(["'self'", gatewayOrigin]);
    expect(directives.get('frame-ancestors'), path).toEqual(["'none'"]);
    expect(directives.get('base-uri'), path).toEqual(["'self'"]);
    expect(directives.get('form-action'), path).toEqual(["'self'"]);
    expect(directives.get('script-src') ?? directives.get('default-src'), path).not.toContain("'unsafe-inline'");
    expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
    expect(response.headers.get('referrer-policy'), path).toBe('no-referrer');
    expect(response.headers.get('cache-control'), path).toBe('no-cache');
    const html = await response.text();
    if (path !== '/') continue;
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset, 'index.html loads a hashed script').toBeDefined();
    const script = await fetch(`${stack.storefrontUrl}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(script.headers.get('content-security-policy')).toBe(csp);
  }
});
