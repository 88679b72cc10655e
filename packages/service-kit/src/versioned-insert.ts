// "Versioned insert, retry on conflict": the race-safe write under the stock ledger and the order event log.
//
// Entry n + 1 of a log has an id only one writer can insert (a unique _id). Of two writers that
// start from the same state exactly one gets its entry in; the other re-reads and tries again from
// the newer state. Inserts are atomic on MongoDB and on FerretDB 1.24 alike; conditional updates
// are not atomic on FerretDB, so documents keep only a copy of the log, settled after each write.
import { setTimeout as sleep } from 'node:timers/promises';
import { isDuplicateKeyError } from './mongo.ts';

export interface VersionedInsert<S, E> {
  /** The state to build on: at first (`lost` undefined), then after losing a race from `lost`. */
  read(lost: S | undefined): Promise<S>;
  /** The entry that follows `state`; throws to refuse the change. */
  next(state: S): E;
  /** Inserts the entry; a duplicate key error means another writer took its version first. */
  insert(entry: E): Promise<unknown>;
  maxAttempts: number;
  /** The error once every attempt has lost a race. */
  contended(): Error;
  /** Told of each lost race, and whether another attempt follows (metrics). */
  onRaceLost?: (retrying: boolean) => void;
}

/** Inserts the entry that follows the latest state, retrying with a short random backoff; returns it and the state it followed. */
export async function insertNextVersion<S, E>(write: VersionedInsert<S, E>): Promise<{ entry: E; state: S }> {
  let state: S | undefined;
  for (let attempt = 0; attempt < write.maxAttempts; attempt++) {
    state = await write.read(state);
    const entry = write.next(state);
    try {
      await write.insert(entry);
      return { entry, state };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      write.onRaceLost?.(attempt + 1 < write.maxAttempts);
      await sleep(Math.random() * Math.min(2 ** attempt, 20));
    }
  }
  throw write.contended();
}

export interface SettledCopy<E> {
  /** The log's latest entry and the version the document's copy holds; null when there is nothing to settle. */
  read(): Promise<{ latest: E; copied: number } | null>;
  version(entry: E): number;
  write(entry: E): Promise<void>;
}

/**
 * Brings a document's copy up to the log's latest entry. Where conditional updates are not atomic a
 * slow writer can put an older copy back; every writer settles after writing, so the last one to
 * finish leaves the copy equal to the log.
 */
export async function settleCopy<E>(copy: SettledCopy<E>, attempts = 10): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const found = await copy.read();
    if (!found || found.copied >= copy.version(found.latest)) return;
    await copy.write(found.latest);
  }
}
