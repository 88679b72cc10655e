// Rules for listings: titles, descriptions, prices in minor units of ISO 4217 currencies, stock.
import { badUserInput } from '@marketplace/service-kit';
import type { Money } from './store.ts';

const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
export const MAX_STOCK = 1_000_000;

function text(value: string, field: string, max: number, allowEmpty = false): string {
  const trimmed = value.trim();
  if (!allowEmpty && trimmed.length === 0) throw badUserInput(`${field} must not be empty or blank`, field);
  if (trimmed.length > max) throw badUserInput(`${field} must be at most ${max} characters`, field);
  return trimmed;
}

export const validateTitle = (value: string) => text(value, 'title', 200);
export const validateDescription = (value: string) => text(value, 'description', 5000, true);

export function validateCurrency(value: string, field = 'price.currency'): string {
  const code = value.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !CURRENCIES.has(code)) {
    throw badUserInput(`${field} "${value}" is not an ISO 4217 currency code`, field);
  }
  return code;
}

export function validatePrice(price: { amount: number; currency: string }): Money {
  if (!Number.isInteger(price.amount) || price.amount < 0) {
    throw badUserInput('price.amount must be a non-negative integer in minor units (cents)', 'price.amount');
  }
  return { amount: price.amount, currency: validateCurrency(price.currency) };
}

export function validateStock(stock: number): number {
  if (!Number.isInteger(stock) || stock < 0 || stock > MAX_STOCK) {
    throw badUserInput(`stock must be an integer from 0 to ${MAX_STOCK}`, 'stock');
  }
  return stock;
}
