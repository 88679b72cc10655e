// The users subgraph's resolver map.
import { DateTime } from '@marketplace/service-kit';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { accountMutations, accountQueries } from './account.ts';
import { administrationMutations, administrationQueries, UserConnection } from './administration.ts';
import { Session, sessionMutations, sessionQueries } from './sessions.ts';
import { signInMutations } from './sign-in.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = {
  DateTime,
  Query: { ...accountQueries, ...administrationQueries, ...sessionQueries },
  Mutation: { ...signInMutations, ...sessionMutations, ...accountMutations, ...administrationMutations },
  User,
  Session,
  UserConnection,
};
