// The orders service's sweeps: unpaid orders expire, unconfirmed reservations are confirmed (or
// their orders expired), cancelled orders get their stock and payments back, and slots of dead placements are freed.
//
// Every step is decided by a unique insert (the order's event log, the products service's ledger
// and decisions), so every replica may sweep the same orders at once and nothing happens twice.
import type { SweepReport, SweepTask } from '@marketplace/service-kit';
import { fulfillmentsOf } from '../fulfillment-records.ts';
import { EXPIRY_NOTES, type OrderSteps } from '../order-steps.ts';
import type { OrderTransitions } from '../order-states/transitions.ts';
import { StockUnavailableError } from '../stock-client.ts';
import type { Stores } from '../stores/index.ts';
import type { OrderDocument } from '../stores/orders.ts';

/** Orders (or slots) handled per task and pass; a full pass is followed by another at once. */
const BATCH = 100;
/** A placement confirms its own reservation; the sweep steps in only after this. */
const CONFIRM_GRACE_MS = 2_000;
/**
 * A cancel still going on has a check younger than this (longer than a cancel takes): its order
 * may still read PAID, which must not settle the check before the cancel's own refund. A payment's
 * check is settled from the order's status at any age: whatever a payment still going on does
 * next (settle, or refund) is the same.
 */
const CANCEL_CHECK_AGE_MS = 60_000;
/** How often a slot whose order is still unpaid is looked at again. */
const SLOT_RECHECK_MS = 60_000;
/** A slot without an order this old belongs to a placement that died: longer than any placement takes. */
const ORPHAN_SLOT_MS = 120_000;

export interface OrderSweepDeps {
  stores: Stores;
  steps: OrderSteps;
  transitions: OrderTransitions;
}

/**
 * Runs `step` on each order; stops the pass when the products service does not answer, as the rest would wait on it too.
 * `full`: whether the batch these orders were taken from was full (when some of it was dealt with otherwise).
 */
async function eachOrder(orders: OrderDocument[], step: (order: OrderDocument) => Promise<string>, full = orders.length === BATCH): Promise<SweepReport> {
  const report: SweepReport = { full };
  for (const order of orders) {
    let outcome: string;
    try {
      outcome = await step(order);
    } catch (error) {
      report.failed = ((report.failed as number | undefined) ?? 0) + 1;
      if (error instanceof StockUnavailableError) return { ...report, full: false };
      continue;
    }
    report[outcome] = ((report[outcome] as number | undefined) ?? 0) + 1;
  }
  return report;
}

export function orderSweepTasks({ stores, steps, transitions }: OrderSweepDeps): SweepTask[] {
  return [
    {
      name: 'payment-deadlines',
      run: async () =>
        eachOrder(await stores.orders.paymentOverdue(new Date(), BATCH), async (order) =>
          (await steps.expire(order, EXPIRY_NOTES.payment)) ? 'expired' : 'movedOn',
        ),
    },
    {
      name: 'stock-confirmations',
      async run() {
        const orders = await stores.orders.unconfirmed(new Date(Date.now() - CONFIRM_GRACE_MS), BATCH);
        // Confirmed by their placement (or an earlier pass), only not marked yet: marked all at once.
        const recorded = await stores.confirmations.among(orders.map((order) => order._id));
        const marked = orders.filter((order) => recorded.has(order._id.toHexString())).map((order) => order._id);
        if (marked.length > 0) {
          await stores.orders.markStockConfirmed(marked);
          // Where updates rewrite whole documents, that write may have put back older statuses.
          await transitions.settleMany(marked);
        }
        const report = await eachOrder(
          orders.filter((order) => !recorded.has(order._id.toHexString())),
          (order) => steps.confirmStock(order),
          orders.length === BATCH,
        );
        return { ...(marked.length > 0 ? { marked: marked.length } : {}), ...report };
      },
    },
    {
      name: 'stock-releases',
      run: async () =>
        eachOrder(await stores.orders.unreleased(BATCH), async (order) => {
          await steps.releaseCancelled(order);
          return 'released';
        }),
    },
    paymentChecksTask({ stores, steps, transitions }),
    {
      name: 'fulfillment-cancels',
      async run() {
        const checks = await stores.fulfillmentCancels.olderThan(new Date(Date.now() - CANCEL_CHECK_AGE_MS), BATCH);
        const orders = new Map((await stores.orders.findByIds([...new Map(checks.map((c) => [c.orderId.toHexString(), c.orderId])).values()])).map((o) => [o._id.toHexString(), o]));
        let settled = 0;
        let failed = 0;
        for (const check of checks) {
          const order = orders.get(check.orderId.toHexString());
          try {
            if (order) await steps.settleFulfillmentCancel(order, check._id);
            else await stores.fulfillmentCancels.settle(check._id);
            settled++;
          } catch (error) {
            failed++;
            if (error instanceof StockUnavailableError) break;
          }
        }
        return { settled, failed, full: checks.length === BATCH };
      },
    },
    {
      name: 'open-order-slots',
      async run() {
        const slots = await stores.slots.unchecked(new Date(Date.now() - SLOT_RECHECK_MS), BATCH);
        let freed = 0;
        for (const slot of slots) {
          const order = await stores.orders.findById(slot.orderId);
          const orphan = !order && Date.now() - slot.takenAt.getTime() > ORPHAN_SLOT_MS;
          if (orphan || (order && (await transitions.current(order)).status !== 'PENDING')) {
            await stores.slots.free(slot.orderId);
            freed++;
          } else {
            await stores.slots.markChecked(slot._id);
          }
        }
        return { freed, full: slots.length === BATCH };
      },
    },
  ];
}

/**
 * Checks whose order is still unpaid stay until it is paid or cancelled. So that a pile of them
 * (a payment service that was down) cannot hide the ones behind it, each pass goes on after the
 * last check the previous full pass read, and starts over from the oldest once it reaches the end.
 */
function paymentChecksTask({ stores, steps, transitions }: OrderSweepDeps): SweepTask {
  let after = new Date(0);
  return {
    name: 'payment-checks',
    async run() {
      const now = Date.now();
      const checks = await stores.paymentChecks.olderThan({ pay: new Date(now - CONFIRM_GRACE_MS), cancel: new Date(now - CANCEL_CHECK_AGE_MS) }, after, BATCH);
      const full = checks.length === BATCH;
      after = full ? checks[checks.length - 1]!.at : new Date(0);
      const report = { refunded: 0, settled: 0, full };
      for (const check of checks) {
        const order = await stores.orders.findById(check.orderId);
        const status = order ? (await transitions.current(order)).status : null;
        // Unpaid and still open: it is paid or expires later, and settled then.
        if (status === 'PENDING') continue;
        if (!order) {
          await stores.paymentChecks.settle(check.orderId, check.kind);
          report.settled++;
        } else if (status === 'CANCELLED') {
          // A payment the log never recorded was taken for the parts its check names (all, for checks of before fulfilments).
          await steps.refund(order, check.kind, check.kind === 'pay' ? (check.charged ?? fulfillmentsOf(order).map((f) => f.id)) : []);
          report.refunded++;
        } else {
          // Paid: the payment stands, less the parts cancelled since, which are refunded.
          await steps.refund(order, check.kind);
          report.settled++;
        }
      }
      return report;
    },
  };
}
