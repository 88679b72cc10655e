// The bootstrap ADMIN through real restarts: ADMIN_EMAIL creates the first ADMIN once; after that
// ADMIN moves to another email, whoever registers the freed ADMIN_EMAIL is still no ADMIN after a restart.
import { describe, expect, inject, it, vi } from 'vitest';
import { generatePaserkKeyPair } from '@marketplace/auth';
import { expectData, graphql } from '@marketplace/testing';
import { startSupergraphProcesses } from '../harness/supergraph-processes.ts';

const ADMIN_EMAIL = 'founder@example.com';
const ADMIN_PASSWORD = 'Founder-pass-2026';
const LOGIN = 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken user { id roles } } }';

describe('the bootstrap ADMIN', () => {
  it('is created once from ADMIN_EMAIL, and a later account with the freed email is not promoted at the next start', async () => {
    const keys = await generatePaserkKeyPair();
    const verifiers = { AUTH_PUBLIC_KEYS: keys.publicKey };
    const world = await startSupergraphProcesses({
      mongoUri: inject('mongoUri'),
      settings: { users: { AUTH_SECRET_KEY: keys.secretKey, ADMIN_EMAIL, ADMIN_PASSWORD }, products: verifiers, orders: verifiers, router: verifiers },
    });
    const founder = (await expectData(world.url, LOGIN, { e: ADMIN_EMAIL, p: ADMIN_PASSWORD })).login;
    expect(founder.user.roles).toEqual(['ADMIN']);

    // The founder moves to another address, and someone registers the old one.
    await expectData(world.url, 'mutation { updateProfile(input: { email: "founder.new@example.com" }) { id } }', {}, { token: founder.accessToken });
    const squatter = await expectData(
      world.url,
      'mutation ($input: RegisterInput!) { register(input: $input) { user { id roles } } }',
      { input: { email: ADMIN_EMAIL, password: 'Squatter-pass-2026', name: 'Squatter' } },
    );
    expect(squatter.register.user.roles).toEqual(['BUYER']);

    await world.users.restartWith({});
    const after = (await expectData(world.url, LOGIN, { e: ADMIN_EMAIL, p: 'Squatter-pass-2026' })).login;
    expect(after.user).toEqual({ id: squatter.register.user.id, roles: ['BUYER'] });
    // Polled: until the restarted users service answers the gateway's revocation view, signed-in calls wait.
    await vi.waitFor(async () => {
      const adminOnly = await graphql(world.url, '{ users(first: 1) { totalCount } }', {}, { token: after.accessToken });
      expect(adminOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }, { timeout: 20_000, interval: 100 });
    // The founder is still the one ADMIN.
    const moved = (await expectData(world.url, LOGIN, { e: 'founder.new@example.com', p: ADMIN_PASSWORD })).login;
    expect(moved.user.roles).toEqual(['ADMIN']);
    const admins = await expectData(world.url, '{ users(role: ADMIN) { totalCount } }', {}, { token: moved.accessToken });
    expect(admins.users.totalCount).toBe(1);
  }, 90_000);
});
