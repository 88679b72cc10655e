// What ADMINs do with accounts: list them and change their roles.
import { countTotal, pageSize, parseId, toPage, type CountedPage } from '@marketplace/service-kit';
import type { MutationResolvers, QueryResolvers, UserConnectionResolvers } from '../__generated__/resolvers-types.ts';
import { changeRoles, requireAdmin } from '../roles.ts';
import type { UserDocument } from '../stores/users.ts';

export type UserListing = CountedPage<UserDocument>;

export const administrationQueries: Pick<QueryResolvers, 'users'> = {
  async users(_parent, { first, after, role }, ctx) {
    await requireAdmin(ctx.identity, ctx.stores.users, 'list users');
    const size = pageSize(first);
    return { ...toPage(await ctx.stores.users.page({ role, after, size }), size), count: () => ctx.stores.users.count({ role }) };
  },
};

export const administrationMutations: Pick<MutationResolvers, 'setRoles'> = {
  async setRoles(_parent, { userId, roles }, ctx) {
    const callerId = await requireAdmin(ctx.identity, ctx.stores.users, 'change roles');
    const user = await changeRoles(ctx.stores, callerId, parseId(userId, 'userId'), roles);
    // Tokens carry roles: ending the user's sessions makes the gateway refuse the old ones.
    await ctx.stores.sessions.endAll(user._id, 'roles-changed');
    // Later fields of this request must not see the roles the loader may have cached before.
    const key = user._id.toHexString();
    ctx.loaders.user.clear(key).prime(key, user);
    return user;
  },
};

export const UserConnection: UserConnectionResolvers = { totalCount: countTotal };
