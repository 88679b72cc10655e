import { describe, expect, it } from 'vitest';
import {
  generatePaserkKeyPair,
  importKeyRing,
  importSigningKey,
  publicKeyId,
  signAccessToken,
  signServiceToken,
  TokenError,
  verifyAccessToken,
  verifyServiceToken,
} from '../src/index.ts';
import { CLOCK_TOLERANCE_SECONDS } from '../src/token-policy.ts';

async function keys() {
  const pair = await generatePaserkKeyPair();
  return { signer: await importSigningKey(pair.secretKey), ring: await importKeyRing(pair.publicKey), pair };
}

describe('PASERK key ids', () => {
  it('matches the PASERK k4.pid test vector', () => {
    expect(publicKeyId('k4.public.cHFyc3R1dnd4eXp7fH1-f4CBgoOEhYaHiImKi4yNjo8')).toBe(
      'k4.pid.9ShR3xc8-qVJ_di0tc9nx0IDIqbatdeM2mqLFBJsKRHs',
    );
  });
});

describe('access tokens', () => {
  it('round-trips the subject and roles and names its key in the footer', async () => {
    const { signer, ring } = await keys();
    const { token, expiresAt } = await signAccessToken(signer, { userId: 'u1', roles: ['SELLER'], sessionId: 's1' });
    expect(token.startsWith('v4.public.')).toBe(true);
    const footer = JSON.parse(Buffer.from(token.split('.')[3] ?? '', 'base64url').toString());
    expect(footer.kid).toBe(signer.kid);
    // Five minutes by default.
    expect(expiresAt.getTime() - Date.now()).toBeGreaterThan(4 * 60 * 1000);
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60 * 1000);
    const identity = await verifyAccessToken(ring, token);
    expect(identity).toMatchObject({ kind: 'user', userId: 'u1', roles: ['SELLER'], sessionId: 's1' });
    const sessionless = await verifyAccessToken(ring, (await signAccessToken(signer, { userId: 'u1', roles: ['SELLER'] })).token);
    expect(sessionless).not.toHaveProperty('sessionId');
  });

  it('refuses an expired token', async () => {
    const { signer, ring } = await keys();
    const { token } = await signAccessToken(signer, { userId: 'u1', roles: ['BUYER'] }, {
      now: new Date(Date.now() - 3600_000),
    });
    await expect(verifyAccessToken(ring, token)).rejects.toThrow(TokenError);
  });

  it('refuses a token it verified before once that token has expired', async () => {
    const { signer, ring } = await keys();
    // Valid, with the tolerated skew, for about another second.
    const { token } = await signAccessToken(signer, { userId: 'u1', roles: ['BUYER'] }, { ttlSeconds: 1, now: new Date(Date.now() - 1000 - CLOCK_TOLERANCE_SECONDS * 1000 + 1200) });
    expect(await verifyAccessToken(ring, token)).toMatchObject({ userId: 'u1' });
    expect(await verifyAccessToken(ring, token)).toMatchObject({ userId: 'u1' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expect(verifyAccessToken(ring, token)).rejects.toThrow(TokenError);
  });

  it('refuses a token it verified before once its key has left the ring, and never takes one kind for the other', async () => {
    const { signer, ring, pair } = await keys();
    const other = await keys();
    const { token } = await signAccessToken(signer, { userId: 'u1', roles: ['ADMIN'] });
    expect(await verifyAccessToken(ring, token)).toMatchObject({ roles: ['ADMIN'] });
    // Rotated out: the ring no longer holds the key.
    const rotated = await importKeyRing(other.pair.publicKey);
    await expect(verifyAccessToken(rotated, token)).rejects.toThrow('unknown key');
    // The same kid, another key (a ring that was tampered with, or a reused id).
    const swapped = new Map([[signer.kid, other.ring.get(other.signer.kid)!]]);
    await expect(verifyAccessToken(swapped, token)).rejects.toThrow(TokenError);
    // Back in its own ring it is still good; as a service token, never.
    expect(await verifyAccessToken(await importKeyRing(pair.publicKey), token)).toMatchObject({ userId: 'u1' });
    await expect(verifyServiceToken(ring, token)).rejects.toThrow(TokenError);
  });

  it('refuses a token from a key outside the ring, even when it claims a known kid', async () => {
    const { ring, signer } = await keys();
    const other = await keys();
    const forged = { kid: signer.kid, key: other.signer.key };
    const { token } = await signAccessToken(forged, { userId: 'u1', roles: ['ADMIN'] });
    await expect(verifyAccessToken(ring, token)).rejects.toThrow(TokenError);
    const { token: unknownKid } = await signAccessToken(other.signer, { userId: 'u1', roles: ['ADMIN'] });
    await expect(verifyAccessToken(ring, unknownKid)).rejects.toThrow('unknown key');
  });

  it('refuses a tampered payload', async () => {
    const { signer, ring } = await keys();
    const { token } = await signAccessToken(signer, { userId: 'u1', roles: ['BUYER'] });
    const [v, purpose, payload, footer] = token.split('.');
    const bytes = Buffer.from(payload ?? '', 'base64url');
    bytes[5] = (bytes[5] ?? 0) ^ 1;
    const tampered = [v, purpose, bytes.toString('base64url'), footer].join('.');
    await expect(verifyAccessToken(ring, tampered)).rejects.toThrow(TokenError);
  });

  it('refuses service tokens as access tokens and the reverse', async () => {
    const { signer, ring } = await keys();
    const { token: service } = await signServiceToken(signer, 'orders');
    await expect(verifyAccessToken(ring, service)).rejects.toThrow(TokenError);
    const { token: user } = await signAccessToken(signer, { userId: 'u1', roles: ['BUYER'] });
    await expect(verifyServiceToken(ring, user)).rejects.toThrow(TokenError);
    await expect(verifyServiceToken(ring, service)).resolves.toEqual({ kind: 'service', service: 'orders' });
  });

  it('refuses garbage and other versions', async () => {
    const { ring } = await keys();
    for (const token of ['', 'nonsense', 'v4.local.AAAA.e30', 'v2.public.AAAA', 'v4.public.AAAA']) {
      await expect(verifyAccessToken(ring, token)).rejects.toThrow(TokenError);
    }
  });

  it('rejects malformed keys with a clear message', async () => {
    await expect(importSigningKey('k4.public.abc')).rejects.toThrow('k4.secret');
    await expect(importKeyRing('')).rejects.toThrow('no public key');
  });
});
