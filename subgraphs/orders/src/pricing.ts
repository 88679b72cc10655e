// Order arithmetic in integer minor units: line totals and the order total.
import { badUserInput, MAX_AMOUNT, type Money } from '@marketplace/service-kit';

export function lineTotal(unitPrice: Money, quantity: number): Money {
  return { amount: unitPrice.amount * quantity, currency: unitPrice.currency };
}

export function orderTotal(lines: readonly { unitPrice: Money; quantity: number }[]): Money {
  const first = lines[0];
  if (!first) throw badUserInput('an order needs at least one item', 'items');
  let amount = 0;
  for (const line of lines) {
    if (line.unitPrice.currency !== first.unitPrice.currency) {
      throw badUserInput('all items of an order must share one currency', 'items');
    }
    amount += lineTotal(line.unitPrice, line.quantity).amount;
  }
  if (!Number.isSafeInteger(amount) || amount > MAX_AMOUNT) {
    throw badUserInput(`the order total must be at most ${MAX_AMOUNT} minor units`, 'items');
  }
  return { amount, currency: first.unitPrice.currency };
}
