// The users store against a real database: restart-safe indexes, email collisions on update, paging.
import { MongoClient, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDatabase, type DatabaseHandle } from '@marketplace/testing';
import { EmailTakenError, UsersStore } from '../src/stores/users.ts';

let database: DatabaseHandle;
let client: MongoClient;
let db: Db;
let store: UsersStore;

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  db = client.db(`users_${new ObjectId().toHexString()}`);
  store = new UsersStore(db);
  await store.ensureIndexes();
}, 240_000);
afterAll(async () => {
  await db?.dropDatabase();
  await client?.close();
  await database?.stop();
});

const newUser = (email: string, roles: ('BUYER' | 'SELLER' | 'ADMIN')[] = ['BUYER']) =>
  store.insert({ email, name: 'Someone', roles, passwordHash: 'x' });

describe('UsersStore', () => {
  it('creates its indexes again on a restart', async () => {
    await new UsersStore(db).ensureIndexes();
    const names = (await db.collection('users').indexes()).map((index) => index.name);
    expect(names).toEqual(expect.arrayContaining(['email_unique', 'newest', 'by_role_newest']));
  });

  it('refuses an email change to a taken email and changes nothing', async () => {
    const [a, b] = await Promise.all([newUser('taken-a@example.com'), newUser('taken-b@example.com')]);
    await expect(store.updateProfile(a._id, { name: 'Changed', email: b.email })).rejects.toBeInstanceOf(EmailTakenError);
    expect(await store.findById(a._id)).toEqual(a);
    const renamed = await store.updateProfile(a._id, { name: 'Renamed', email: a.email });
    expect(renamed).toMatchObject({ name: 'Renamed', email: a.email });
    expect(await store.updateProfile(new ObjectId(), { name: 'Nobody' })).toBeNull();
  });

  it('pages newest first, filtered by role, and counts', async () => {
    await Promise.all([newUser('page-1@example.com', ['SELLER']), newUser('page-2@example.com', ['BUYER', 'SELLER'])]);
    const sellers = await store.page({ role: 'SELLER', size: 10 });
    expect(sellers.every((user) => user.roles.includes('SELLER'))).toBe(true);
    expect(await store.count({ role: 'SELLER' })).toBe(sellers.length);
    expect(await store.count({})).toBe((await store.page({ size: 100 })).length);
  });

  it('replaces roles and returns the user as they were', async () => {
    const user = await newUser('roles@example.com', ['BUYER']);
    expect((await store.replaceRoles(user._id, ['SELLER']))?.roles).toEqual(['BUYER']);
    expect((await store.findById(user._id))?.roles).toEqual(['SELLER']);
    expect(await store.replaceRoles(new ObjectId(), ['SELLER'])).toBeNull();
  });
});
