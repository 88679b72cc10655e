// The cart lives in the browser (localStorage), shared by the storefront's tabs; the server sees it
// only at checkout. Each line keeps what the shopper saw (title, price) for display; the order is
// priced by the catalog when it is placed.
import { useSyncExternalStore } from 'react';

export interface Money {
  amount: number;
  currency: string;
}

export interface CartLine {
  productId: string;
  title: string;
  unitPrice: Money;
  quantity: number;
  sellerName: string;
}

/**
 * A checkout in progress: its idempotency key stays the same across retries (a lost answer, a
 * reload), so placing it twice gives back the same order instead of a second one.
 */
export interface PendingCheckout {
  idempotencyKey: string;
  /** The lines the key was made for; another basket needs another key. */
  fingerprint: string;
  orderId?: string;
}

/** The gateway's limit per product and order (MAX_LINE_QUANTITY). */
export const MAX_QUANTITY = 100;

const KEY = 'marketplace.cart';
const CHECKOUT_KEY = 'marketplace.checkout';
const listeners = new Set<() => void>();
let lines: CartLine[] = read();

function read(): CartLine[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(parsed) ? (parsed as CartLine[]).filter((l) => typeof l.productId === 'string' && l.quantity > 0) : [];
  } catch {
    return [];
  }
}

function write(next: CartLine[]): void {
  lines = next;
  localStorage.setItem(KEY, JSON.stringify(next));
  for (const listener of listeners) listener();
}

window.addEventListener('storage', (event) => {
  if (event.key !== KEY && event.key !== null) return;
  lines = read();
  for (const listener of listeners) listener();
});

const clamp = (quantity: number) => Math.max(1, Math.min(MAX_QUANTITY, Math.floor(quantity)));

export const cart = {
  lines: () => lines,
  add(line: Omit<CartLine, 'quantity'>, quantity = 1): void {
    const existing = lines.find((l) => l.productId === line.productId);
    write(
      existing
        ? lines.map((l) => (l === existing ? { ...l, ...line, quantity: clamp(l.quantity + quantity) } : l))
        : [...lines, { ...line, quantity: clamp(quantity) }],
    );
  },
  setQuantity(productId: string, quantity: number): void {
    write(lines.map((l) => (l.productId === productId ? { ...l, quantity: clamp(quantity) } : l)));
  },
  remove(productId: string): void {
    write(lines.filter((l) => l.productId !== productId));
  },
  clear(): void {
    write([]);
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  title(productId: string): string | undefined {
    return lines.find((l) => l.productId === productId)?.title;
  },
};

export function useCart(): CartLine[] {
  return useSyncExternalStore(cart.subscribe, cart.lines);
}

export function cartCount(current: CartLine[]): number {
  return current.reduce((sum, l) => sum + l.quantity, 0);
}

/** Totals per currency (an order holds one currency; a cart may hold several, checked at checkout). */
export function cartTotals(current: CartLine[]): Money[] {
  const totals = new Map<string, number>();
  for (const line of current) totals.set(line.unitPrice.currency, (totals.get(line.unitPrice.currency) ?? 0) + line.unitPrice.amount * line.quantity);
  return [...totals].map(([currency, amount]) => ({ amount, currency }));
}

function fingerprintOf(current: CartLine[]): string {
  return current
    .map((l) => `${l.productId}x${l.quantity}`)
    .sort()
    .join(',');
}

/** The checkout for this basket: the same key until the basket changes or the order is done. */
export function checkoutFor(current: CartLine[]): PendingCheckout {
  const fingerprint = fingerprintOf(current);
  try {
    const saved = JSON.parse(localStorage.getItem(CHECKOUT_KEY) ?? 'null') as PendingCheckout | null;
    if (saved && saved.fingerprint === fingerprint) return saved;
  } catch {
    // A damaged entry is replaced below.
  }
  const fresh: PendingCheckout = { idempotencyKey: crypto.randomUUID(), fingerprint };
  localStorage.setItem(CHECKOUT_KEY, JSON.stringify(fresh));
  return fresh;
}

export function rememberCheckout(checkout: PendingCheckout): void {
  localStorage.setItem(CHECKOUT_KEY, JSON.stringify(checkout));
}

export function finishCheckout(): void {
  localStorage.removeItem(CHECKOUT_KEY);
  cart.clear();
}
