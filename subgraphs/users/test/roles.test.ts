// Role changes: normalizing, who may make them, and never losing the last ADMIN (on a fake store).
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { Identity, Role } from '@marketplace/auth';
import { changeRoles, normalizeRoles, requireAdmin, type RoleStore } from '../src/roles.ts';
import type { UserDocument } from '../src/stores/users.ts';

/** An in-memory stand-in for the users collection; `onReplace` runs right after each write. */
function fakeStore(users: UserDocument[], onReplace?: (id: ObjectId) => void) {
  const byId = new Map(users.map((user) => [user._id.toHexString(), { ...user }]));
  const store: RoleStore = {
    findById: async (id) => byId.get(id.toHexString()) ?? null,
    async replaceRoles(id, roles) {
      const user = byId.get(id.toHexString());
      if (!user) return null;
      const before = { ...user };
      user.roles = [...roles];
      onReplace?.(id);
      return before;
    },
  };
  return { store, roles: (user: UserDocument) => byId.get(user._id.toHexString())!.roles, set: (user: UserDocument, roles: Role[]) => (byId.get(user._id.toHexString())!.roles = roles) };
}

const user = (roles: Role[]): UserDocument => ({ _id: new ObjectId(), email: 'x@example.com', name: 'X', roles, passwordHash: '', createdAt: new Date() });
const identityOf = (doc: UserDocument, roles: Role[] = doc.roles): Identity => ({ kind: 'user', userId: doc._id.toHexString(), roles, tokenId: 't' });
const codeOf = (promise: Promise<unknown>) => promise.then(() => 'OK', (error: { extensions?: { code?: string } }) => error.extensions?.code);

describe('normalizeRoles', () => {
  it('drops duplicates and fixes the order', () => {
    expect(normalizeRoles(['ADMIN', 'SELLER', 'ADMIN', 'BUYER'])).toEqual(['BUYER', 'SELLER', 'ADMIN']);
  });

  it('refuses an empty list', () => {
    expect(() => normalizeRoles([])).toThrow(/at least one role/);
  });
});

describe('requireAdmin', () => {
  it('refuses anonymous callers and non-ADMIN tokens', async () => {
    const { store } = fakeStore([]);
    expect(await codeOf(requireAdmin({ kind: 'anonymous' }, store, 'x'))).toBe('UNAUTHENTICATED');
    const buyer = user(['BUYER']);
    expect(await codeOf(requireAdmin(identityOf(buyer), fakeStore([buyer]).store, 'x'))).toBe('FORBIDDEN');
  });

  it('refuses an ADMIN token whose holder is no longer ADMIN', async () => {
    const demoted = user(['BUYER']);
    expect(await codeOf(requireAdmin(identityOf(demoted, ['ADMIN']), fakeStore([demoted]).store, 'x'))).toBe('FORBIDDEN');
  });

  it("returns a current ADMIN's id", async () => {
    const admin = user(['ADMIN']);
    expect((await requireAdmin(identityOf(admin), fakeStore([admin]).store, 'x')).equals(admin._id)).toBe(true);
  });
});

describe('changeRoles', () => {
  it('replaces the roles and returns the user with them', async () => {
    const [admin, buyer] = [user(['ADMIN']), user(['BUYER'])];
    const fake = fakeStore([admin, buyer]);
    const after = await changeRoles(fake.store, admin._id, buyer._id, ['SELLER', 'BUYER']);
    expect(after.roles).toEqual(['BUYER', 'SELLER']);
    expect(fake.roles(buyer)).toEqual(['BUYER', 'SELLER']);
  });

  it('refuses to remove ADMIN from the caller, and changes nothing', async () => {
    const admin = user(['ADMIN']);
    const fake = fakeStore([admin]);
    expect(await codeOf(changeRoles(fake.store, admin._id, admin._id, ['BUYER']))).toBe('BAD_USER_INPUT');
    expect(fake.roles(admin)).toEqual(['ADMIN']);
    expect((await changeRoles(fake.store, admin._id, admin._id, ['SELLER', 'ADMIN'])).roles).toEqual(['SELLER', 'ADMIN']);
  });

  it('says NOT_FOUND for an unknown user', async () => {
    const admin = user(['ADMIN']);
    expect(await codeOf(changeRoles(fakeStore([admin]).store, admin._id, new ObjectId(), ['BUYER']))).toBe('NOT_FOUND');
  });

  it('lets one ADMIN demote another', async () => {
    const [a, b] = [user(['ADMIN']), user(['ADMIN', 'SELLER'])];
    const fake = fakeStore([a, b]);
    await changeRoles(fake.store, a._id, b._id, ['SELLER']);
    expect(fake.roles(b)).toEqual(['SELLER']);
  });

  it('undoes a demotion when the caller was demoted meanwhile, so one ADMIN remains', async () => {
    const [a, b] = [user(['ADMIN']), user(['ADMIN', 'SELLER'])];
    // B demotes A between A's check and A's look after writing.
    const fake = fakeStore([a, b], (id) => {
      if (id.equals(b._id)) fake.set(a, ['BUYER']);
    });
    expect(await codeOf(changeRoles(fake.store, a._id, b._id, ['BUYER']))).toBe('CONFLICT');
    expect(fake.roles(b)).toEqual(['ADMIN', 'SELLER']);
  });
});
