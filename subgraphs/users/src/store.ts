// The users service's only door to MongoDB: the users collection and its indexes.
import { ObjectId, type Collection, type Db } from 'mongodb';
import type { Role } from '@marketplace/auth';
import { isDuplicateKeyError } from '@marketplace/service-kit';

export interface UserDocument {
  _id: ObjectId;
  /** Stored lower-cased, so uniqueness ignores case. */
  email: string;
  name: string;
  roles: Role[];
  passwordHash: string;
  createdAt: Date;
}

export class EmailTakenError extends Error {
  override name = 'EmailTakenError';
}

export class UsersStore {
  readonly #users: Collection<UserDocument>;

  constructor(db: Db) {
    this.#users = db.collection<UserDocument>('users');
  }

  async ensureIndexes(): Promise<void> {
    await this.#users.createIndex({ email: 1 }, { unique: true, name: 'email_unique' });
  }

  /** One query for many ids (the DataLoader batches into this). */
  findByIds(ids: readonly ObjectId[]): Promise<UserDocument[]> {
    return this.#users.find({ _id: { $in: [...ids] } }).toArray();
  }

  findByEmail(email: string): Promise<UserDocument | null> {
    return this.#users.findOne({ email });
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

  async addRole(id: ObjectId, role: Role): Promise<void> {
    await this.#users.updateOne({ _id: id }, { $addToSet: { roles: role } });
  }
}
