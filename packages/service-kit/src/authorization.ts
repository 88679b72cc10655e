// Who may do this: guards resolvers call before touching a store.
import type { Identity, Role } from '@marketplace/auth';
import { forbidden, unauthenticated } from './errors.ts';

export type UserIdentity = Extract<Identity, { kind: 'user' }>;

export function requireUser(identity: Identity): UserIdentity {
  if (identity.kind !== 'user') throw unauthenticated();
  return identity;
}

export function requireAnyRole(identity: Identity, roles: readonly Role[], action: string): UserIdentity {
  const user = requireUser(identity);
  if (!roles.some((role) => user.roles.includes(role))) {
    throw forbidden(`only ${roles.join(' or ')} users can ${action}`);
  }
  return user;
}

export function requireService(identity: Identity, allowed: readonly string[]): void {
  if (identity.kind === 'anonymous') throw unauthenticated('this operation is for marketplace services only');
  if (identity.kind !== 'service' || !allowed.includes(identity.service)) {
    throw forbidden('this operation is for marketplace services only');
  }
}
