// Which products a caller may list: active ones, plus their own archived ones; an ADMIN sees all.
import { ObjectId } from 'mongodb';
import { hasRole, type Identity } from '@marketplace/auth';
import type { Visibility } from './stores/catalog-query.ts';

export function visibilityOf(identity: Identity): Visibility {
  if (hasRole(identity, 'ADMIN')) return { all: true };
  return identity.kind === 'user' ? { all: false, ownerId: new ObjectId(identity.userId) } : { all: false };
}
