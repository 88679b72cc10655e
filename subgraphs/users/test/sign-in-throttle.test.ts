// Sign-in and registration throttles: the users subgraph over real HTTP on the real database,
// with small limits. Requests come from loopback (trusted by default), so X-Forwarded-For picks the
// client address each scenario uses.
import { randomBytes } from 'node:crypto';
import { MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePaserkKeyPair, importKeyRing, importSigningKey } from '@marketplace/auth';
import { compileTrustedProxies, createLimiterStore, createLogger, type RunningServer } from '@marketplace/service-kit';
import { errorCodes, expectData, graphql, startDatabase, type DatabaseHandle, type GraphQLResult } from '@marketplace/testing';
import { startUsersService, type UsersServiceOptions } from '../src/service.ts';
import { createSignInThrottle, type SignInLimits } from '../src/sign-in-throttle.ts';

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { id } } }';
const REGISTER = 'mutation ($input: RegisterInput!) { register(input: $input) { accessToken user { id } } }';
const PASSWORD = 'Right-horse-42';
const LIMITS: SignInLimits = { loginFailuresPerEmail: 3, loginFailuresPerIp: 7, registerPerHour: 3 };
const SHORT_WINDOW_SECONDS = 3;

let database: DatabaseHandle;
let client: MongoClient;
const dbName = `users_throttle_${new ObjectId().toHexString()}`;
const servers: RunningServer[] = [];
const limiterStores: { close(): Promise<void> }[] = [];
let url: string;
let shortWindowUrl: string;
let untrustingUrl: string;
let fromEnvUrl: string;

async function start(options: Partial<UsersServiceOptions> & { limits?: SignInLimits; loginWindowSeconds?: number }): Promise<string> {
  const pair = await generatePaserkKeyPair();
  const logger = createLogger('users-throttle-test');
  const { limits, loginWindowSeconds, ...rest } = options;
  let signInThrottle = rest.signInThrottle;
  if (limits) {
    const store = createLimiterStore({ logger });
    limiterStores.push(store);
    signInThrottle = createSignInThrottle({ store, limits, loginWindowSeconds });
  }
  const server = await startUsersService({
    mongo: client,
    database: dbName,
    keys: { users: await importKeyRing(pair.publicKey) },
    signer: await importSigningKey(pair.secretKey),
    tokenTtlSeconds: 900,
    host: '127.0.0.1',
    port: 0,
    production: false,
    logger,
    ...rest,
    signInThrottle,
  });
  servers.push(server);
  return server.url;
}

beforeAll(async () => {
  database = await startDatabase();
  client = await MongoClient.connect(database.uri);
  url = await start({ limits: LIMITS });
  shortWindowUrl = await start({ limits: LIMITS, loginWindowSeconds: SHORT_WINDOW_SECONDS });
  untrustingUrl = await start({ limits: LIMITS, trustProxy: compileTrustedProxies([]) });
  // No throttle given, as the e2e harness starts it: the limits come from env (or the defaults).
  fromEnvUrl = await start({ env: { RATE_LIMIT_LOGIN_FAILURES: '2', RATE_LIMIT_REGISTER_PER_HOUR: '0' } });
}, 240_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  await Promise.all(limiterStores.map((store) => store.close()));
  await client?.db(dbName).dropDatabase();
  await client?.close();
  await database?.stop();
});

let addresses = 0;
/** A fresh client address (TEST-NET-2) per scenario, so scenarios never share a counter. */
const newAddress = () => `198.51.100.${++addresses}`;
const newEmail = (label: string) => `${label}-${randomBytes(5).toString('hex')}@example.com`;
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });

async function registered(ip: string, label = 'user', at = url): Promise<string> {
  const email = newEmail(label);
  await expectData(at, REGISTER, { input: { email, password: PASSWORD, name: 'Someone' } }, from(ip));
  return email;
}

const login = (email: string, password: string, ip: string, at = url) => graphql(at, LOGIN, { e: email, p: password }, from(ip));

/** Logs in with a wrong password `times` times, each answered as a plain wrong password. */
async function failLogins(email: string, ip: string, times: number, at = url) {
  for (let i = 0; i < times; i++) {
    expect(errorCodes(await login(email, 'Wrong-horse-0', ip, at))).toEqual(['UNAUTHENTICATED']);
  }
}

function expectRateLimited(result: GraphQLResult, message: RegExp, windowSeconds = 900) {
  expect(errorCodes(result)).toEqual(['RATE_LIMITED']);
  expect(result.data?.login ?? result.data?.register ?? null).toBeNull();
  const error = result.errors![0]!;
  expect(error.message).toMatch(message);
  const retryAfter = error.extensions?.retryAfterSeconds;
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(error.message).toContain(`${retryAfter} seconds`);
}

const signsIn = async (email: string, ip: string, at = url) => {
  const result = await login(email, PASSWORD, ip, at);
  expect(result.errors).toBeUndefined();
  expect(result.data?.login.accessToken).toMatch(/^v4\.public\./);
};

describe('login, per email', () => {
  it('refuses the right password too once the email has failed too often, while another account signs in from the same address', async () => {
    const ip = newAddress();
    const [victim, neighbour] = [await registered(ip, 'victim'), await registered(ip, 'neighbour')];
    await failLogins(victim, ip, LIMITS.loginFailuresPerEmail);
    expectRateLimited(await login(victim, PASSWORD, ip), /too many failed sign-ins for this email/);
    // From any address: the email is what is being guessed.
    expectRateLimited(await login(victim, PASSWORD, newAddress()), /too many failed sign-ins for this email/);
    await signsIn(neighbour, ip);
  });

  it('answers an unknown email exactly as a wrong password, and counts both as failures', async () => {
    const ip = newAddress();
    const known = await registered(ip);
    const unknown = newEmail('nobody');
    const [wrong, missing] = [await login(known, 'Wrong-horse-0', ip), await login(unknown, 'Wrong-horse-0', ip)];
    expect(missing.status).toBe(wrong.status);
    expect(missing.errors).toEqual(wrong.errors);
    expect(errorCodes(wrong)).toEqual(['UNAUTHENTICATED']);
    expect(wrong.errors?.[0]?.message).toBe('the email or password is wrong');
    await failLogins(unknown, ip, LIMITS.loginFailuresPerEmail - 1);
    expectRateLimited(await login(unknown, 'Wrong-horse-0', ip), /too many failed sign-ins for this email/);
  });

  it('counts the email however it is written', async () => {
    const ip = newAddress();
    const email = await registered(ip);
    await failLogins(` ${email.toUpperCase()} `, ip, LIMITS.loginFailuresPerEmail);
    expectRateLimited(await login(email, PASSWORD, ip), /for this email/);
  });

  it('forgets the failures after a successful sign-in', async () => {
    const ip = newAddress();
    const email = await registered(ip);
    for (let round = 0; round < 3; round++) {
      await failLogins(email, ip, LIMITS.loginFailuresPerEmail - 1);
      await signsIn(email, ip);
    }
  });

  it('refuses concurrent guesses beyond the allowance, not only sequential ones', async () => {
    const ip = newAddress();
    const email = await registered(ip);
    const results = await Promise.all(Array.from({ length: 6 }, () => login(email, 'Wrong-horse-0', ip)));
    const codes = results.map((result) => errorCodes(result)[0]);
    expect(codes.filter((code) => code === 'UNAUTHENTICATED')).toHaveLength(LIMITS.loginFailuresPerEmail);
    expect(codes.filter((code) => code === 'RATE_LIMITED')).toHaveLength(6 - LIMITS.loginFailuresPerEmail);
  });

  it('lets the right password in again once the window has passed', async () => {
    const ip = newAddress();
    const email = await registered(ip, 'patient', shortWindowUrl);
    await failLogins(email, ip, LIMITS.loginFailuresPerEmail, shortWindowUrl);
    expectRateLimited(await login(email, PASSWORD, ip, shortWindowUrl), /for this email/, SHORT_WINDOW_SECONDS);
    await expect
      .poll(async () => errorCodes(await login(email, PASSWORD, ip, shortWindowUrl)), { timeout: 15_000, interval: 500 })
      .toEqual([]);
  });
});

describe('login, per address', () => {
  it('throttles an address well above the per-email limit, and only that address', async () => {
    const ip = newAddress();
    const account = await registered(ip);
    // Failures spread over several emails, each staying under its own limit...
    const perIp = LIMITS.loginFailuresPerIp;
    const perEmail = LIMITS.loginFailuresPerEmail;
    for (let failed = 0; failed < perIp; failed += perEmail - 1) {
      const times = Math.min(perEmail - 1, perIp - failed);
      await failLogins(newEmail('sprayed'), ip, times);
      // ...leave the address usable until they reach its own limit.
      if (failed + times < perIp) await signsIn(account, ip);
    }
    expectRateLimited(await login(account, PASSWORD, ip), /too many failed sign-ins from your address/);
    expectRateLimited(await login(newEmail('other'), 'Wrong-horse-0', ip), /from your address/);
    await signsIn(account, newAddress());
  });

  it('counts only failures: successful sign-ins never use up the address', async () => {
    const ip = newAddress();
    const account = await registered(ip);
    for (let i = 0; i < LIMITS.loginFailuresPerIp + 2; i++) await signsIn(account, ip);
  });

  it('ignores X-Forwarded-For from a peer it does not trust', async () => {
    const ip = newAddress();
    const account = await registered(ip, 'user', untrustingUrl);
    // Each guess claims a new address; all of them count against the real one (loopback).
    for (let failed = 0; failed < LIMITS.loginFailuresPerIp; failed += 1) {
      expect(errorCodes(await login(newEmail('spoofed'), 'Wrong-horse-0', newAddress(), untrustingUrl))).toEqual(['UNAUTHENTICATED']);
    }
    expectRateLimited(await login(account, PASSWORD, newAddress(), untrustingUrl), /from your address/);
  });
});

describe('register, per address', () => {
  it('refuses registrations beyond the hourly allowance of an address, creating nothing', async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMITS.registerPerHour; i++) await registered(ip);
    const email = newEmail('one-too-many');
    const refused = await graphql(url, REGISTER, { input: { email, password: PASSWORD, name: 'Someone' } }, from(ip));
    expectRateLimited(refused, /too many registrations from your address/, 3600);
    expect(await client.db(dbName).collection('users').findOne({ email })).toBeNull();
    await registered(newAddress());
  });
});

describe('without a throttle given', () => {
  it('takes its limits from env, and 0 turns a limit off', async () => {
    const ip = newAddress();
    for (let i = 0; i < LIMITS.registerPerHour + 2; i++) await registered(ip, 'user', fromEnvUrl);
    const email = await registered(ip, 'user', fromEnvUrl);
    await failLogins(email, ip, 2, fromEnvUrl);
    expectRateLimited(await login(email, PASSWORD, ip, fromEnvUrl), /for this email/);
  });
});
