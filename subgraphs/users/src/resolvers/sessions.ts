// Sessions: refreshing one, listing them, ending one or all of them.
import { ObjectId } from 'mongodb';
import { badUserInput, notFound, parseId, requireUser } from '@marketplace/service-kit';
import type { MutationResolvers, QueryResolvers, SessionResolvers } from '../__generated__/resolvers-types.ts';
import { refreshSession } from '../session-tokens.ts';

/** Longer than any token we issue (43 characters), short enough to refuse junk before hashing it. */
const MAX_REFRESH_TOKEN_LENGTH = 200;

function refreshTokenOf(value: string): string {
  if (value.length === 0 || value.length > MAX_REFRESH_TOKEN_LENGTH) throw badUserInput('refreshToken is not a refresh token', 'refreshToken');
  return value;
}

export const sessionQueries: Pick<QueryResolvers, 'sessions'> = {
  sessions: (_parent, _args, ctx) => ctx.stores.sessions.live(new ObjectId(requireUser(ctx.identity).userId)),
};

export const sessionMutations: Pick<MutationResolvers, 'refresh' | 'logout' | 'logoutEverywhere' | 'endSession'> = {
  refresh: (_parent, { refreshToken }, ctx) => refreshSession(ctx, refreshTokenOf(refreshToken)),

  async logout(_parent, { refreshToken }, ctx) {
    const token = await ctx.stores.sessions.sessionOf(refreshTokenOf(refreshToken));
    if (!token) return false;
    return ctx.stores.sessions.end(token.sessionId, token.userId, 'logout');
  },

  async logoutEverywhere(_parent, _args, ctx) {
    const userId = new ObjectId(requireUser(ctx.identity).userId);
    await ctx.stores.sessions.endAll(userId, 'logout-everywhere');
    // The session of the token in hand, even if the list missed it (it started a moment ago).
    if (ctx.identity.kind === 'user' && ctx.identity.sessionId && ObjectId.isValid(ctx.identity.sessionId)) {
      await ctx.stores.sessions.end(new ObjectId(ctx.identity.sessionId), userId, 'logout-everywhere');
    }
    return true;
  },

  async endSession(_parent, { id }, ctx) {
    const userId = new ObjectId(requireUser(ctx.identity).userId);
    const sessionId = parseId(id, 'id');
    if (!(await ctx.stores.sessions.belongsTo(sessionId, userId))) throw notFound(`you have no session ${id}`);
    return ctx.stores.sessions.end(sessionId, userId, 'ended');
  },
};

export const Session: SessionResolvers = {
  id: (session) => session._id.toHexString(),
};
