// ensureAdmin at start-up on the real database: the first ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD
// while no ADMIN exists, and never a promotion of an account that has that email.
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@marketplace/service-kit';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { ensureAdmin } from '../src/admin.ts';
import { hashPassword, verifyPassword } from '../src/passwords.ts';
import { UsersStore } from '../src/stores/users.ts';

let database: DatabaseHandle;
let client: MongoClient;
let db: Db;
let users: UsersStore;
const logger = createLogger('users-admin-test');

const databases: Db[] = [];

/** Each test starts with no accounts at all, as "no ADMIN exists" is the whole database's state. */
async function fresh() {
  db = client.db(`users_admin_${new ObjectId().toHexString()}`);
  databases.push(db);
  users = new UsersStore(db);
  await users.ensureIndexes();
}

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
}, 240_000);
afterAll(async () => {
  for (const used of databases) await used.dropDatabase();
  await client?.close();
  await database?.stop();
});

const OWN_PASSWORD = 'Own-password-2024';
const ADMIN_PASSWORD = 'Admin-password-2024';
const withEmail = (email: string) => db.collection('users').find({ email }).toArray();

describe('ensureAdmin meeting an existing account', () => {
  beforeEach(fresh);

  it('never promotes an account that has ADMIN_EMAIL, even while no ADMIN exists, and creates no other', async () => {
    const buyer = await users.insert({ email: 'boss@example.com', name: 'The Boss', roles: ['BUYER'], passwordHash: await hashPassword(OWN_PASSWORD) });
    await ensureAdmin(users, { ADMIN_EMAIL: '  Boss@Example.COM ', ADMIN_PASSWORD, ADMIN_NAME: 'Someone Else' }, logger);
    const after = await users.findById(buyer._id);
    expect(after).toEqual(buyer);
    expect(await verifyPassword(after!.passwordHash, OWN_PASSWORD)).toBe(true);
    expect(await withEmail('boss@example.com')).toHaveLength(1);
    expect(await users.count({ role: 'ADMIN' })).toBe(0);
  });

  it('does nothing once an ADMIN exists: the freed ADMIN_EMAIL registered by someone else stays theirs, and no ADMIN_PASSWORD is needed', async () => {
    await ensureAdmin(users, { ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD }, logger);
    const [first] = await withEmail('first@example.com');
    // The first ADMIN moves to another address; someone registers the old one.
    await db.collection('users').updateOne({ _id: first!._id }, { $set: { email: 'moved@example.com' } });
    const squatter = await users.insert({ email: 'first@example.com', name: 'Squatter', roles: ['BUYER'], passwordHash: await hashPassword(OWN_PASSWORD) });
    await ensureAdmin(users, { ADMIN_EMAIL: 'first@example.com', ADMIN_PASSWORD }, logger);
    await ensureAdmin(users, { ADMIN_EMAIL: 'first@example.com' }, logger);
    expect(await users.findById(squatter._id)).toEqual(squatter);
    expect(await users.count({ role: 'ADMIN' })).toBe(1);
  });

  it('leaves an existing ADMIN as it is', async () => {
    const admin = await users.insert({ email: 'already@example.com', name: 'Already', roles: ['ADMIN', 'SELLER'], passwordHash: 'kept' });
    await ensureAdmin(users, { ADMIN_EMAIL: 'already@example.com', ADMIN_PASSWORD }, logger);
    expect(await users.findById(admin._id)).toEqual(admin);
  });

  it('two replicas starting at once create one ADMIN', async () => {
    await Promise.all([1, 2, 3].map(() => ensureAdmin(users, { ADMIN_EMAIL: 'race@example.com', ADMIN_PASSWORD }, logger)));
    expect(await users.count({ role: 'ADMIN' })).toBe(1);
  });
});

describe('ensureAdmin without an account', () => {
  beforeEach(fresh);

  it('creates the ADMIN with ADMIN_NAME and a hash of ADMIN_PASSWORD', async () => {
    await ensureAdmin(users, { ADMIN_EMAIL: 'New.Admin@example.com', ADMIN_PASSWORD, ADMIN_NAME: '  First   Admin ' }, logger);
    const [created] = await withEmail('new.admin@example.com');
    expect(created).toMatchObject({ name: 'First Admin', roles: ['ADMIN'] });
    expect(await verifyPassword(created!.passwordHash, ADMIN_PASSWORD)).toBe(true);
  });

  it('refuses to start without ADMIN_PASSWORD or with a weak one, and creates nothing', async () => {
    await expect(ensureAdmin(users, { ADMIN_EMAIL: 'nopass@example.com' }, logger)).rejects.toThrow(/ADMIN_PASSWORD/);
    await expect(ensureAdmin(users, { ADMIN_EMAIL: 'nopass@example.com', ADMIN_PASSWORD: 'weak' }, logger)).rejects.toThrow(/too weak/);
    expect(await withEmail('nopass@example.com')).toEqual([]);
  });

  it('does nothing without ADMIN_EMAIL', async () => {
    const count = await db.collection('users').countDocuments();
    await ensureAdmin(users, { ADMIN_EMAIL: '  ', ADMIN_PASSWORD }, logger);
    await ensureAdmin(users, {}, logger);
    expect(await db.collection('users').countDocuments()).toBe(count);
  });
});
