import { describe, expect, it } from 'vitest';
import { MAX_AMOUNT } from '@marketplace/service-kit';
import { lineTotal, orderTotal } from '../src/pricing.ts';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('order arithmetic in minor units', () => {
  it('multiplies line totals and sums the order exactly', () => {
    expect(lineTotal(eur(1999), 3)).toEqual(eur(5997));
    expect(orderTotal([{ unitPrice: eur(10), quantity: 3 }, { unitPrice: eur(1), quantity: 7 }])).toEqual(eur(37));
  });

  it('refuses mixed currencies, empty orders and totals beyond a 32-bit Int', () => {
    expect(() => orderTotal([{ unitPrice: eur(1), quantity: 1 }, { unitPrice: { amount: 1, currency: 'USD' }, quantity: 1 }])).toThrow(/one currency/);
    expect(() => orderTotal([])).toThrow(/at least one item/);
    expect(() => orderTotal([{ unitPrice: eur(MAX_AMOUNT), quantity: 2 }])).toThrow(/at most/);
    expect(orderTotal([{ unitPrice: eur(MAX_AMOUNT), quantity: 1 }])).toEqual(eur(MAX_AMOUNT));
  });
});
