// What a shopper reads: amounts in and out, and the gateway's errors in words.
import { describe, expect, it } from 'vitest';
import { ApiError, describeError, NETWORK_ERROR } from '../src/api/errors.ts';
import { formatMoney, parseAmount } from '../src/money.ts';

const answer = (code: string, message = 'x', extensions: Record<string, unknown> = {}) => new ApiError(400, [{ message, extensions: { code, ...extensions } }]);

describe('amounts', () => {
  it('turns minor units into a localised price, by the currency\'s own decimals', () => {
    expect(formatMoney({ amount: 1999, currency: 'EUR' })).toMatch(/19[.,]99/);
    expect(formatMoney({ amount: 1999, currency: 'JPY' })).toMatch(/1,?999/);
    expect(formatMoney({ amount: 1999, currency: 'JPY' })).not.toMatch(/19[.,]99/);
  });

  it('reads what a seller types as minor units, and refuses what is not a price', () => {
    expect(parseAmount('19.99', 'EUR')).toBe(1999);
    expect(parseAmount('19,5', 'EUR')).toBe(1950);
    expect(parseAmount('7', 'EUR')).toBe(700);
    expect(parseAmount(' 12.50 ', 'EUR')).toBe(1250);
    expect(parseAmount('1999', 'JPY')).toBe(1999);
    for (const bad of ['', 'abc', '-5', '1.999', '1e3', '12.5.0']) expect(parseAmount(bad, 'EUR')).toBeUndefined();
    expect(parseAmount('19.5', 'JPY')).toBeUndefined();
  });
});

describe('errors in words', () => {
  it('names the product that is short of stock when the cart knows it', () => {
    const error = answer('INSUFFICIENT_STOCK', 'not enough stock for product p1', { productId: 'p1' });
    expect(describeError(error, { productTitle: (id) => (id === 'p1' ? 'Walnut board' : undefined) })).toContain('“Walnut board”');
    expect(describeError(error)).toMatch(/one of the products/);
  });

  it('asks to sign in, explains limits and outages, and never shows an internal message', () => {
    expect(describeError(answer('UNAUTHENTICATED'))).toBe('Please sign in to continue.');
    expect(describeError(answer('RATE_LIMITED', 'slow down', { retryAfterSeconds: 30 }))).toContain('30 seconds');
    expect(describeError(answer('RATE_LIMITED', 'slow down', { retryAfterSeconds: 600 }))).toContain('10 minutes');
    expect(describeError(answer(NETWORK_ERROR))).toMatch(/could not reach/);
    expect(describeError(answer('INTERNAL_SERVER_ERROR', 'MongoServerError: E11000 duplicate key'))).not.toMatch(/Mongo|E11000/);
    expect(describeError(new Error('TypeError: x is undefined'))).not.toMatch(/TypeError/);
  });

  it('passes on the services\' own wording for bad input', () => {
    expect(describeError(answer('BAD_USER_INPUT', 'trackingNumber must not be blank'))).toBe('Please check what you entered: trackingNumber must not be blank.');
  });
});
