import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, databaseConfig, listenConfig, readSecret, subgraphUrl } from '../src/config.ts';

describe('configuration', () => {
  it('uses the documented defaults', () => {
    expect(listenConfig({}, 'router')).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(listenConfig({}, 'orders').port).toBe(4003);
    expect(subgraphUrl({}, 'products')).toBe('http://127.0.0.1:4002/graphql');
    expect(databaseConfig({ MONGODB_URI: 'mongodb://db:27017' }, 'users')).toEqual({ uri: 'mongodb://db:27017', database: 'users' });
  });

  it('takes overrides and names the bad variable', () => {
    expect(listenConfig({ USERS_PORT: '5001', HOST: '0.0.0.0' }, 'users')).toEqual({ host: '0.0.0.0', port: 5001 });
    expect(() => listenConfig({ USERS_PORT: 'abc' }, 'users')).toThrow(/USERS_PORT is invalid/);
    expect(() => subgraphUrl({ ORDERS_URL: 'ftp://x' }, 'orders')).toThrow(/ORDERS_URL is invalid/);
    expect(() => databaseConfig({}, 'users')).toThrow(ConfigError);
    expect(() => databaseConfig({ MONGODB_URI: 'postgres://x' }, 'users')).toThrow(/must start with mongodb/);
  });

  it('reads secrets from NAME_FILE (mounted Secrets)', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'secret-')), 'key');
    writeFileSync(file, 'k4.secret.abc\n');
    expect(readSecret({ AUTH_SECRET_KEY_FILE: file }, 'AUTH_SECRET_KEY')).toBe('k4.secret.abc');
    expect(readSecret({ AUTH_SECRET_KEY: ' k4.secret.x ' }, 'AUTH_SECRET_KEY')).toBe('k4.secret.x');
    expect(() => readSecret({ AUTH_SECRET_KEY_FILE: '/nonexistent' }, 'AUTH_SECRET_KEY')).toThrow(/cannot be read/);
  });
});

describe('start-up validation', () => {
  it('names every bad or missing setting of a service at once', async () => {
    const { configProblems } = await import('../src/config-check.ts');
    const problems = configProblems({ ORDERS_PORT: 'x', PRODUCTS_URL: 'nope', AUTH_PUBLIC_KEYS: 'k4.secret.abc', LOG_LEVEL: 'loud' }, 'orders');
    expect(problems).toEqual([
      expect.stringMatching(/^ORDERS_PORT is invalid/),
      expect.stringMatching(/^LOG_LEVEL must be one of/),
      expect.stringMatching(/^MONGODB_URI \(or MONGODB_URI_FILE\) must be set/),
      expect.stringMatching(/^PRODUCTS_URL is invalid/),
      expect.stringMatching(/^AUTH_PUBLIC_KEYS must hold k4.public/),
      expect.stringMatching(/^SERVICE_SECRET_KEY \(or SERVICE_SECRET_KEY_FILE\) must be set/),
    ]);
  });

  it('is quiet for a complete configuration', async () => {
    const { configProblems } = await import('../src/config-check.ts');
    const { generatePaserkKeyPair } = await import('@marketplace/auth');
    const [a, b] = [await generatePaserkKeyPair(), await generatePaserkKeyPair()];
    expect(configProblems({ AUTH_PUBLIC_KEYS: `${a.publicKey},${b.publicKey}` }, 'router')).toEqual([]);
    expect(configProblems({ AUTH_SECRET_KEY: a.secretKey, MONGODB_URI: 'mongodb://db' }, 'users')).toEqual([]);
    // The prefix alone is not a key.
    expect(configProblems({ AUTH_PUBLIC_KEYS: `${a.publicKey},k4.public.a` }, 'router')).toEqual([expect.stringMatching(/^AUTH_PUBLIC_KEYS must hold/)]);
  });
});
