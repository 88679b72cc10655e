// useRateLimits: one allowance per signed-in user and one per anonymous client address, refused with 429.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, noteRefusal, type HttpHook, type LimiterStore } from '@marketplace/service-kit';
import type { RequestIdentity } from '../context.ts';

export interface RateLimitOptions {
  store: LimiterStore;
  /** Requests per minute; 0 turns a limit off. */
  userPerMinute: number;
  anonymousPerMinute: number;
  identify: RequestIdentity;
  /** Told of each refused request (metrics). */
  onLimited?: ((scope: 'user' | 'anonymous') => void) | undefined;
}

function refuse(res: ServerResponse, retryAfterSeconds: number, who: string): void {
  const body = {
    errors: [
      {
        message: `Too many requests from this ${who}; try again in ${retryAfterSeconds} s.`,
        extensions: { code: ErrorCode.RATE_LIMITED, retryAfterSeconds },
      },
    ],
  };
  res.writeHead(429, { 'content-type': 'application/json; charset=utf-8', 'retry-after': String(retryAfterSeconds) }).end(JSON.stringify(body));
}

export function useRateLimits(options: RateLimitOptions): HttpHook {
  const perUser = options.store.limiter({ name: 'user', points: options.userPerMinute, windowSeconds: 60 });
  const perAddress = options.store.limiter({ name: 'ip', points: options.anonymousPerMinute, windowSeconds: 60 });
  return async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') return false;
    const { identity, clientIp } = await options.identify(req);
    // A request with a token that fails verification counts as its address's, so bad tokens are no way around the limit.
    const outcome = identity?.kind === 'user' ? await perUser.consume(identity.userId) : await perAddress.consume(clientIp);
    if (outcome.allowed) return false;
    const user = identity?.kind === 'user';
    options.onLimited?.(user ? 'user' : 'anonymous');
    noteRefusal(req, [ErrorCode.RATE_LIMITED]);
    refuse(res, outcome.retryAfterSeconds, user ? 'account' : 'address');
    return true;
  };
}
