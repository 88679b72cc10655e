import { describe, expect, it } from 'vitest';
import { ObjectId } from 'mongodb';
import { validateCatalogFilter, validateCurrency, validatePrice, validateStock, validateTitle } from '../src/validation.ts';

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

describe('catalog filters', () => {
  const exists = async () => true;

  it('normalizes search words, attributes and the currency', async () => {
    const categoryId = new ObjectId();
    expect(await validateCatalogFilter({ search: 'Café café CRÈME', categoryId: categoryId.toHexString(), currency: 'eur', minPrice: 0, inStock: false, attributes: [{ name: 'Colour', value: 'Dark Blue' }] }, exists)).toEqual({
      terms: ['cafe', 'creme'],
      categoryId,
      currency: 'EUR',
      minPrice: 0,
      inStock: false,
      attributeKeys: ['colour=dark blue'],
    });
    expect(await validateCatalogFilter(null, exists)).toEqual({ terms: [], attributeKeys: [] });
  });

  it('refuses unknown categories, bad price bounds and too many words', async () => {
    await expect(validateCatalogFilter({ categoryId: new ObjectId().toHexString() }, async () => false)).rejects.toThrow(/does not exist/);
    await expect(validateCatalogFilter({ minPrice: 5, maxPrice: 4 }, exists)).rejects.toThrow(/minPrice must not be above maxPrice/);
    await expect(validateCatalogFilter({ maxPrice: -1 }, exists)).rejects.toThrow(/maxPrice must be a non-negative integer/);
    await expect(validateCatalogFilter({ search: Array.from({ length: 21 }, (_, i) => `w${i}`).join(' ') }, exists)).rejects.toThrow(/at most 20 words/);
  });
});
