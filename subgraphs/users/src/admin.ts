// Creates the first ADMIN from ADMIN_EMAIL / ADMIN_PASSWORD at start-up, only while no ADMIN exists.
//
// It never promotes an existing account: once the first ADMIN has changed their email, anyone
// could register the freed ADMIN_EMAIL, and a promotion at the next start would make them ADMIN.
import { readSecret, type Env, type Logger } from '@marketplace/service-kit';
import { hashPassword } from './passwords.ts';
import { EmailTakenError, type UsersStore } from './stores/users.ts';
import { normalizeEmail, validateName, validatePassword } from './validation.ts';

export async function ensureAdmin(users: UsersStore, env: Env, logger: Logger): Promise<void> {
  const rawEmail = env.ADMIN_EMAIL?.trim();
  if (!rawEmail) return;
  if ((await users.count({ role: 'ADMIN' })) > 0) return;
  const email = normalizeEmail(rawEmail);
  const password = readSecret(env, 'ADMIN_PASSWORD');
  if (!password) throw new Error('ADMIN_PASSWORD (or ADMIN_PASSWORD_FILE) must be set with ADMIN_EMAIL while no ADMIN exists');
  validatePassword(password);
  const name = validateName(env.ADMIN_NAME ?? 'Administrator');
  try {
    await users.insert({ email, name, roles: ['ADMIN'], passwordHash: await hashPassword(password) });
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
    // Another replica starting at the same moment created it; or the email belongs to someone else.
    if ((await users.count({ role: 'ADMIN' })) > 0) return;
    logger.warn('ADMIN_EMAIL belongs to an existing account, which is never promoted: no ADMIN was created; set ADMIN_EMAIL to an unused address');
    return;
  }
  logger.info({ email }, 'created the first ADMIN');
}
