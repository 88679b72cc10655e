// Sessions and their refresh tokens: sessions, sessionTokens, sessionTokenUses and sessionEnds.
//
// A session is one sign-in; each refresh token belongs to one session and is stored only as its
// SHA-256. Everything that decides something is a single insert, atomic on MongoDB and FerretDB
// alike: a token is used by inserting its use (the first insert wins), a session ends by inserting
// its end. Only `lastUsedAt` and `expiresAt` are updated, and they are hints for the session list.
import { createHash, randomBytes } from 'node:crypto';
import { ObjectId, type Collection, type Db } from 'mongodb';
import { ensureIndexes, isDuplicateKeyError } from '@marketplace/service-kit';

export interface SessionDocument {
  _id: ObjectId;
  userId: ObjectId;
  createdAt: Date;
  lastUsedAt: Date;
  /** When its newest refresh token expires. */
  expiresAt: Date;
  userAgent: string | null;
}

interface SessionTokenDocument {
  /** SHA-256 of the refresh token, hex. */
  _id: string;
  sessionId: ObjectId;
  userId: ObjectId;
  issuedAt: Date;
  expiresAt: Date;
}

export type EndReason = 'logout' | 'logout-everywhere' | 'ended' | 'password-changed' | 'roles-changed' | 'refresh-token-reused' | 'account-gone';

export interface SessionEnd {
  /** The session's id. */
  _id: ObjectId;
  userId: ObjectId;
  at: Date;
  reason: EndReason;
}

export interface IssuedRefreshToken {
  refreshToken: string;
  expiresAt: Date;
}

/** Why a refresh token was not taken; the caller answers UNAUTHENTICATED either way. */
export type RefreshRefusal = 'unknown' | 'expired' | 'ended' | 'raced' | 'reused';

/** 32 random bytes: 256 bits, base64url. */
const newRefreshToken = () => randomBytes(32).toString('base64url');
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class SessionsStore {
  readonly #sessions: Collection<SessionDocument>;
  readonly #tokens: Collection<SessionTokenDocument>;
  readonly #uses: Collection<{ _id: string; at: Date }>;
  readonly #ends: Collection<SessionEnd>;

  constructor(db: Db) {
    this.#sessions = db.collection<SessionDocument>('sessions');
    this.#tokens = db.collection<SessionTokenDocument>('sessionTokens');
    this.#uses = db.collection('sessionTokenUses');
    this.#ends = db.collection<SessionEnd>('sessionEnds');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#sessions, [{ key: { userId: 1, lastUsedAt: -1 }, name: 'by_user_recent' }]);
    await ensureIndexes(this.#ends, [
      { key: { at: 1 }, name: 'by_time' },
      { key: { userId: 1 }, name: 'by_user' },
    ]);
  }

  /** Starts a session and gives it its first refresh token. */
  async start(userId: ObjectId, userAgent: string | null, ttlSeconds: number): Promise<{ session: SessionDocument } & IssuedRefreshToken> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    const session: SessionDocument = { _id: new ObjectId(), userId, createdAt: now, lastUsedAt: now, expiresAt, userAgent: userAgent?.slice(0, 300) || null };
    await this.#sessions.insertOne(session);
    return { session, ...(await this.#issue(session, now, expiresAt)) };
  }

  /**
   * Uses a refresh token once: the session and a new token for it, or why not. A token used
   * again within `graceMs` of its first use lost a race (two tabs refreshing at once) and is only
   * refused; used again later, it was copied, and its whole session ends.
   */
  async use(refreshToken: string, ttlSeconds: number, graceMs: number): Promise<({ session: SessionDocument } & IssuedRefreshToken) | { refused: RefreshRefusal }> {
    const hash = hashOf(refreshToken);
    const token = await this.#tokens.findOne({ _id: hash });
    if (!token) return { refused: 'unknown' };
    const now = new Date();
    if (token.expiresAt <= now) return { refused: 'expired' };
    if (await this.isEnded(token.sessionId)) return { refused: 'ended' };
    try {
      await this.#uses.insertOne({ _id: hash, at: now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const first = await this.#uses.findOne({ _id: hash });
      if (first && now.getTime() - first.at.getTime() <= graceMs) return { refused: 'raced' };
      await this.end(token.sessionId, token.userId, 'refresh-token-reused');
      return { refused: 'reused' };
    }
    const session = await this.#sessions.findOne({ _id: token.sessionId });
    if (!session) return { refused: 'unknown' };
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    await this.#sessions.updateOne({ _id: session._id }, { $set: { lastUsedAt: now, expiresAt } });
    return { session: { ...session, lastUsedAt: now, expiresAt }, ...(await this.#issue(session, now, expiresAt)) };
  }

  /** The session a refresh token belongs to, if the token is known. */
  async sessionOf(refreshToken: string): Promise<SessionTokenDocument | null> {
    return this.#tokens.findOne({ _id: hashOf(refreshToken) });
  }

  /** Ends a session; true if this call ended it, false if it had ended before. */
  async end(sessionId: ObjectId, userId: ObjectId, reason: EndReason): Promise<boolean> {
    try {
      await this.#ends.insertOne({ _id: sessionId, userId, at: new Date(), reason });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** Ends every live session of a user but `keep`; returns how many it ended. */
  async endAll(userId: ObjectId, reason: EndReason, keep?: string): Promise<number> {
    const live = await this.live(userId);
    let ended = 0;
    for (const session of live) {
      if (session._id.toHexString() === keep) continue;
      if (await this.end(session._id, userId, reason)) ended++;
    }
    return ended;
  }

  async belongsTo(sessionId: ObjectId, userId: ObjectId): Promise<boolean> {
    return (await this.#sessions.countDocuments({ _id: sessionId, userId }, { limit: 1 })) > 0;
  }

  async isEnded(sessionId: ObjectId): Promise<boolean> {
    return (await this.#ends.countDocuments({ _id: sessionId }, { limit: 1 })) > 0;
  }

  /** The user's sessions that have not ended and whose refresh token has not expired, most recently used first. */
  async live(userId: ObjectId, now = new Date()): Promise<SessionDocument[]> {
    const sessions = await this.#sessions.find({ userId, expiresAt: { $gt: now } }).sort({ lastUsedAt: -1 }).toArray();
    if (sessions.length === 0) return [];
    const ended = new Set((await this.#ends.find({ _id: { $in: sessions.map((s) => s._id) } }, { projection: { _id: 1 } }).toArray()).map((e) => e._id.toHexString()));
    return sessions.filter((s) => !ended.has(s._id.toHexString()));
  }

  /** Sessions ended at or after `since`, oldest first: the revocation view the gateway keeps. */
  endedSince(since: Date, limit: number): Promise<SessionEnd[]> {
    return this.#ends.find({ at: { $gte: since } }).sort({ at: 1 }).limit(limit).toArray();
  }

  async #issue(session: SessionDocument, now: Date, expiresAt: Date): Promise<IssuedRefreshToken> {
    const refreshToken = newRefreshToken();
    await this.#tokens.insertOne({ _id: hashOf(refreshToken), sessionId: session._id, userId: session.userId, issuedAt: now, expiresAt });
    return { refreshToken, expiresAt };
  }
}
