// Turns an Authorization header into an Identity: anonymous, a user, or a service.
import type { KeyRing } from './keys.ts';
import { ANONYMOUS, type Identity } from './identity.ts';
import { footerKeyId } from './token-footer.ts';
import { TokenError, verifyAccessToken, verifyServiceToken } from './tokens.ts';

export interface TrustedKeys {
  /** Keys of the users service: access tokens. */
  users: KeyRing;
  /** Keys of services allowed to call internal operations, if this service has any. */
  services?: KeyRing;
}

/** A missing header is anonymous; anything present must be a valid bearer token. */
export async function authenticate(authorization: string | undefined, keys: TrustedKeys): Promise<Identity> {
  if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new TokenError('the Authorization header must be "Bearer <token>"');
  const token = match[1];
  const footer = footerKeyId(token);
  if ('kid' in footer && keys.services?.has(footer.kid)) return verifyServiceToken(keys.services, token);
  return verifyAccessToken(keys.users, token);
}
