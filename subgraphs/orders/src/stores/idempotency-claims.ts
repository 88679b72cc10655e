// The orderIdempotency collection: which order a buyer's idempotency key stands for.
//
// A claim's _id is `<buyerId>:<key>`, so of many requests with one key exactly one inserts it,
// before any stock is reserved; the others wait for that request's order instead of placing one.
import type { Collection, Db, ObjectId } from 'mongodb';
import { GroupCommit, isDuplicateKeyError } from '@marketplace/service-kit';

export interface IdempotencyClaim {
  _id: string;
  buyerId: ObjectId;
  key: string;
  /** The id the claiming request gives its order (and its stock reservation). */
  orderId: ObjectId;
  /** The merged, sorted lines asked for, so a reused key with other items is recognised. */
  fingerprint: string;
  createdAt: Date;
}

export type ClaimOutcome = { won: true; claim: IdempotencyClaim } | { won: false; claim: IdempotencyClaim | null };

export class IdempotencyClaims {
  readonly #claims: Collection<IdempotencyClaim>;
  /** Claims of concurrent requests go to the server together (group commit). */
  readonly #inserts: GroupCommit<IdempotencyClaim>;

  constructor(db: Db) {
    this.#claims = db.collection<IdempotencyClaim>('orderIdempotency');
    this.#inserts = new GroupCommit(this.#claims);
  }

  /** Inserts the claim, or returns the one that holds the key (null if it vanished meanwhile). */
  async claim(claim: Omit<IdempotencyClaim, '_id' | 'createdAt'>): Promise<ClaimOutcome> {
    const doc: IdempotencyClaim = { _id: claimId(claim.buyerId, claim.key), ...claim, createdAt: new Date() };
    try {
      await this.#inserts.insertOne(doc);
      return { won: true, claim: doc };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return { won: false, claim: await this.find(doc._id) };
    }
  }

  find(id: string): Promise<IdempotencyClaim | null> {
    return this.#claims.findOne({ _id: id });
  }

  /** Frees the key after its request failed without placing an order, so a retry may try again. */
  async abandon(claim: IdempotencyClaim): Promise<void> {
    await this.#claims.deleteOne({ _id: claim._id, orderId: claim.orderId });
  }
}

const claimId = (buyerId: ObjectId, key: string) => `${buyerId.toHexString()}:${key}`;
