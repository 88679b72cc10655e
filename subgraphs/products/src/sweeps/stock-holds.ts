// The products service's sweep: reservations whose hold ran out unconfirmed go back to stock.
import type { SweepTask } from '@marketplace/service-kit';
import type { Stores } from '../stores/index.ts';

/** Reservations handled per pass; a full pass is followed by another at once. */
const BATCH = 100;

export function stockSweepTasks(stores: Pick<Stores, 'reservations'>): SweepTask[] {
  return [{ name: 'stock-holds', run: () => stores.reservations.sweep(BATCH) }];
}
