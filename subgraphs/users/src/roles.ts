// Role changes by ADMINs, made so that the marketplace never loses its last ADMIN.
import { ObjectId } from 'mongodb';
import { ROLES, type Identity, type Role } from '@marketplace/auth';
import { badUserInput, conflict, forbidden, notFound, requireAnyRole } from '@marketplace/service-kit';
import type { UserDocument, UsersStore } from './stores/users.ts';

export type RoleStore = Pick<UsersStore, 'findById' | 'replaceRoles'>;

/** At least one role; duplicates dropped and the order fixed, so equal sets are stored alike. */
export function normalizeRoles(roles: readonly Role[]): Role[] {
  if (roles.length === 0) throw badUserInput('roles must name at least one role', 'roles');
  return ROLES.filter((role) => roles.includes(role));
}

/**
 * ADMIN by the token and still ADMIN in the database. A token keeps the roles it was issued with
 * until it expires, so without the second look a demoted ADMIN could go on managing accounts, and
 * even give ADMIN back to themself.
 */
export async function requireAdmin(identity: Identity, store: RoleStore, action: string): Promise<ObjectId> {
  const caller = requireAnyRole(identity, ['ADMIN'], action);
  const id = new ObjectId(caller.userId);
  const current = await store.findById(id);
  if (!current?.roles.includes('ADMIN')) throw forbidden(`only ADMIN users can ${action}`);
  return id;
}

/** Replaces a user's roles on behalf of `callerId`, an ADMIN (see requireAdmin); returns the user after. */
export async function changeRoles(store: RoleStore, callerId: ObjectId, userId: ObjectId, roles: readonly Role[]): Promise<UserDocument> {
  const wanted = normalizeRoles(roles);
  // Only another ADMIN can demote an ADMIN, so the caller always leaves one behind.
  if (callerId.equals(userId) && !wanted.includes('ADMIN')) {
    throw badUserInput('you cannot remove ADMIN from yourself: ask another ADMIN', 'roles');
  }
  const before = await store.replaceRoles(userId, wanted);
  if (!before) throw notFound(`no user has id "${userId.toHexString()}"`);
  if (before.roles.includes('ADMIN') && !wanted.includes('ADMIN')) {
    // Two ADMINs demoting each other at the same moment both pass requireAdmin. Each looks again
    // after writing and, finding itself demoted, undoes its own change, so at least one stays.
    const caller = await store.findById(callerId);
    if (!caller?.roles.includes('ADMIN')) {
      await store.replaceRoles(userId, before.roles);
      throw conflict('your own ADMIN role was removed while you were changing roles; nothing was changed');
    }
  }
  return { ...before, roles: wanted };
}
