// Placing an order at most once per idempotency key, however often or concurrently it is retried.
import { setTimeout as sleep } from 'node:timers/promises';
import { ObjectId } from 'mongodb';
import { conflict, mergeLines, type OrderLine } from '@marketplace/service-kit';
import type { IdempotencyClaim } from './stores/idempotency-claims.ts';
import type { Stores } from './stores/index.ts';
import type { OrderDocument } from './stores/orders.ts';

/** Longer than a stock call may take, so a retry outwaits a placement that is still going on. */
const WAIT_MS = 20_000;
/** A claim this old without its order belongs to a request that died half-way. */
const STALE_MS = 60_000;
const POLL_MS = 25;

export interface OnceRequest {
  buyerId: ObjectId;
  key: string;
  items: readonly OrderLine[];
}

type PlacementStores = Pick<Stores, 'claims' | 'orders'>;

/** The lines merged per product and sorted, so the same basket always reads the same. */
export function fingerprintOf(items: OnceRequest['items']): string {
  return [...mergeLines(items)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([id, q]) => `${id}x${q}`).join(',');
}

/**
 * Claims the key before anything is reserved and then places the order under the claimed id.
 * A request that finds the key claimed returns that order once it exists; if the claiming
 * request failed and freed the key, it claims the key itself.
 */
export async function placeOnce(
  deps: PlacementStores,
  request: OnceRequest,
  place: (orderId: ObjectId) => Promise<OrderDocument>,
): Promise<OrderDocument> {
  const fingerprint = fingerprintOf(request.items);
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const outcome = await deps.claims.claim({ buyerId: request.buyerId, key: request.key, orderId: new ObjectId(), fingerprint });
    if (outcome.won) {
      try {
        return await place(outcome.claim.orderId);
      } catch (error) {
        await deps.claims.abandon(outcome.claim).catch(() => undefined);
        throw error;
      }
    }
    if (!outcome.claim) continue;
    if (outcome.claim.fingerprint !== fingerprint) {
      throw conflict('this idempotencyKey was already used for an order with different items');
    }
    const order = await awaitOrder(deps, outcome.claim, deadline);
    if (order) return order;
  }
  throw conflict('an order with this idempotencyKey is still being placed; try again shortly');
}

/** The claimed order once it exists, or null when its request gave the key up. */
async function awaitOrder(deps: PlacementStores, claim: IdempotencyClaim, deadline: number) {
  while (Date.now() < deadline) {
    const order = await deps.orders.findById(claim.orderId);
    if (order) return order;
    const current = await deps.claims.find(claim._id);
    if (!current || !current.orderId.equals(claim.orderId)) return null;
    if (Date.now() - claim.createdAt.getTime() > STALE_MS) {
      throw conflict('an earlier request with this idempotencyKey did not complete; use a new key');
    }
    await sleep(POLL_MS);
  }
  return null;
}
