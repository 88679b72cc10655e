// Signing keys for a local run: the operator's own when given, else a throwaway pair that lives as long as the run.
import { generatePaserkKeyPair, publicPaserkOf } from '@marketplace/auth';
import { readSecret, type Env } from '@marketplace/service-kit';

export interface RunKeys {
  AUTH_SECRET_KEY: string;
  AUTH_PUBLIC_KEYS: string;
  SERVICE_SECRET_KEY: string;
  SERVICE_PUBLIC_KEYS: string;
}

export interface ResolvedKeys {
  keys: RunKeys;
  /** One line per key that had to be generated, for the operator to read. */
  notices: string[];
}

async function secretOrThrowaway(env: Env, name: string, consequence: string, notices: string[]): Promise<string> {
  const given = readSecret(env, name);
  if (given !== undefined) return given;
  notices.push(`no ${name} given: generated a throwaway key pair for this run; ${consequence}`);
  return (await generatePaserkKeyPair()).secretKey;
}

async function publicHalf(name: string, secret: string): Promise<string> {
  try {
    if (!secret.startsWith('k4.secret.')) throw new Error('wrong prefix');
    return await publicPaserkOf(secret);
  } catch {
    throw new Error(`${name} is not a valid k4.secret PASERK key; unset it to run with a throwaway key pair`);
  }
}

/** The derived public key first, then any extra keys the operator lists for rotation. */
async function trustedKeys(env: Env, secretName: string, secret: string, publicName: string): Promise<string> {
  const extra = readSecret(env, publicName);
  return [await publicHalf(secretName, secret), ...(extra ? [extra] : [])].join(',');
}

export async function resolveKeys(env: Env): Promise<ResolvedKeys> {
  const notices: string[] = [];
  const authSecret = await secretOrThrowaway(env, 'AUTH_SECRET_KEY', 'tokens will not survive a restart', notices);
  const serviceSecret = await secretOrThrowaway(
    env,
    'SERVICE_SECRET_KEY',
    'it only signs orders→products stock calls, so nothing outlives the run anyway',
    notices,
  );
  return {
    keys: {
      AUTH_SECRET_KEY: authSecret,
      AUTH_PUBLIC_KEYS: await trustedKeys(env, 'AUTH_SECRET_KEY', authSecret, 'AUTH_PUBLIC_KEYS'),
      SERVICE_SECRET_KEY: serviceSecret,
      SERVICE_PUBLIC_KEYS: await trustedKeys(env, 'SERVICE_SECRET_KEY', serviceSecret, 'SERVICE_PUBLIC_KEYS'),
    },
    notices,
  };
}
