// updateProfile input rules and the field a weak password is reported on.
import { describe, expect, it } from 'vitest';
import { validatePassword, validateProfileChanges } from '../src/validation.ts';

describe('validateProfileChanges', () => {
  it('keeps only the fields given, checked and normalized', () => {
    expect(validateProfileChanges({ name: '  Ada   King ' })).toEqual({ name: 'Ada King' });
    expect(validateProfileChanges({ email: ' Ada@Example.COM', name: null })).toEqual({ email: 'ada@example.com' });
    expect(validateProfileChanges({ name: 'Ada', email: 'ada@example.com' })).toEqual({ name: 'Ada', email: 'ada@example.com' });
  });

  it('refuses an empty change', () => {
    expect(() => validateProfileChanges({})).toThrow(/a name, an email or both/);
    expect(() => validateProfileChanges({ name: null, email: null })).toThrow(/a name, an email or both/);
  });

  it('refuses a blank name or an invalid email', () => {
    expect(() => validateProfileChanges({ name: '  ' })).toThrow(/blank/);
    expect(() => validateProfileChanges({ name: 'Ada', email: 'nope' })).toThrow(/valid email/);
  });
});

describe('validatePassword', () => {
  it('names the field it checked', () => {
    expect(() => validatePassword('weak', 'newPassword')).toThrow(/^newPassword is too weak/);
  });
});
