import { describe, expect, it } from 'vitest';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES, mergeLines, validateOrderLines } from '../src/order-lines.ts';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);

describe('order lines', () => {
  it('keeps valid lines, with ids in lower case', () => {
    expect(validateOrderLines([{ productId: A.toUpperCase(), quantity: 1 }, { productId: B, quantity: MAX_LINE_QUANTITY }])).toEqual([
      { productId: A, quantity: 1 },
      { productId: B, quantity: MAX_LINE_QUANTITY },
    ]);
  });

  it('refuses no lines, too many lines, impossible quantities and bad ids', () => {
    expect(() => validateOrderLines([])).toThrow('an order needs at least one item');
    expect(() => validateOrderLines(Array.from({ length: MAX_ORDER_LINES + 1 }, () => ({ productId: A, quantity: 1 })))).toThrow(/at most 100 items/);
    for (const quantity of [0, -1, 1.5, MAX_LINE_QUANTITY + 1]) {
      expect(() => validateOrderLines([{ productId: A, quantity }])).toThrow(/quantity must be an integer from 1 to 10000/);
    }
    expect(() => validateOrderLines([{ productId: 'nope', quantity: 1 }])).toThrow(/productId "nope" is not a valid id/);
  });

  it('merges the lines of one product, in the order products first appear', () => {
    expect([...mergeLines([{ productId: B, quantity: 1 }, { productId: A, quantity: 2 }, { productId: B, quantity: 3 }])]).toEqual([
      [B, 4],
      [A, 2],
    ]);
  });
});
