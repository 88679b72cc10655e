// Orders placed, paid, cancelled and expired, counted where each happens once: the placement and the status change that won.
import type { ServiceMetrics } from '@marketplace/service-kit';
import type { OrderStatus } from './stores/orders.ts';

export interface OrderCounters {
  placed(): void;
  /** A status change that got into the log: from one status to another, by the named action. */
  changed(action: string, from: OrderStatus, to: OrderStatus): void;
}

export const NO_ORDER_COUNTERS: OrderCounters = { placed: () => {}, changed: () => {} };

export function orderCounters(metrics: ServiceMetrics | undefined): OrderCounters {
  if (!metrics) return NO_ORDER_COUNTERS;
  const placed = metrics.counter('orders_placed_total', 'Orders placed (recorded with their stock held)');
  const paid = metrics.counter('orders_paid_total', 'Orders paid');
  const cancelled = metrics.counter('orders_cancelled_total', 'Orders cancelled by a buyer, a seller or an ADMIN (every fulfilment cancelled)');
  const expired = metrics.counter('orders_expired_total', 'Orders the system cancelled: unpaid past the deadline, or their stock hold lost');
  return {
    placed: () => placed.inc(),
    changed(action, from, to) {
      if (from === to) return;
      if (to === 'PAID') paid.inc();
      else if (to === 'CANCELLED') (action === 'expire' ? expired : cancelled).inc();
    },
  };
}
