// A DataLoader that turns many lookups by id in one request into one `_id: { $in }` query.
import DataLoader from 'dataloader';
import type { ObjectId } from 'mongodb';
import { asError } from './errors.ts';
import { tryParseId } from './ids.ts';
import type { BatchObserver } from './telemetry/metrics.ts';

/** A batch function that reports each batch's size first (the dataloader_batch_size metric). */
export function observedBatches<K, V>(observe: BatchObserver | undefined, load: DataLoader.BatchLoadFn<K, V>): DataLoader.BatchLoadFn<K, V> {
  if (!observe) return load;
  return (keys) => {
    observe(keys.length);
    return load(keys);
  };
}

export function createByIdLoader<T extends { _id: ObjectId }>(
  fetch: (ids: ObjectId[]) => Promise<T[]>,
  observe?: BatchObserver,
): DataLoader<string, T | null> {
  return new DataLoader(
    observedBatches(observe, async (ids: readonly string[]) => {
      const valid = ids.map(tryParseId).filter((id) => id !== null);
      const found = new Map((valid.length ? await fetch(valid) : []).map((doc) => [doc._id.toHexString(), doc]));
      return ids.map((id) => found.get(id.toLowerCase()) ?? null);
    }),
  );
}

/**
 * The filter for "`field` is any of these values". A single value is matched by equality, which
 * FerretDB 1.24 pushes down to its PostgreSQL backend where it does not push `$in` down.
 */
export function anyOfFilter<F extends string, V>(field: F, values: readonly V[]): Record<F, V | { $in: V[] }> {
  return { [field]: values.length === 1 ? values[0]! : { $in: [...values] } } as Record<F, V | { $in: V[] }>;
}

/**
 * The filter for "any of these ids". A single id is matched by equality, which every server answers
 * from the _id index (FerretDB 1.24 uses its index for nothing else).
 */
export function idsFilter<V = ObjectId>(ids: readonly V[]): { _id: V | { $in: V[] } } {
  return anyOfFilter('_id', ids);
}

/**
 * A DataLoader for lookups that one query cannot answer for many keys at once (a first-N page per
 * parent, say): the same key asked for twice in a request is read once, and the distinct keys of
 * a batch are read concurrently. A key whose read fails gets its own error; the rest still answer.
 */
export function createPerKeyLoader<K, V>(keyOf: (key: K) => string, read: (key: K) => Promise<V>, observe?: BatchObserver): DataLoader<K, V, string> {
  return new DataLoader(
    observedBatches(observe, (keys: readonly K[]) => Promise.all(keys.map((key) => read(key).catch(asError)))),
    { cacheKeyFn: keyOf },
  );
}
