// The User entity: federation lookups and the email privacy rule.
import { hasRole } from '@marketplace/auth';
import { forbidden } from '@marketplace/service-kit';
import type { UserResolvers } from '../__generated__/resolvers-types.ts';

export const User: UserResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.user.load(ref.id),
  id: (user) => user._id.toHexString(),
  email(user, _args, { identity }) {
    const self = identity.kind === 'user' && identity.userId === user._id.toHexString();
    if (!self && !hasRole(identity, 'ADMIN')) throw forbidden("only the user themself or an ADMIN can read a user's email");
    return user.email;
  },
};
