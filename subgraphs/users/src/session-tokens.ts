// What a sign-in or a refresh answers with: an access token naming its session, and the session's next refresh token.
import { signAccessToken } from '@marketplace/auth';
import { unauthenticated } from '@marketplace/service-kit';
import type { Context } from './context.ts';
import type { IssuedRefreshToken, RefreshRefusal, SessionDocument } from './stores/sessions.ts';
import type { UserDocument } from './stores/users.ts';

/** A second use of a refresh token this soon after the first lost a race; later, it is a stolen copy. */
export const REFRESH_RACE_GRACE_MS = 10_000;

const REFUSALS: Record<RefreshRefusal, string> = {
  unknown: 'the refresh token is not valid; sign in again',
  expired: 'the refresh token has expired; sign in again',
  ended: 'this session has ended; sign in again',
  raced: 'this refresh token was just used by another request; use the tokens that request got',
  reused: 'this refresh token was already used, so the session has been ended; sign in again',
};

export async function authPayload(ctx: Context, user: UserDocument, session: SessionDocument, refresh: IssuedRefreshToken) {
  const { token, expiresAt } = await signAccessToken(
    ctx.signer,
    { userId: user._id.toHexString(), roles: user.roles, sessionId: session._id.toHexString() },
    { ttlSeconds: ctx.tokenTtlSeconds },
  );
  return { accessToken: token, expiresAt, refreshToken: refresh.refreshToken, refreshExpiresAt: refresh.expiresAt, user };
}

/** Signs a user in: a new session and its first pair of tokens. */
export async function signIn(ctx: Context, user: UserDocument) {
  const { session, ...refresh } = await ctx.stores.sessions.start(user._id, ctx.userAgent, ctx.refreshTtlSeconds);
  return authPayload(ctx, user, session, refresh);
}

/** Trades a refresh token for the session's next pair; UNAUTHENTICATED, saying why, when it cannot be. */
export async function refreshSession(ctx: Context, refreshToken: string) {
  const outcome = await ctx.stores.sessions.use(refreshToken, ctx.refreshTtlSeconds, REFRESH_RACE_GRACE_MS);
  if ('refused' in outcome) throw unauthenticated(REFUSALS[outcome.refused]);
  const { session, ...refresh } = outcome;
  const user = await ctx.stores.users.findById(session.userId);
  if (!user) {
    await ctx.stores.sessions.end(session._id, session.userId, 'account-gone');
    throw unauthenticated(REFUSALS.unknown);
  }
  return authPayload(ctx, user, session, refresh);
}

