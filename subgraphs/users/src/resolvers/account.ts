// A signed-in user's own account: reading it, changing its profile and password.
import { ObjectId } from 'mongodb';
import { badUserInput, conflict, notFound, requireUser } from '@marketplace/service-kit';
import type { MutationResolvers, QueryResolvers } from '../__generated__/resolvers-types.ts';
import { hashPassword, verifyPassword } from '../passwords.ts';
import { EmailTakenError } from '../stores/users.ts';
import { validatePassword, validateProfileChanges } from '../validation.ts';

export const accountQueries: Pick<QueryResolvers, 'me'> = {
  me: (_parent, _args, { identity, loaders }) => (identity.kind === 'user' ? loaders.user.load(identity.userId) : null),
};

export const accountMutations: Pick<MutationResolvers, 'updateProfile' | 'changePassword'> = {
  async updateProfile(_parent, { input }, ctx) {
    const id = new ObjectId(requireUser(ctx.identity).userId);
    const changes = validateProfileChanges(input);
    let user;
    try {
      user = await ctx.stores.users.updateProfile(id, changes);
    } catch (error) {
      if (error instanceof EmailTakenError) throw conflict('an account with this email already exists');
      throw error;
    }
    if (!user) throw notFound('your account no longer exists');
    ctx.loaders.user.clear(id.toHexString()).prime(id.toHexString(), user);
    return user;
  },

  async changePassword(_parent, { currentPassword, newPassword }, ctx) {
    const id = new ObjectId(requireUser(ctx.identity).userId);
    validatePassword(newPassword, 'newPassword');
    const user = await ctx.stores.users.findById(id);
    if (!(await verifyPassword(user?.passwordHash, currentPassword)) || !user) {
      throw badUserInput('currentPassword is wrong', 'currentPassword');
    }
    if (newPassword === currentPassword) throw badUserInput('newPassword must differ from the current password', 'newPassword');
    if (!(await ctx.stores.users.setPasswordHash(id, await hashPassword(newPassword)))) throw notFound('your account no longer exists');
    // Whoever else knew the old password is signed out; the caller's own session goes on.
    const current = ctx.identity.kind === 'user' ? ctx.identity.sessionId : undefined;
    await ctx.stores.sessions.endAll(id, 'password-changed', current);
    return true;
  },
};
