import { describe, expect, it } from 'vitest';
import { validateCurrency, validatePrice, validateStock, validateTitle } from '../src/validation.ts';

describe('listing rules', () => {
  it('accepts ISO 4217 codes in any case and refuses unknown ones', () => {
    expect(validateCurrency('eur')).toBe('EUR');
    expect(validateCurrency('JPY')).toBe('JPY');
    for (const bad of ['XYZ', 'EURO', '', '12$']) expect(() => validateCurrency(bad)).toThrow(/ISO 4217/);
  });

  it('keeps prices as integer minor units', () => {
    expect(validatePrice({ amount: 0, currency: 'usd' })).toEqual({ amount: 0, currency: 'USD' });
    expect(() => validatePrice({ amount: -5, currency: 'USD' })).toThrow(/non-negative integer/);
    expect(() => validatePrice({ amount: 1.5, currency: 'USD' })).toThrow(/non-negative integer/);
  });

  it('refuses blank titles and impossible stock', () => {
    expect(validateTitle('  Lamp ')).toBe('Lamp');
    expect(() => validateTitle(' \t ')).toThrow(/blank/);
    expect(() => validateStock(-1)).toThrow(/stock/);
    expect(validateStock(0)).toBe(0);
  });
});
