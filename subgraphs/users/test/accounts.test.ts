import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../src/passwords.ts';
import { normalizeEmail, validateName, validatePassword } from '../src/validation.ts';

describe('passwords', () => {
  it('are hashed with argon2id and verified', async () => {
    const hash = await hashPassword('Correct-horse-9');
    expect(hash.startsWith('$argon2id$')).toBe(true);
    expect(await verifyPassword(hash, 'Correct-horse-9')).toBe(true);
    expect(await verifyPassword(hash, 'correct-horse-9')).toBe(false);
    expect(await verifyPassword(undefined, 'Correct-horse-9')).toBe(false);
  });

  it.each(['short1!', 'onlyletterslong', '1234567890', 'aaaaaaaaaa1'])('refuses the weak password %s', (password) => {
    expect(() => validatePassword(password)).toThrow(/password is too weak/);
  });

  it('accepts a reasonable password', () => {
    expect(validatePassword('Correct-horse-9')).toBe('Correct-horse-9');
  });
});

describe('emails and names', () => {
  it('normalizes emails to lower case and refuses invalid ones', () => {
    expect(normalizeEmail('  Ada@Example.COM ')).toBe('ada@example.com');
    expect(() => normalizeEmail('ada@')).toThrow(/valid email/);
  });

  it('collapses spaces in names and refuses blank ones', () => {
    expect(validateName('  Ada   Lovelace ')).toBe('Ada Lovelace');
    expect(() => validateName('   ')).toThrow(/blank/);
  });
});
