// The users subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { accountMutations } from './account.ts';
import { administrationMutations, administrationQueries, UserConnection } from './administration.ts';
import { Mutation } from './sign-in.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: {
    me: (_parent, _args, { identity, loaders }) => (identity.kind === 'user' ? loaders.user.load(identity.userId) : null),
    ...administrationQueries,
  },
  Mutation: { ...Mutation, ...accountMutations, ...administrationMutations },
  User,
  UserConnection,
};
