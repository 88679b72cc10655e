// Creates (or promotes) the first ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD at start-up.
import { readSecret, type Env, type Logger } from '@marketplace/service-kit';
import { hashPassword } from './passwords.ts';
import type { UsersStore } from './stores/users.ts';
import { normalizeEmail, validateName, validatePassword } from './validation.ts';

export async function ensureAdmin(users: UsersStore, env: Env, logger: Logger): Promise<void> {
  const rawEmail = env.ADMIN_EMAIL?.trim();
  if (!rawEmail) return;
  const email = normalizeEmail(rawEmail);
  const existing = await users.findByEmail(email);
  if (existing) {
    if (!existing.roles.includes('ADMIN')) await users.addRole(existing._id, 'ADMIN');
    return;
  }
  const password = readSecret(env, 'ADMIN_PASSWORD');
  if (!password) throw new Error('ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) must be set with ADMIN_EMAIL');
  validatePassword(password);
  const name = validateName(env.ADMIN_NAME ?? 'Administrator');
  await users.insert({ email, name, roles: ['ADMIN'], passwordHash: await hashPassword(password) });
  logger.info({ email }, 'created the first ADMIN');
}
