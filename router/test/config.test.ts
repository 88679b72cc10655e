// The router's settings: each limit from its variable, 0 for off, bad values named at start-up.
import { describe, expect, it } from 'vitest';
import { configProblems } from '@marketplace/service-kit';
import { corsOrigins, OPERATION_LIMIT_DEFAULTS, operationLimits } from '../src/config.ts';

describe('operationLimits', () => {
  it('uses the defaults, each variable overriding its own limit', () => {
    expect(operationLimits({})).toEqual({ maxDepth: 15, maxAliases: 30, maxRootFields: 20, maxTokens: 2000, maxDirectives: 20, maxCost: 10_000 });
    expect(operationLimits({ MAX_DEPTH: '8', MAX_COST: '0', MAX_TOKENS: '' })).toMatchObject({ maxDepth: 8, maxCost: 0, maxTokens: OPERATION_LIMIT_DEFAULTS.MAX_TOKENS });
  });

  it('names a bad value among the start-up problems', () => {
    const env = { AUTH_PUBLIC_KEYS: 'k4.public.x', MAX_ALIASES: '-1', CORS_ORIGINS: 'shop.example.com', RATE_LIMIT_USER_PER_MINUTE: 'lots' };
    const problems = configProblems(env, 'router', [operationLimits, (e) => corsOrigins(e, false)]);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^MAX_ALIASES is invalid/), expect.stringMatching(/^CORS_ORIGINS must be/), expect.stringMatching(/^RATE_LIMIT_USER_PER_MINUTE is invalid/)]),
    );
  });
});
