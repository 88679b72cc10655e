// The gateway's view of ended sessions, kept from the users service's /revocations, so a token of an ended session is refused.
//
// The view is fetched every POLL_MS. A token is refused once its session's end is in the view,
// so a session that ends is refused by every gateway within POLL_MS (plus one fetch). If the view
// cannot be brought up to date for STALE_MS, signed-in requests are refused with
// SERVICE_UNAVAILABLE rather than served on old knowledge: no ended session is ever let through
// for longer than STALE_MS.
import { USER_TOKEN, type Identity } from '@marketplace/auth';
import { appError, ErrorCode, unauthenticated, type Logger } from '@marketplace/service-kit';

export const REVOCATION_POLL_MS = 1_000;
export const REVOCATION_STALE_MS = 5_000;
/** Ends are fetched again from a little before the newest one seen, so one written a moment late is not missed. */
const OVERLAP_MS = 5_000;
/** An end older than the longest access token (plus clock tolerance) concerns only expired tokens. */
const KEEP_MS = (USER_TOKEN.maxTtlSeconds + 60) * 1000;
const FETCH_TIMEOUT_MS = 2_000;

interface RevocationPage {
  ended: { session: string; at: string }[];
  more: boolean;
}

export interface SessionRevocations {
  /** Throws UNAUTHENTICATED for a token of an ended session (or none), SERVICE_UNAVAILABLE while the view is out of date. */
  check(identity: Identity): void;
  /** The view is up to date (for /readyz). */
  fresh(): boolean;
  stop(): void;
}

export function watchSessionRevocations(options: { url: string; logger: Logger; pollMs?: number; staleMs?: number }): SessionRevocations {
  const pollMs = options.pollMs ?? REVOCATION_POLL_MS;
  const staleMs = options.staleMs ?? REVOCATION_STALE_MS;
  const ended = new Map<string, number>();
  let since = Date.now() - KEEP_MS;
  let upToDateAt = 0;
  let failing = false;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function fetchPage(from: number): Promise<RevocationPage> {
    const url = new URL(options.url);
    url.searchParams.set('since', new Date(from).toISOString());
    const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`the users service answered ${response.status}`);
    return (await response.json()) as RevocationPage;
  }

  async function update(): Promise<void> {
    const started = Date.now();
    let from = since;
    for (;;) {
      const page = await fetchPage(from);
      for (const { session, at } of page.ended) ended.set(session, Date.parse(at));
      const newest = page.ended.at(-1);
      if (newest) from = Math.max(from, Date.parse(newest.at));
      if (!page.more) break;
    }
    since = Math.max(since, from - OVERLAP_MS);
    for (const [session, at] of ended) if (at < started - KEEP_MS) ended.delete(session);
    upToDateAt = started;
  }

  async function loop(): Promise<void> {
    try {
      await update();
      if (failing) options.logger.info('session revocations are up to date again');
      failing = false;
    } catch (error) {
      if (!failing) options.logger.warn({ err: error }, 'cannot fetch session revocations from the users service; retrying');
      failing = true;
    }
    if (!stopped) timer = setTimeout(() => void loop(), pollMs);
  }
  void loop();

  const fresh = () => Date.now() - upToDateAt <= staleMs;
  return {
    check(identity) {
      if (identity.kind !== 'user') return;
      if (!identity.sessionId) throw unauthenticated('the token belongs to no session; sign in again');
      if (!fresh()) throw appError(ErrorCode.SERVICE_UNAVAILABLE, 'sign-ins cannot be checked right now; try again shortly');
      if (ended.has(identity.sessionId)) throw unauthenticated('the session of this token has ended; refresh or sign in again');
    },
    fresh,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
