// JSON endpoints beside /graphql: the sessions that ended (the gateway's revocation view) and the keys tokens may be signed with.
import { exportKeyRing, type KeyRing, type SigningKey } from '@marketplace/auth';
import type { JsonRoute } from '@marketplace/service-kit';
import type { SessionsStore } from './stores/sessions.ts';

/** Ends at most this many per answer; the gateway asks again from the last one when `more` is set. */
const PAGE = 5000;
/** No answer reaches back further: an access token lives an hour at most. */
const HORIZON_MS = 2 * 60 * 60 * 1000;

export interface RevocationPage {
  /** Ended sessions, oldest first: the session id and when it ended. */
  ended: { session: string; at: string }[];
  /** Another page follows from the last `at`. */
  more: boolean;
}

export function sessionRoutes(deps: { sessions: SessionsStore; keys: KeyRing; signer: SigningKey }): Record<string, JsonRoute> {
  return {
    /** GET /revocations?since=<ISO time>: sessions ended since then (at most two hours back). */
    '/revocations': async (url): Promise<RevocationPage> => {
      const asked = Date.parse(url.searchParams.get('since') ?? '');
      const since = new Date(Math.max(Number.isNaN(asked) ? 0 : asked, Date.now() - HORIZON_MS));
      const ends = await deps.sessions.endedSince(since, PAGE);
      return { ended: ends.map((end) => ({ session: end._id.toHexString(), at: end.at.toISOString() })), more: ends.length === PAGE };
    },
    /** GET /keys: the key new tokens are signed with, and every key tokens are accepted from. */
    '/keys': async () => ({ signing: deps.signer.kid, accepted: await exportKeyRing(deps.keys) }),
  };
}
