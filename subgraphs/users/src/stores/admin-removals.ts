// Turns for taking ADMIN away, one change at a time, so two ADMINs demoting each other cannot both succeed.
//
// A role change that leaves its user without ADMIN first takes the next numbered turn: turn n + 1
// is the document with the unique _id n + 1, so of two changes that ask together exactly one gets
// it (inserts are atomic on MongoDB and FerretDB 1.24 alike; FerretDB's conditional updates are
// not). The other waits until that turn is finished, takes the next one and only then looks at
// whether its caller is still an ADMIN. A turn whose holder died is given up when its lease ends.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Db } from 'mongodb';
import { insertNextVersion } from '@marketplace/service-kit';

export interface TurnDocument {
  _id: number;
  takenAt: Date;
  /** After this the turn counts as over even if it was never finished (its holder died). */
  leaseUntil: Date;
  finishedAt: Date | null;
}

/** Another change held its turn for longer than a caller waits. */
export class TurnBusyError extends Error {
  override name = 'TurnBusyError';
}

/** Far longer than one role change takes (a few queries). */
const LEASE_MS = 15_000;
const WAIT_MS = 5_000;
const POLL_MS = 20;
const MAX_ATTEMPTS = 50;

export class AdminRemovals {
  readonly #turns: Collection<TurnDocument>;

  constructor(db: Db) {
    this.#turns = db.collection<TurnDocument>('adminRemovalTurns');
  }

  /** Takes the next turn once the current one is over; throws TurnBusyError when that takes too long. */
  async take(): Promise<TurnDocument> {
    const deadline = Date.now() + WAIT_MS;
    const { entry } = await insertNextVersion({
      read: () => this.#lastFinished(deadline),
      next: (last: number): TurnDocument => {
        const now = new Date();
        return { _id: last + 1, takenAt: now, leaseUntil: new Date(now.getTime() + LEASE_MS), finishedAt: null };
      },
      insert: (turn) => this.#turns.insertOne(turn),
      maxAttempts: MAX_ATTEMPTS,
      contended: () => new TurnBusyError('too many role changes at once'),
    });
    return entry;
  }

  /** Ends the turn, and forgets the turns before it, so the collection stays a document or two. */
  async finish(turn: TurnDocument): Promise<void> {
    await this.#turns.updateOne({ _id: turn._id }, { $set: { finishedAt: new Date() } });
    await this.#turns.deleteMany({ _id: { $lt: turn._id } });
  }

  /** The number of the latest turn (0 before the first) once it is finished or its lease has run out. */
  async #lastFinished(deadline: number): Promise<number> {
    for (;;) {
      const latest = await this.#turns.find().sort({ _id: -1 }).limit(1).next();
      if (!latest || latest.finishedAt || latest.leaseUntil.getTime() <= Date.now()) return latest?._id ?? 0;
      if (Date.now() >= deadline) throw new TurnBusyError(`turn ${latest._id} has not finished`);
      await sleep(POLL_MS);
    }
  }
}
