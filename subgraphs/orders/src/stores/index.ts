// The orders service's stores: every collection it keeps, opened with their indexes.
import type { Db } from 'mongodb';
import { IdempotencyClaims } from './idempotency-claims.ts';
import { OpenOrderSlots } from './open-order-slots.ts';
import { OrderEventLog } from './order-events.ts';
import { OrdersStore } from './orders.ts';
import { FulfillmentCancels } from './fulfillment-cancels.ts';
import { PaymentChecks } from './payment-checks.ts';
import { Refunds } from './refunds.ts';
import { StockConfirmations } from './stock-confirmations.ts';

export interface Stores {
  orders: OrdersStore;
  events: OrderEventLog;
  claims: IdempotencyClaims;
  slots: OpenOrderSlots;
  paymentChecks: PaymentChecks;
  refunds: Refunds;
  fulfillmentCancels: FulfillmentCancels;
  confirmations: StockConfirmations;
}

export async function openStores(db: Db): Promise<Stores> {
  const stores = {
    orders: new OrdersStore(db),
    events: new OrderEventLog(db),
    claims: new IdempotencyClaims(db),
    slots: new OpenOrderSlots(db),
    paymentChecks: new PaymentChecks(db),
    refunds: new Refunds(db),
    fulfillmentCancels: new FulfillmentCancels(db),
    confirmations: new StockConfirmations(db),
  };
  await stores.orders.ensureIndexes();
  await stores.events.ensureIndexes();
  await stores.slots.ensureIndexes();
  await stores.paymentChecks.ensureIndexes();
  await stores.refunds.ensureIndexes();
  await stores.fulfillmentCancels.ensureIndexes();
  return stores;
}
