// Reads the caller's identity from a request, refusing bad tokens with UNAUTHENTICATED.
import type { IncomingMessage } from 'node:http';
import { authenticate, TokenError, type Identity, type TrustedKeys } from '@marketplace/auth';
import { unauthenticated } from './errors.ts';

export async function identityOf(req: IncomingMessage, keys: TrustedKeys): Promise<Identity> {
  try {
    return await authenticate(req.headers.authorization, keys);
  } catch (error) {
    if (error instanceof TokenError) throw unauthenticated(error.message);
    throw error;
  }
}
