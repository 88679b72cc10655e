import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../src/idempotent-placement.ts';

const A = 'a'.repeat(24);
const B = 'b'.repeat(24);

describe('the basket an idempotency key stands for', () => {
  it('reads the same whatever the order of the lines or how a product is split across them', () => {
    const basket = fingerprintOf([{ productId: A, quantity: 2 }, { productId: B, quantity: 1 }]);
    expect(fingerprintOf([{ productId: B, quantity: 1 }, { productId: A, quantity: 2 }])).toBe(basket);
    expect(fingerprintOf([{ productId: A, quantity: 1 }, { productId: B, quantity: 1 }, { productId: A, quantity: 1 }])).toBe(basket);
  });

  it('differs when a quantity or a product differs', () => {
    const basket = fingerprintOf([{ productId: A, quantity: 2 }]);
    expect(fingerprintOf([{ productId: A, quantity: 3 }])).not.toBe(basket);
    expect(fingerprintOf([{ productId: B, quantity: 2 }])).not.toBe(basket);
  });
});
