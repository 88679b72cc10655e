// Issues the access token returned by register and login.
import { signAccessToken } from '@marketplace/auth';
import type { Context } from '../context.ts';
import type { UserDocument } from '../stores/users.ts';

export async function authPayload(ctx: Context, user: UserDocument) {
  const { token, expiresAt } = await signAccessToken(
    ctx.signer,
    { userId: user._id.toHexString(), roles: user.roles },
    { ttlSeconds: ctx.tokenTtlSeconds },
  );
  return { accessToken: token, expiresAt, user };
}
