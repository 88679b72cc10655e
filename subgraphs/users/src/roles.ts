// Role changes by ADMINs, made so that the marketplace never loses its last ADMIN.
import { ObjectId } from 'mongodb';
import { ROLES, type Identity, type Role } from '@marketplace/auth';
import { badUserInput, conflict, forbidden, notFound, requireAnyRole } from '@marketplace/service-kit';
import { TurnBusyError, type TurnDocument } from './stores/admin-removals.ts';
import type { Stores } from './stores/index.ts';
import type { UserDocument, UsersStore } from './stores/users.ts';

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
export async function requireAdmin(identity: Identity, users: Pick<UsersStore, 'findById'>, action: string): Promise<ObjectId> {
  const caller = requireAnyRole(identity, ['ADMIN'], action);
  const id = new ObjectId(caller.userId);
  const current = await users.findById(id);
  if (!current?.roles.includes('ADMIN')) throw forbidden(`only ADMIN users can ${action}`);
  return id;
}

/** Replaces a user's roles on behalf of `callerId`, an ADMIN (see requireAdmin); returns the user after. */
export async function changeRoles(stores: Stores, callerId: ObjectId, userId: ObjectId, roles: readonly Role[]): Promise<UserDocument> {
  const wanted = normalizeRoles(roles);
  // Only another ADMIN can demote an ADMIN, so the caller always leaves one behind.
  if (callerId.equals(userId) && !wanted.includes('ADMIN')) {
    throw badUserInput('you cannot remove ADMIN from yourself: ask another ADMIN', 'roles');
  }
  if (wanted.includes('ADMIN')) return replaceRoles(stores.users, userId, wanted);
  // Two ADMINs demoting each other at the same moment both pass requireAdmin. Changes that may take
  // ADMIN away go one at a time, and each looks again, in its turn, whether its caller is still an ADMIN.
  const turn = await takeTurn(stores);
  try {
    const caller = await stores.users.findById(callerId);
    if (!caller?.roles.includes('ADMIN')) throw conflict('your own ADMIN role was removed while you were changing roles; nothing was changed');
    return await replaceRoles(stores.users, userId, wanted);
  } finally {
    await stores.adminRemovals.finish(turn);
  }
}

async function takeTurn(stores: Stores): Promise<TurnDocument> {
  try {
    return await stores.adminRemovals.take();
  } catch (error) {
    if (error instanceof TurnBusyError) throw conflict('another role change is in progress; try again');
    throw error;
  }
}

async function replaceRoles(users: UsersStore, userId: ObjectId, roles: Role[]): Promise<UserDocument> {
  const before = await users.replaceRoles(userId, roles);
  if (!before) throw notFound(`no user has id "${userId.toHexString()}"`);
  return { ...before, roles };
}
