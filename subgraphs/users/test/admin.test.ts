// ensureAdmin at start-up on the real database: the first ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD,
// and what it does when an account with that email already exists.
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  db = client.db(`users_admin_${new ObjectId().toHexString()}`);
  users = new UsersStore(db);
  await users.ensureIndexes();
}, 240_000);
afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await database?.stop();
});

const OWN_PASSWORD = 'Own-password-2024';
const ADMIN_PASSWORD = 'Admin-password-2024';
const withEmail = (email: string) => db.collection('users').find({ email }).toArray();

describe('ensureAdmin meeting an existing account', () => {
  it('promotes a BUYER with ADMIN_EMAIL however the email is written, keeping its password, name and other roles', async () => {
    const buyer = await users.insert({ email: 'boss@example.com', name: 'The Boss', roles: ['BUYER'], passwordHash: await hashPassword(OWN_PASSWORD) });
    await ensureAdmin(users, { ADMIN_EMAIL: '  Boss@Example.COM ', ADMIN_PASSWORD, ADMIN_NAME: 'Someone Else' }, logger);
    const after = await users.findById(buyer._id);
    expect(after).toEqual({ ...buyer, roles: ['BUYER', 'ADMIN'] });
    expect(await verifyPassword(after!.passwordHash, OWN_PASSWORD)).toBe(true);
    expect(await verifyPassword(after!.passwordHash, ADMIN_PASSWORD)).toBe(false);
    expect(await withEmail('boss@example.com')).toHaveLength(1);
  });

  it('changes nothing on the next start, and needs no ADMIN_PASSWORD for an existing account', async () => {
    const seller = await users.insert({ email: 'again@example.com', name: 'Again', roles: ['SELLER'], passwordHash: await hashPassword(OWN_PASSWORD) });
    await ensureAdmin(users, { ADMIN_EMAIL: 'again@example.com' }, logger);
    await ensureAdmin(users, { ADMIN_EMAIL: 'again@example.com', ADMIN_PASSWORD }, logger);
    expect(await users.findById(seller._id)).toEqual({ ...seller, roles: ['SELLER', 'ADMIN'] });
  });

  it('leaves an existing ADMIN as it is', async () => {
    const admin = await users.insert({ email: 'already@example.com', name: 'Already', roles: ['ADMIN', 'SELLER'], passwordHash: 'kept' });
    await ensureAdmin(users, { ADMIN_EMAIL: 'already@example.com', ADMIN_PASSWORD }, logger);
    expect(await users.findById(admin._id)).toEqual(admin);
  });
});

describe('ensureAdmin without an account', () => {
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
