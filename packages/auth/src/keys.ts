// Ed25519 key pairs as PASERK strings: generating, importing and naming them.
import { v4, type PublicKey, type SecretKey } from './protocol.ts';
import { publicKeyId } from './paserk-id.ts';

export interface PaserkKeyPair {
  secretKey: string; // k4.secret...
  publicKey: string; // k4.public...
}

/** A key that signs, with the id (k4.pid) that verifiers look it up by. */
export interface SigningKey {
  kid: string;
  key: SecretKey;
}

/** Public keys by id: verifiers accept any of them, so keys can rotate. */
export type KeyRing = ReadonlyMap<string, PublicKey>;

export class KeyFormatError extends Error {
  override name = 'KeyFormatError';
}

export async function generatePaserkKeyPair(): Promise<PaserkKeyPair> {
  const { publicKey, secretKey } = await v4.GenerateKeyPair({ extractable: true });
  return {
    secretKey: await v4.ExportSecretKey(secretKey),
    publicKey: await v4.ExportPublicKey(publicKey),
  };
}

function assertPrefix(value: string, prefix: string, what: string): void {
  if (!value.startsWith(prefix)) {
    throw new KeyFormatError(`${what} must be a PASERK string starting with "${prefix}"`);
  }
}

export async function importSigningKey(secretPaserk: string): Promise<SigningKey> {
  const paserk = secretPaserk.trim();
  assertPrefix(paserk, 'k4.secret.', 'the secret key');
  try {
    const key = await v4.ImportSecretKey(paserk as `k4.secret.${string}`);
    const publicPaserk = await v4.ExportPublicKey(await v4.GetPublicKey(key));
    return { kid: publicKeyId(publicPaserk), key };
  } catch (error) {
    throw new KeyFormatError('the secret key is not a valid k4.secret PASERK', { cause: error });
  }
}

/** Builds a key ring from k4.public strings (comma or whitespace separated). */
export async function importKeyRing(publicPaserks: string): Promise<KeyRing> {
  const ring = new Map<string, PublicKey>();
  for (const paserk of publicPaserks.split(/[\s,]+/).filter(Boolean)) {
    assertPrefix(paserk, 'k4.public.', 'a public key');
    try {
      ring.set(publicKeyId(paserk), await v4.ImportPublicKey(paserk as `k4.public.${string}`));
    } catch (error) {
      throw new KeyFormatError('a public key is not a valid k4.public PASERK', { cause: error });
    }
  }
  if (ring.size === 0) throw new KeyFormatError('no public key given');
  return ring;
}

export async function publicPaserkOf(secretPaserk: string): Promise<string> {
  const key = await v4.ImportSecretKey(secretPaserk.trim() as `k4.secret.${string}`);
  return v4.ExportPublicKey(await v4.GetPublicKey(key));
}

/** The ring's keys as PASERKs with their ids, for publishing which keys are accepted. */
export async function exportKeyRing(ring: KeyRing): Promise<{ kid: string; paserk: string }[]> {
  return Promise.all([...ring].map(async ([kid, key]) => ({ kid, paserk: await v4.ExportPublicKey(key) })));
}
