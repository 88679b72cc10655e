// Signing and verifying access tokens (users) and service tokens (service to service).
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { PasetoError } from 'paseto';
import { v4 } from './protocol.ts';
import type { KeyRing, SigningKey } from './keys.ts';
import { isRole, type Identity, type Role } from './identity.ts';
import { footerKeyId, footerOf } from './token-footer.ts';
import { CLOCK_TOLERANCE_SECONDS, SERVICE_TOKEN, USER_TOKEN } from './token-policy.ts';

/** Why a token was refused; the message is safe to show to the caller. */
export class TokenError extends Error {
  override name = 'TokenError';
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

interface SignOptions {
  ttlSeconds?: number;
  /** For tests and clock control; defaults to now. */
  now?: Date;
}

async function sign(
  signer: SigningKey,
  claims: Record<string, unknown>,
  ttlSeconds: number,
  now: Date,
): Promise<IssuedToken> {
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  const token = await v4.Sign(
    signer.key,
    { ...claims, jti: randomUUID(), exp: expiresAt.toISOString() },
    { footer: footerOf(signer.kid), now },
  );
  return { token, expiresAt };
}

export function signAccessToken(
  signer: SigningKey,
  subject: { userId: string; roles: readonly Role[]; /** The session (sign-in) it belongs to, so the gateway can refuse it once the session ends. */ sessionId?: string },
  options: SignOptions = {},
): Promise<IssuedToken> {
  return sign(
    signer,
    {
      sub: subject.userId,
      roles: [...subject.roles],
      ...(subject.sessionId ? { sid: subject.sessionId } : {}),
      iss: USER_TOKEN.issuer,
      aud: USER_TOKEN.audience,
    },
    options.ttlSeconds ?? USER_TOKEN.defaultTtlSeconds,
    options.now ?? new Date(),
  );
}

export function signServiceToken(signer: SigningKey, service: string, options: SignOptions = {}): Promise<IssuedToken> {
  return sign(
    signer,
    { sub: `service:${service}`, svc: service, iss: SERVICE_TOKEN.issuer, aud: SERVICE_TOKEN.audience },
    options.ttlSeconds ?? SERVICE_TOKEN.defaultTtlSeconds,
    options.now ?? new Date(),
  );
}

function keyIdOf(token: string): string {
  const footer = footerKeyId(token);
  if ('refusal' in footer) throw new TokenError(footer.refusal);
  return footer.kid;
}

/**
 * Claims of tokens already verified, by the key that verified them and the token's exact text: a
 * token is checked once, not on every request it comes with (the router, then every subgraph it
 * reaches, see the same one). The signature of those bytes under that key cannot change; what can
 * is the time, so an entry lives only until its token expires (and exp is checked again on a hit),
 * and a key dropped from the ring takes its entries out of reach. Only successes are kept.
 */
const verified = new WeakMap<object, LRUCache<string, Record<string, unknown>>>();
const VERIFIED_PER_KEY = 10_000;

function verifiedBy(key: object): LRUCache<string, Record<string, unknown>> {
  let cache = verified.get(key);
  if (!cache) verified.set(key, (cache = new LRUCache({ max: VERIFIED_PER_KEY, ttlAutopurge: false })));
  return cache;
}

/** Until when a verified token may be taken as valid (exp plus the tolerated skew), in ms; undefined if it has no usable exp. */
function validUntil(claims: Record<string, unknown>): number | undefined {
  const exp = typeof claims.exp === 'string' ? Date.parse(claims.exp) : NaN;
  return Number.isFinite(exp) ? exp + CLOCK_TOLERANCE_SECONDS * 1000 : undefined;
}

async function verify(
  keys: KeyRing,
  token: string,
  policy: { issuer: string; audience: string },
): Promise<Record<string, unknown>> {
  const key = keys.get(keyIdOf(token));
  if (!key) throw new TokenError('the token was signed by an unknown key');
  const cache = verifiedBy(key);
  const cacheKey = `${policy.issuer} ${policy.audience} ${token}`;
  const known = cache.get(cacheKey);
  if (known && (validUntil(known) ?? 0) > Date.now()) return known;
  try {
    const { claims } = await v4.Verify(key, token, {
      issuer: policy.issuer,
      audience: policy.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'jti'],
    });
    const until = validUntil(claims as Record<string, unknown>);
    // Frozen: every later request with this token gets the same object.
    const kept = Object.freeze(claims as Record<string, unknown>);
    // A token with a not-before is verified again each time rather than kept.
    if (until !== undefined && kept.nbf === undefined) cache.set(cacheKey, kept, { ttl: Math.max(1, until - Date.now()) });
    return kept;
  } catch (error) {
    if (error instanceof PasetoError) {
      throw new TokenError(
        error.code === 'ERR_PASETO_CLAIM_VALIDATION' ? `the token is not valid: ${error.message}` : 'the token is invalid',
      );
    }
    throw error;
  }
}

export async function verifyAccessToken(keys: KeyRing, token: string): Promise<Identity> {
  const claims = await verify(keys, token, USER_TOKEN);
  const roles = claims.roles;
  if (typeof claims.sub !== 'string' || !Array.isArray(roles) || !roles.every(isRole)) {
    throw new TokenError('the token carries no valid subject or roles');
  }
  if (claims.sid !== undefined && typeof claims.sid !== 'string') throw new TokenError('the token carries an invalid session');
  const identity = { kind: 'user' as const, userId: claims.sub, roles: [...roles], tokenId: String(claims.jti) };
  return typeof claims.sid === 'string' ? { ...identity, sessionId: claims.sid } : identity;
}

export async function verifyServiceToken(keys: KeyRing, token: string): Promise<Identity> {
  const claims = await verify(keys, token, SERVICE_TOKEN);
  if (typeof claims.svc !== 'string') throw new TokenError('the token names no service');
  return { kind: 'service', service: claims.svc };
}
