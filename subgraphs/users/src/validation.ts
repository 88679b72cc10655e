// Rules for what users may type: emails, names and passwords.
import { z } from 'zod';
import { badUserInput } from '@marketplace/service-kit';
import type { ProfileChanges } from './stores/users.ts';

const email = z.email({ message: 'email must be a valid email address' }).max(254, 'email is too long');

export function normalizeEmail(raw: string): string {
  const value = raw.trim().toLowerCase();
  const result = email.safeParse(value);
  if (!result.success) throw badUserInput('email must be a valid email address', 'email');
  return value;
}

export function validateName(raw: string): string {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0) throw badUserInput('name must not be blank', 'name');
  if (name.length > 100) throw badUserInput('name must be at most 100 characters', 'name');
  return name;
}

export const PASSWORD_RULES = 'a password needs 10 to 200 characters, with letters and digits or symbols';

export function validatePassword(password: string, field = 'password'): string {
  const strong =
    password.length >= 10 &&
    password.length <= 200 &&
    /\p{L}/u.test(password) &&
    /[^\p{L}]/u.test(password) &&
    new Set(password).size >= 5;
  if (!strong) throw badUserInput(`${field} is too weak: ${PASSWORD_RULES}`, field);
  return password;
}

/** What updateProfile may change: a name and an email, each checked as at registration; at least one. */
export function validateProfileChanges(input: { name?: string | null; email?: string | null }): ProfileChanges {
  const changes: ProfileChanges = {};
  if (input.name !== null && input.name !== undefined) changes.name = validateName(input.name);
  if (input.email !== null && input.email !== undefined) changes.email = normalizeEmail(input.email);
  if (Object.keys(changes).length === 0) throw badUserInput('give a name, an email or both to change', 'input');
  return changes;
}
