// Sign-in throttling through the gateway with the default limits: a guessed account is refused
// while the rest of the address (an office behind one IP) keeps signing in.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { RATE_LIMIT_DEFAULTS } from '@marketplace/service-kit';
import { errorCodes, graphql } from '@marketplace/testing';
import { login, register, type Account } from '../harness/marketplace.ts';
import { startSupergraph, type Supergraph } from '../harness/supergraph.ts';

const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }';
const GUESSES = 20;

let sg: Supergraph;
let victim: Account;
let colleague: Account;

beforeAll(async () => {
  sg = await startSupergraph({ mongoUri: inject('mongoUri') });
  [victim, colleague] = await Promise.all([register(sg.url, 'BUYER'), register(sg.url, 'BUYER')]);
});
afterAll(() => sg?.stop());

describe('login through the gateway', () => {
  it(`throttles ${GUESSES} wrong passwords for one account while another signs in from the same address`, async () => {
    const results = [];
    for (let i = 0; i < GUESSES; i++) results.push(await graphql(sg.url, LOGIN, { e: victim.email, p: `Wrong-guess-${i}` }));
    const codes = results.map((result) => errorCodes(result)[0]);
    const allowed = RATE_LIMIT_DEFAULTS.RATE_LIMIT_LOGIN_FAILURES;
    expect(codes.slice(0, allowed)).toEqual(Array(allowed).fill('UNAUTHENTICATED'));
    expect(codes.slice(allowed)).toEqual(Array(GUESSES - allowed).fill('RATE_LIMITED'));

    const refused = await graphql(sg.url, LOGIN, { e: victim.email, p: victim.password });
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.data?.login ?? null).toBeNull();
    const error = refused.errors![0]!;
    expect(error.message).toMatch(/too many failed sign-ins/);
    expect(Number.isInteger(error.extensions?.retryAfterSeconds)).toBe(true);
    expect(error.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(error.extensions?.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);

    // The same address, another account: still welcome.
    expect(await login(sg.url, colleague.email, colleague.password)).toMatch(/^v4\.public\./);
  });
});
