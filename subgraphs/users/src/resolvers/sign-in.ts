// register and login, both throttled (sign-in-throttle.ts); each starts a session (session-tokens.ts).
import { conflict, badUserInput, unauthenticated } from '@marketplace/service-kit';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { hashPassword, verifyPassword } from '../passwords.ts';
import { signIn } from '../session-tokens.ts';
import { EmailTakenError } from '../stores/users.ts';
import { normalizeEmail, validateName, validatePassword } from '../validation.ts';

export const signInMutations: Pick<MutationResolvers, 'register' | 'login'> = {
  async register(_parent, { input }, ctx) {
    const email = normalizeEmail(input.email);
    const name = validateName(input.name);
    const password = validatePassword(input.password);
    const role = input.role ?? 'BUYER';
    if (role === 'ADMIN') throw badUserInput('role ADMIN cannot be chosen at registration', 'role');
    await ctx.signInThrottle.beforeRegister(ctx.clientIp);
    try {
      const user = await ctx.stores.users.insert({ email, name, roles: [role], passwordHash: await hashPassword(password) });
      return signIn(ctx, user);
    } catch (error) {
      if (error instanceof EmailTakenError) throw conflict('an account with this email already exists');
      throw error;
    }
  },

  async login(_parent, { email, password }, ctx) {
    const attempt = { email: email.trim().toLowerCase(), clientIp: ctx.clientIp };
    await ctx.signInThrottle.beforeLogin(attempt);
    const user = await ctx.stores.users.findByEmail(attempt.email);
    if (!(await verifyPassword(user?.passwordHash, password)) || !user) {
      await ctx.signInThrottle.loginFailed(attempt);
      throw unauthenticated('the email or password is wrong');
    }
    await ctx.signInThrottle.loginSucceeded(attempt);
    return signIn(ctx, user);
  },
};
