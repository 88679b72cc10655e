// PASERK k4.pid key identifiers, which paseto does not compute itself.
import { blake2b } from '@noble/hashes/blake2.js';

const PID_HEADER = 'k4.pid.';

/** k4.pid = "k4.pid." + base64url(BLAKE2b-264("k4.pid." + k4.public PASERK)). */
export function publicKeyId(publicPaserk: string): string {
  const digest = blake2b(new TextEncoder().encode(PID_HEADER + publicPaserk), { dkLen: 33 });
  return PID_HEADER + Buffer.from(digest).toString('base64url');
}
