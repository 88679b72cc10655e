// The users service's only door to MongoDB: the users collection and its indexes.
import { MongoServerError, ObjectId, type Collection, type Db, type Filter } from 'mongodb';
import type { Role } from '@marketplace/auth';
import { afterCursorFilter, ensureIndexes, idsFilter, isDuplicateKeyError, NEWEST_FIRST, type PageArgs } from '@marketplace/service-kit';

export interface UserDocument {
  _id: ObjectId;
  /** Stored lower-cased, so uniqueness ignores case. */
  email: string;
  name: string;
  roles: Role[];
  passwordHash: string;
  createdAt: Date;
}

export interface ProfileChanges {
  name?: string;
  email?: string;
}

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

/**
 * MongoDB reports a unique index collision as 11000 for inserts and updates alike; FerretDB 1.24
 * (SQLite) does so for inserts only and passes SQLite's message through under code 1 for updates.
 */
function isEmailCollision(error: unknown): boolean {
  if (isDuplicateKeyError(error)) return true;
  return error instanceof MongoServerError && /UNIQUE constraint failed: index '[^']*email_unique'/.test(error.message);
}

const withRole = (role: Role | null | undefined): Filter<UserDocument> => (role ? { roles: role } : {});

export class UsersStore {
  readonly #users: Collection<UserDocument>;

  constructor(db: Db) {
    this.#users = db.collection<UserDocument>('users');
  }

  async ensureIndexes(): Promise<void> {
    await ensureIndexes(this.#users, [
      { key: { email: 1 }, name: 'email_unique', unique: true },
      { key: { createdAt: -1, _id: -1 }, name: 'newest' },
      { key: { roles: 1, createdAt: -1, _id: -1 }, name: 'by_role_newest' },
    ]);
  }

  /** One query for many ids (the DataLoader batches into this). */
  findByIds(ids: readonly ObjectId[]): Promise<UserDocument[]> {
    return this.#users.find(idsFilter(ids)).toArray();
  }

  /** Uncached, for checks that must see the latest write (a DataLoader keeps what it read first). */
  findById(id: ObjectId): Promise<UserDocument | null> {
    return this.#users.findOne({ _id: id });
  }

  findByEmail(email: string): Promise<UserDocument | null> {
    return this.#users.findOne({ email });
  }

  /** Up to size + 1 users, newest first, optionally only those holding `role`. */
  page(args: { role?: Role | null; after?: PageArgs['after']; size: number }): Promise<UserDocument[]> {
    const filter = { ...withRole(args.role), ...afterCursorFilter<UserDocument>(args.after) };
    return this.#users.find(filter).sort(NEWEST_FIRST).limit(args.size + 1).toArray();
  }

  count(args: { role?: Role | null }): Promise<number> {
    return this.#users.countDocuments(withRole(args.role));
  }

  async insert(user: Omit<UserDocument, '_id' | 'createdAt'>): Promise<UserDocument> {
    const doc: UserDocument = { _id: new ObjectId(), createdAt: new Date(), ...user };
    try {
      await this.#users.insertOne(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new EmailTakenError(user.email);
      throw error;
    }
    return doc;
  }

  /** The updated user, or null when there is none; the unique email index decides collisions. */
  async updateProfile(id: ObjectId, changes: ProfileChanges): Promise<UserDocument | null> {
    try {
      return await this.#users.findOneAndUpdate({ _id: id }, { $set: changes }, { returnDocument: 'after' });
    } catch (error) {
      if (isEmailCollision(error)) throw new EmailTakenError(changes.email ?? '');
      throw error;
    }
  }

  /** Whether the user exists. */
  async setPasswordHash(id: ObjectId, passwordHash: string): Promise<boolean> {
    const result = await this.#users.updateOne({ _id: id }, { $set: { passwordHash } });
    return result.matchedCount === 1;
  }

  /** Replaces the roles and returns the user as they were before, or null when there is none. */
  replaceRoles(id: ObjectId, roles: readonly Role[]): Promise<UserDocument | null> {
    return this.#users.findOneAndUpdate({ _id: id }, { $set: { roles: [...roles] } }, { returnDocument: 'before' });
  }

  async addRole(id: ObjectId, role: Role): Promise<void> {
    await this.#users.updateOne({ _id: id }, { $addToSet: { roles: role } });
  }
}
