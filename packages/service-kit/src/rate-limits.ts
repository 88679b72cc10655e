// Rate limiters over one store: memory by default, or Redis shared by every replica (RATE_LIMIT_REDIS_URL).
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Logger } from './logger.ts';

export interface LimitRule {
  /** Distinguishes the rule's keys in a shared store. */
  name: string;
  /** How many actions one key may take per window; 0 turns the rule off. */
  points: number;
  windowSeconds: number;
}

export type LimitOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface Limiter {
  readonly enabled: boolean;
  /** Spends one action for `key`, refusing when the window's allowance is used up. */
  consume(key: string): Promise<LimitOutcome>;
  /** Refuses when `key` has used up its allowance, without spending anything (for counting failures). */
  check(key: string): Promise<LimitOutcome>;
  /** Records one failure for `key` (same as consume, ignoring the outcome). */
  record(key: string): Promise<void>;
  /** Forgets `key` (a successful sign-in clears its failures). */
  reset(key: string): Promise<void>;
}

export interface LimiterStore {
  limiter(rule: LimitRule): Limiter;
  /** Resolves once the shared store answers (true at once for memory), or false after `timeoutMs`. */
  connected(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

const retryAfter = (res: RateLimiterRes): LimitOutcome => ({ allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) });

const OFF: Limiter = {
  enabled: false,
  consume: () => Promise.resolve({ allowed: true }),
  check: () => Promise.resolve({ allowed: true }),
  record: () => Promise.resolve(),
  reset: () => Promise.resolve(),
};

function wrap(backend: RateLimiterAbstract, points: number, logger: Logger): Limiter {
  // A store outage must not take sign-in or the API down: the Redis limiter falls back to memory
  // (its insurance limiter); anything else unexpected is logged and lets the request through.
  const failOpen = (error: unknown): LimitOutcome => {
    logger.error({ err: error }, 'rate limit store failed; allowing the request');
    return { allowed: true };
  };
  return {
    enabled: true,
    async consume(key) {
      try {
        await backend.consume(key);
        return { allowed: true };
      } catch (error) {
        return error instanceof RateLimiterRes ? retryAfter(error) : failOpen(error);
      }
    },
    async check(key) {
      try {
        const res = await backend.get(key);
        return res && res.consumedPoints >= points ? retryAfter(res) : { allowed: true };
      } catch (error) {
        return failOpen(error);
      }
    },
    async record(key) {
      await backend.penalty(key).catch(failOpen);
    },
    async reset(key) {
      await backend.delete(key).catch(failOpen);
    },
  };
}

export function createLimiterStore(options: { redisUrl?: string; logger: Logger }): LimiterStore {
  const { logger } = options;
  const redis = options.redisUrl
    ? new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false })
    : undefined;
  redis?.on('error', (error: Error) => logger.warn({ err: { message: error.message } }, 'rate limit store unavailable'));
  return {
    limiter(rule) {
      if (rule.points <= 0) return OFF;
      const base = { keyPrefix: `marketplace:rl:${rule.name}`, points: rule.points, duration: rule.windowSeconds };
      const backend = redis
        ? new RateLimiterRedis({ ...base, storeClient: redis, insuranceLimiter: new RateLimiterMemory(base) })
        : new RateLimiterMemory(base);
      return wrap(backend, rule.points, logger);
    },
    async connected(timeoutMs = 5000) {
      if (!redis || redis.status === 'ready') return true;
      return new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        redis.once('ready', () => {
          clearTimeout(timer);
          resolve(true);
        });
      });
    },
    async close() {
      await redis?.quit().catch(() => redis.disconnect());
    },
  };
}
