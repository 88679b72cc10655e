// Signing-key rotation as docs/deployment.md runs it: all four services as processes, restarted with new keys step by step, tokens and sessions checked through the gateway.
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it, vi } from 'vitest';
import { generatePaserkKeyPair, importSigningKey, type PaserkKeyPair } from '@marketplace/auth';
import { expectData, graphql } from '@marketplace/testing';
import { startSupergraphProcesses, type Settings, type SupergraphProcesses } from '../harness/supergraph-processes.ts';

/** A restarted users service leaves the router briefly unable to serve signed-in calls; this bounds the wait. */
const SETTLE_TIMEOUT_MS = 20_000;

const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }';
const LOGIN = 'mutation ($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }';
const REFRESH = 'mutation ($t: String!) { refresh(refreshToken: $t) { accessToken refreshToken } }';
/** Each subgraph sees the token: me (users), the buyer's orders (orders), the catalog (products). */
const SIGNED_IN = '{ me { id orders { totalCount } } products(first: 1) { totalCount } }';

type SignedIn = { me: { id: string; orders: { totalCount: number } } | null; products: { totalCount: number } };

/** The key id a token's footer names: v4.public.<payload>.<footer>, the footer base64url JSON {"kid": ...}. */
function footerKid(token: string): unknown {
  const parts = token.split('.');
  expect(parts.slice(0, 2)).toEqual(['v4', 'public']);
  expect(parts).toHaveLength(4);
  return (JSON.parse(Buffer.from(parts[3]!, 'base64url').toString('utf8')) as { kid?: unknown }).kid;
}

/** Throws unless `token` signs in through the gateway as `userId`, every subgraph accepting it. */
async function assertWorks(url: string, token: string, userId: string): Promise<void> {
  const data = await expectData<SignedIn>(url, SIGNED_IN, {}, { token });
  expect(data.me).toEqual({ id: userId, orders: { totalCount: 0 } });
  expect(data.products.totalCount).toBeGreaterThanOrEqual(0);
}

/** After a restart: polls (bounded) until `token` works again, so what follows meets settled services. */
const untilWorks = (url: string, token: string, userId: string) =>
  vi.waitFor(() => assertWorks(url, token, userId), { timeout: SETTLE_TIMEOUT_MS, interval: 100 });

/** What the users service lists at GET /keys: the key it signs with, and the keys (id and PASERK) it accepts, sorted. */
async function listedKeys(world: SupergraphProcesses): Promise<{ signing: string; accepted: { kid: string; paserk: string }[] }> {
  const response = await fetch(`http://127.0.0.1:${world.users.port}/keys`, { signal: AbortSignal.timeout(5000) });
  expect(response.status, 'GET /keys on the users service').toBe(200);
  const body = (await response.json()) as { signing: string; accepted: { kid: string; paserk: string }[] };
  return { signing: body.signing, accepted: [...body.accepted].sort((a, b) => a.kid.localeCompare(b.kid)) };
}

const listing = (...keys: { kid: string; paserk: string }[]) => [...keys].sort((a, b) => a.kid.localeCompare(b.kid));

describe('signing-key rotation through the gateway', () => {
  it('adds key B everywhere, signs with B, removes A: old tokens stop, sessions carry on under B', async () => {
    const [A, B] = [await generatePaserkKeyPair(), await generatePaserkKeyPair()];
    const kidA = (await importSigningKey(A.secretKey)).kid;
    const kidB = (await importSigningKey(B.secretKey)).kid;
    const verifiers = (...keys: PaserkKeyPair[]): Settings => ({ AUTH_PUBLIC_KEYS: keys.map((key) => key.publicKey).join(',') });
    // Step 0: users signs with A; everyone accepts A only.
    const world = await startSupergraphProcesses({
      mongoUri: inject('mongoUri'),
      settings: { users: { AUTH_SECRET_KEY: A.secretKey }, products: verifiers(A), orders: verifiers(A), router: verifiers(A) },
    });
    const { url } = world;
    // Verifiers first: in a rolling deployment they trust a key before anyone signs with it, and stop only after.
    const restartVerifiers = async (settings: Settings) => {
      for (const service of ['router', 'products', 'orders'] as const) await world[service].restartWith(settings);
    };
    const email = `rotation-${randomBytes(4).toString('hex')}@example.com`;
    const password = `Rotate-${randomBytes(6).toString('hex')}9`;
    const registered = await expectData<{ register: { accessToken: string; refreshToken: string; user: { id: string } } }>(url, REGISTER, {
      input: { email, password, name: 'Rotation Buyer' },
    });
    const userId = registered.register.user.id;
    const TA = registered.register.accessToken;
    const refreshToken0 = registered.register.refreshToken;
    expect(footerKid(TA)).toBe(kidA);
    expect(refreshToken0).not.toMatch(/^v4\./);
    await assertWorks(url, TA, userId);

    // Step 1: B's public key is added everywhere; users still signs with A.
    await restartVerifiers(verifiers(A, B));
    await world.users.restartWith({ AUTH_PUBLIC_KEYS: B.publicKey });
    await untilWorks(url, TA, userId);
    expect(await listedKeys(world)).toEqual({ signing: kidA, accepted: listing({ kid: kidA, paserk: A.publicKey }, { kid: kidB, paserk: B.publicKey }) });

    // Step 2: users signs with B and still accepts A.
    await world.users.restartWith({ AUTH_SECRET_KEY: B.secretKey, AUTH_PUBLIC_KEYS: A.publicKey });
    await untilWorks(url, TA, userId);
    const TB = (await expectData<{ login: { accessToken: string } }>(url, LOGIN, { email, password })).login.accessToken;
    expect(footerKid(TB)).toBe(kidB);
    await assertWorks(url, TB, userId);
    await assertWorks(url, TA, userId);
    expect(await listedKeys(world)).toEqual({ signing: kidB, accepted: listing({ kid: kidB, paserk: B.publicKey }, { kid: kidA, paserk: A.publicKey }) });

    // Step 3: A is removed everywhere.
    await restartVerifiers(verifiers(B));
    await world.users.restartWith({ AUTH_PUBLIC_KEYS: undefined });
    // TB working first shows the router (and its view of the users service) is up to date, so a refusal is the key's.
    await untilWorks(url, TB, userId);
    const refused = await graphql(url, SIGNED_IN, {}, { token: TA });
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // Each subgraph refuses A too, not only the gateway in front of them.
    for (const service of ['users', 'products', 'orders'] as const) {
      const direct = await graphql(world[service].url, '{ __typename }', {}, { token: TA });
      expect({ service, status: direct.status, code: direct.errors?.[0]?.extensions?.code }).toEqual({ service, status: 401, code: 'UNAUTHENTICATED' });
    }
    expect(await listedKeys(world)).toEqual({ signing: kidB, accepted: [{ kid: kidB, paserk: B.publicKey }] });

    // Step 4: the session from step 0 (an opaque refresh token, signed by no key) still works, now under B.
    const refreshed = await expectData<{ refresh: { accessToken: string; refreshToken: string } }>(url, REFRESH, { t: refreshToken0 });
    expect(footerKid(refreshed.refresh.accessToken)).toBe(kidB);
    await assertWorks(url, refreshed.refresh.accessToken, userId);
  });
});
