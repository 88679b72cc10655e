// The token footer, {"kid":"k4.pid..."}: which key signed a token, readable before verifying it.
import { InspectFooter } from 'paseto';

/** The footer a signer with key id `kid` puts on its tokens. */
export function footerOf(kid: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ kid }));
}

/** The key id a token's footer names, or why it names none (a message safe to show the caller). */
export function footerKeyId(token: string): { kid: string } | { refusal: string } {
  let footer: unknown;
  try {
    footer = JSON.parse(new TextDecoder().decode(InspectFooter(token)));
  } catch {
    return { refusal: 'the token is malformed or names no key' };
  }
  const kid = (footer as { kid?: unknown } | null)?.kid;
  return typeof kid === 'string' ? { kid } : { refusal: 'the token names no key' };
}
