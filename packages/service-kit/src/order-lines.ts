// The lines of an order, and of the stock reservation made for it: their limits, and one quantity per product.
import { badUserInput } from './errors.ts';
import { parseId } from './ids.ts';

export const MAX_ORDER_LINES = 100;
export const MAX_LINE_QUANTITY = 10_000;

export interface OrderLine {
  productId: string;
  quantity: number;
}

/** 1 to MAX_ORDER_LINES lines, each a valid product id (as lower-case hex) and a whole quantity from 1 to MAX_LINE_QUANTITY. */
export function validateOrderLines(lines: readonly OrderLine[]): OrderLine[] {
  if (lines.length === 0) throw badUserInput('an order needs at least one item', 'items');
  if (lines.length > MAX_ORDER_LINES) throw badUserInput(`an order can have at most ${MAX_ORDER_LINES} items`, 'items');
  return lines.map(({ productId, quantity }) => {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      throw badUserInput(`quantity must be an integer from 1 to ${MAX_LINE_QUANTITY}`, 'quantity');
    }
    return { productId: parseId(productId, 'productId').toHexString(), quantity };
  });
}

/** The total quantity of each product, in the order products first appear; a product may be split over several lines. */
export function mergeLines(lines: readonly OrderLine[]): Map<string, number> {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of lines) quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  return quantities;
}
