// What ADMINs do with accounts: list them and change their roles.
import type { Role } from '@marketplace/auth';
import { pageSize, parseId, toPage, type Page } from '@marketplace/service-kit';
import type { MutationResolvers, QueryResolvers, UserConnectionResolvers } from '../__generated__/resolvers-types.ts';
import { changeRoles, requireAdmin } from '../roles.ts';
import type { UserDocument } from '../store.ts';

/** A page of users plus the filter it was read with, so totalCount is counted only when asked for. */
export interface UserListing extends Page<UserDocument> {
  role: Role | null;
}

export const administrationQueries: Pick<QueryResolvers, 'users'> = {
  async users(_parent, { first, after, role }, ctx) {
    await requireAdmin(ctx.identity, ctx.store, 'list users');
    const size = pageSize(first);
    return { ...toPage(await ctx.store.page({ role, after, size }), size), role: role ?? null };
  },
};

export const administrationMutations: Pick<MutationResolvers, 'setRoles'> = {
  async setRoles(_parent, { userId, roles }, ctx) {
    const callerId = await requireAdmin(ctx.identity, ctx.store, 'change roles');
    const user = await changeRoles(ctx.store, callerId, parseId(userId, 'userId'), roles);
    // Later fields of this request must not see the roles the loader may have cached before.
    const key = user._id.toHexString();
    ctx.loaders.user.clear(key).prime(key, user);
    return user;
  },
};

export const UserConnection: UserConnectionResolvers = {
  totalCount: (listing, _args, ctx) => ctx.store.count({ role: listing.role }),
};
