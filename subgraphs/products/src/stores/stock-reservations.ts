// Stock held for an order: taken line by line, then confirmed by the order or given back, each step at most once.
//
// A reservation is settled by one decision document (`stockHoldDecisions`, _id = reservation id),
// inserted once: CONFIRMED by the orders service once it has recorded the order, or ABANDONED by a
// failed reservation, a release before confirmation, or the sweep once the hold has run out.
// A confirmation writes only its decision; the sweep copies it to the stored status later, many at
// once, when it comes across the reservation after its hold.
// A release that finds no reservation leaves a placeholder under its id (released, no lines), so a
// reservation that arrives later cannot be inserted and takes nothing.
// Every line's take and give-back is a ledger movement that happens at most once, and giving a
// line back first voids its take (see StockLedger.applyOnce), so a take that arrives later (a
// stalled request) finds it voided instead of taking stock nobody will give back.
// A confirmed reservation can also be given back line by line (one seller's share of an order):
// which lines are back is read from those movements, never kept on the reservation.
import type { Collection, Db, ObjectId } from 'mongodb';
import { ensureIndexes, GroupCommit, isDuplicateKeyError, tryParseId, type Money } from '@marketplace/service-kit';
import type { ProductDocument } from './products.ts';
import { InsufficientStockError, type StockLedger } from './stock-ledger.ts';

export interface ReservedLine {
  productId: ObjectId;
  sellerId: ObjectId;
  title: string;
  quantity: number;
  unitPrice: Money;
}

/**
 * A copy of where the reservation stands, for reads and the sweep; the decision and the ledger are
 * the truth. RESERVED from its insert on (PENDING on documents stored before that).
 */
export type ReservationStatus = 'PENDING' | 'RESERVED' | 'CONFIRMED' | 'FAILED' | 'RELEASED';

export interface ReservationDocument {
  /** Chosen by the caller (the order id), so a retried call finds the first one. */
  _id: string;
  status: ReservationStatus;
  items: ReservedLine[];
  createdAt: Date;
  /** Unless confirmed by then, the sweep gives the stock back after this. */
  holdUntil: Date;
  updatedAt: Date;
  /** Set on the placeholder a release leaves where no reservation was: it stands for none. */
  placeholder?: true;
}

export type Decision = 'CONFIRMED' | 'ABANDONED';

interface DecisionDocument {
  _id: string;
  decision: Decision;
  at: Date;
}

export class ReservationConflictError extends Error {
  override name = 'ReservationConflictError';
}

/** A partial release named products the reservation has no line for. */
export class NotInReservationError extends Error {
  override name = 'NotInReservationError';
  readonly productIds: string[];
  constructor(id: string, productIds: string[]) {
    super(`${productIds.length === 1 ? 'product' : 'products'} ${productIds.join(', ')} ${productIds.length === 1 ? 'is' : 'are'} not in reservation ${id}`);
    this.productIds = productIds;
  }
}

/** A partial release of a reservation that is not confirmed: an unconfirmed one is only ever given back whole. */
export class ReservationNotConfirmedError extends Error {
  override name = 'ReservationNotConfirmedError';
  constructor(id: string, decision: Decision | null) {
    super(
      decision === 'ABANDONED'
        ? `reservation ${id} was never confirmed and is given back whole; only a confirmed reservation is released in part`
        : `reservation ${id} is not confirmed yet; only a confirmed reservation is released in part (release it whole instead)`,
    );
  }
}

/** The reservation with the status its decision gives it, where the stored copy has not caught up with a confirmation yet. */
function standing(reservation: ReservationDocument, decision: Decision | null): ReservationDocument {
  const held = reservation.status === 'PENDING' || reservation.status === 'RESERVED';
  return held && decision === 'CONFIRMED' ? { ...reservation, status: 'CONFIRMED' } : reservation;
}

const takeOf = (id: string, line: ReservedLine) => `take:${id}:${line.productId.toHexString()}`;
const giveOf = (id: string, line: ReservedLine) => `give:${id}:${line.productId.toHexString()}`;
/** A product id as the lines keep it: a valid id in any case matches, anything else matches nothing. */
const hexOf = (productId: string) => tryParseId(productId)?.toHexString() ?? productId;
/** Reservations a sweep settles at once. */
const SWEEP_CONCURRENCY = 4;
/** Written only once every line has been given back. */
const GIVEN_BACK: readonly ReservationStatus[] = ['FAILED', 'RELEASED'];

export class Reservations {
  readonly #reservations: Collection<ReservationDocument>;
  readonly #decisions: Collection<DecisionDocument>;
  /** Reservations and decisions of concurrent requests go to the server together (group commit). */
  readonly #reservationInserts: GroupCommit<ReservationDocument>;
  readonly #decisionInserts: GroupCommit<DecisionDocument>;
  readonly #ledger: StockLedger;
  readonly #holdMs: number;

  constructor(db: Db, ledger: StockLedger, holdMs: number) {
    this.#reservations = db.collection<ReservationDocument>('stockReservations');
    this.#decisions = db.collection<DecisionDocument>('stockHoldDecisions');
    this.#reservationInserts = new GroupCommit(this.#reservations);
    this.#decisionInserts = new GroupCommit(this.#decisions);
    this.#ledger = ledger;
    this.#holdMs = holdMs;
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#reservations, [{ key: { status: 1, holdUntil: 1 }, name: 'by_status_hold' }]);
  }

  /** The reservation as it stands (its decision taken into account), or null when there is none (a release's placeholder included). */
  async find(id: string): Promise<ReservationDocument | null> {
    const [stored, decision] = await Promise.all([this.#stored(id), this.#decision(id)]);
    return stored && !stored.placeholder ? standing(stored, decision) : null;
  }

  /**
   * Takes `quantity` of each product, or nothing: when one line cannot be had, or the reservation
   * was released meanwhile, every line is given back and the error thrown. Each product's change is
   * built on the stock it was loaded with; the ledger tells when that was not the latest.
   * The document is stored as RESERVED before any line is taken, so the sweep finds it whatever
   * happens next; that its lines are all taken, the ledger says (see #retried).
   */
  async reserve(id: string, lines: { product: ProductDocument; quantity: number }[]): Promise<ReservationDocument> {
    const now = new Date();
    const doc: ReservationDocument = {
      _id: id,
      status: 'RESERVED',
      items: lines.map(({ product, quantity }) => ({
        productId: product._id,
        sellerId: product.sellerId,
        title: product.title,
        quantity,
        unitPrice: product.price,
      })),
      createdAt: now,
      holdUntil: new Date(now.getTime() + this.#holdMs),
      updatedAt: now,
    };
    try {
      await this.#reservationInserts.insertOne(doc);
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return this.#retried(id);
    }
    try {
      // A release that came first left its placeholder, and this insert would have failed; one that
      // comes later finds these lines, and voids those not taken yet, which fails their takes.
      const takes = await this.#ledger.applyOnceEach(
        lines.map(({ product, quantity }, i) => ({
          productId: product._id,
          delta: -quantity,
          movement: takeOf(id, doc.items[i]!),
          from: { version: product.stockVersion, available: product.stock },
        })),
      );
      if (takes.some((take) => take.delta === 0)) throw new ReservationConflictError(`reservation ${id} was given back while it was being made`);
    } catch (error) {
      await this.#decide(id, 'ABANDONED');
      await this.#giveBack(doc, 'FAILED');
      throw error;
    }
    return doc;
  }

  /**
   * A reservation asked for again under an id already taken: the one made first, when it holds
   * every line and has not been given up; a conflict when it was released, failed or is still
   * being made.
   */
  async #retried(id: string): Promise<ReservationDocument> {
    const existing = await this.#stored(id);
    if (!existing || existing.placeholder) throw new ReservationConflictError(`reservation ${id} was released before it was made`);
    const decision = await this.#decision(id);
    if (decision !== 'ABANDONED' && (existing.status === 'CONFIRMED' || decision === 'CONFIRMED')) return standing(existing, decision);
    if (decision !== 'ABANDONED' && (existing.status === 'RESERVED' || existing.status === 'PENDING')) {
      const takes = await this.#ledger.movements(existing.items.map((line) => takeOf(id, line)));
      if (takes.length === existing.items.length && takes.every((take) => take.delta < 0)) return { ...existing, status: 'RESERVED' };
      throw new ReservationConflictError(`reservation ${id} already exists and is still being made`);
    }
    throw new ReservationConflictError(`reservation ${id} already exists (${existing.status})`);
  }

  /**
   * The orders service has recorded the order: the stock stays taken. Returns the reservation as
   * CONFIRMED, or as RELEASED when it had been abandoned first (the order must not go on). The
   * decision is all it writes; the stored status follows later, many at once (see sweep).
   */
  async confirm(id: string): Promise<ReservationDocument | null> {
    const reservation = await this.#stored(id);
    if (!reservation) return null;
    if ((await this.#decide(id, 'CONFIRMED')) === 'ABANDONED') return this.#giveBack(reservation, 'RELEASED');
    return { ...reservation, status: 'CONFIRMED' };
  }

  /**
   * Gives a reservation's stock back: an order cancelled, or a placement given up. Unconfirmed, it
   * is abandoned first, so a late confirmation or take fails. A second release changes nothing,
   * nor do lines given back before by releaseLines.
   */
  async release(id: string): Promise<ReservationDocument | null> {
    await this.#decide(id, 'ABANDONED');
    // Read after deciding: a reservation inserted later sees the decision and takes nothing.
    const reservation = (await this.#stored(id)) ?? (await this.#leavePlaceholder(id));
    if (!reservation || reservation.placeholder) return null;
    if (GIVEN_BACK.includes(reservation.status)) return { ...reservation, status: 'RELEASED' };
    return this.#giveBack(reservation, 'RELEASED');
  }

  /** Stands in for a reservation not made yet, so it never will be; null when in place, else the reservation that got in first. */
  async #leavePlaceholder(id: string): Promise<ReservationDocument | null> {
    const now = new Date();
    try {
      await this.#reservationInserts.insertOne({ _id: id, status: 'RELEASED', items: [], createdAt: now, holdUntil: now, updatedAt: now, placeholder: true });
      return null;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return this.#stored(id);
    }
  }

  /**
   * Gives back only these products' lines of a CONFIRMED reservation (one seller's share of an
   * order); the other lines stay taken. Each line goes back at most once however often or
   * concurrently this runs, and a whole release later gives back only the rest. Changes nothing
   * and throws when a product is not in the reservation (NotInReservationError), the reservation
   * is not confirmed (ReservationNotConfirmedError), or a named line is not taken yet because the
   * reservation is still being made (ReservationConflictError). Returns it as CONFIRMED while some
   * line is still taken, RELEASED once every line is back.
   */
  async releaseLines(id: string, productIds: readonly string[]): Promise<ReservationDocument | null> {
    const [stored, decision] = await Promise.all([this.#stored(id), this.#decision(id)]);
    if (!stored || stored.placeholder) return null;
    const reservation = standing(stored, decision);
    const held = new Map(reservation.items.map((line) => [line.productId.toHexString(), line]));
    const named = [...new Set(productIds)];
    const unknown = named.filter((productId) => !held.has(hexOf(productId)));
    if (unknown.length > 0) throw new NotInReservationError(id, unknown);
    if (decision !== 'CONFIRMED') throw new ReservationNotConfirmedError(id, decision);
    const lines = [...new Set(named.map(hexOf))].map((productId) => held.get(productId)!);
    // A confirmed reservation's takes were made before it was confirmed; were one still missing,
    // voiding it here would fail the whole reservation, so that is refused instead.
    const takes = new Map((await this.#ledger.movements(lines.map((line) => takeOf(id, line)))).map((entry) => [entry.movement, entry]));
    if (takes.size < lines.length) throw new ReservationConflictError(`reservation ${id} is still being made; try again`);
    for (const line of lines) {
      const take = takes.get(takeOf(id, line))!;
      if (take.delta < 0) await this.#ledger.applyOnce(line.productId, -take.delta, giveOf(id, line));
    }
    // Read after giving back: of releases racing over the last lines, at least one sees them all back.
    const back = await this.givenBack(reservation);
    if (back.size < reservation.items.length) return { ...reservation, status: 'CONFIRMED' };
    if (!GIVEN_BACK.includes(reservation.status)) await this.#setStatus(id, 'RELEASED');
    return { ...reservation, status: 'RELEASED' };
  }

  /** The product ids (hex) of the reservation's lines that are given back, or were never taken (voided). */
  async givenBack(reservation: ReservationDocument): Promise<Set<string>> {
    const names = reservation.items.flatMap((line) => [takeOf(reservation._id, line), giveOf(reservation._id, line)]);
    const done = await this.#ledger.movements(names);
    return new Set(done.filter((entry) => entry.movement?.startsWith('give:') || entry.delta === 0).map((entry) => entry.productId.toHexString()));
  }

  /**
   * One sweep pass over reservations still RESERVED after their hold: the confirmed ones are
   * stored as CONFIRMED, all at once (a confirmation writes only its decision); the rest are
   * abandoned and given back, and ones whose give-back was cut short are finished. At most
   * `limit` per pass.
   */
  async sweep(limit: number, now = new Date()): Promise<{ givenBack: number; confirmed: number; failed: number; full: boolean }> {
    const due = await this.#reservations
      .find({ status: { $in: ['PENDING', 'RESERVED'] }, holdUntil: { $lt: now } })
      .sort({ holdUntil: 1 })
      .limit(limit)
      .toArray();
    let givenBack = 0;
    let confirmed = 0;
    let failed = 0;
    const decided = due.length === 0 ? [] : await this.#decisions.find({ _id: { $in: due.map((r) => r._id) } }).toArray();
    const confirmedIds = new Set(decided.filter((d) => d.decision === 'CONFIRMED').map((d) => d._id));
    if (confirmedIds.size > 0) {
      try {
        await this.#reservations.updateMany(
          { _id: { $in: [...confirmedIds] }, status: { $in: ['PENDING', 'RESERVED'] } },
          { $set: { status: 'CONFIRMED', updatedAt: new Date() } },
        );
        confirmed += confirmedIds.size;
      } catch {
        failed += confirmedIds.size;
      }
    }
    const settle = async (reservation: ReservationDocument) => {
      try {
        if ((await this.#decide(reservation._id, 'ABANDONED')) === 'CONFIRMED') {
          await this.#setStatus(reservation._id, 'CONFIRMED');
          confirmed++;
        } else {
          await this.#giveBack(reservation, 'RELEASED');
          givenBack++;
        }
      } catch {
        // Left as it is for the next pass (a contended product, say).
        failed++;
      }
    };
    const unconfirmed = due.filter((reservation) => !confirmedIds.has(reservation._id));
    // A few at a time: a backlog after an outage clears faster, without flooding the ledger's busiest products.
    for (let i = 0; i < unconfirmed.length; i += SWEEP_CONCURRENCY) await Promise.all(unconfirmed.slice(i, i + SWEEP_CONCURRENCY).map(settle));
    return { givenBack, confirmed, failed, full: due.length === limit };
  }

  /** The decision, made now as `decision` unless one was made before; returns the one that stands. */
  async #decide(id: string, decision: Decision): Promise<Decision> {
    try {
      await this.#decisionInserts.insertOne({ _id: id, decision, at: new Date() });
      return decision;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await this.#decision(id)) ?? decision;
    }
  }

  async #decision(id: string): Promise<Decision | null> {
    return (await this.#decisions.findOne({ _id: id }))?.decision ?? null;
  }

  /** Voids every line not taken yet and gives back every line taken; each at most once, however often this runs. */
  async #giveBack(reservation: ReservationDocument, status: 'FAILED' | 'RELEASED'): Promise<ReservationDocument> {
    for (const line of reservation.items) {
      const take = await this.#ledger.applyOnce(line.productId, 0, takeOf(reservation._id, line));
      if (take.delta < 0) await this.#ledger.applyOnce(line.productId, -take.delta, giveOf(reservation._id, line));
    }
    if (reservation.status !== status) await this.#setStatus(reservation._id, status);
    return { ...reservation, status };
  }

  /** The stored document, a placeholder included. */
  #stored(id: string): Promise<ReservationDocument | null> {
    return this.#reservations.findOne({ _id: id });
  }

  async #setStatus(id: string, status: ReservationStatus): Promise<void> {
    await this.#reservations.updateOne({ _id: id }, { $set: { status, updatedAt: new Date() } });
  }
}

export { InsufficientStockError };
