// The shared rate-limit store: router replicas counting in one Redis share every allowance.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLimiterStore, createLogger, type LimiterStore } from '@marketplace/service-kit';
import { redisServerBinary, startRedis, type RunningRedis } from '@marketplace/testing';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const QUERY = JSON.stringify({ query: '{ products(first: 1) { totalCount } }' });
const send = async (url: string) =>
  (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: QUERY })).status;

// .ci/run installs Debian's redis-server; without one this file says so and runs nothing.
describe.skipIf(!redisServerBinary())('rate limits in a shared Redis store (RATE_LIMIT_REDIS_URL)', () => {
  let sg: Supergraph;
  let redis: RunningRedis;
  const stores: LimiterStore[] = [];

  beforeAll(async () => {
    sg = await startSupergraph({ mongoUri: inject('mongoUri') });
    redis = await startRedis();
  });
  afterAll(async () => {
    await sg?.stop();
    await Promise.all(stores.map((store) => store.close()));
    await redis?.stop();
  });

  async function replica(): Promise<string> {
    const logger = createLogger('router');
    const limiterStore = createLimiterStore({ redisUrl: redis.url, logger });
    stores.push(limiterStore);
    expect(await limiterStore.connected()).toBe(true);
    return sg.startRouter({ logger, rateLimits: { anonymousPerMinute: 4, userPerMinute: 100 }, limiterStore });
  }

  it('counts one client across replicas', async () => {
    const [a, b] = [await replica(), await replica()];
    expect([await send(a), await send(b), await send(a), await send(b)]).toEqual([200, 200, 200, 200]);
    expect(await send(a)).toBe(429);
    expect(await send(b)).toBe(429);
  });

  it('keeps answering, limiting each replica alone, when Redis goes away', async () => {
    const url = await replica();
    await redis.stop();
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push(await send(url));
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});
