// Rules for listings: titles, descriptions, prices in minor units of ISO 4217 currencies, stock.
import { badUserInput } from '@marketplace/service-kit';
import type { Money } from './stores/products.ts';

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

const MAX_ATTRIBUTES = 50;
const MAX_IMAGES = 20;

export function validateAttributes(attributes: readonly { name: string; value: string }[]): { name: string; value: string }[] {
  if (attributes.length > MAX_ATTRIBUTES) throw badUserInput(`a product can have at most ${MAX_ATTRIBUTES} attributes`, 'attributes');
  const seen = new Set<string>();
  return attributes.map(({ name, value }) => {
    const clean = { name: text(name, 'attributes.name', 50), value: text(value, 'attributes.value', 200) };
    const key = clean.name.toLowerCase();
    if (seen.has(key)) throw badUserInput(`attribute "${clean.name}" is given twice`, 'attributes');
    seen.add(key);
    return clean;
  });
}

export function validateImages(images: readonly string[]): string[] {
  if (images.length > MAX_IMAGES) throw badUserInput(`a product can have at most ${MAX_IMAGES} images`, 'images');
  return images.map((raw) => {
    const value = raw.trim();
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !['http:', 'https:'].includes(url.protocol) || value.length > 2000) {
      throw badUserInput(`image "${raw}" is not an absolute http(s) URL`, 'images');
    }
    return url.toString();
  });
}

export const validateCategoryName = (value: string) => text(value, 'name', 100);

export function validateSlug(value: string): string {
  const slug = value.trim();
  if (!/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(slug) || slug.length > 80) {
    throw badUserInput(`slug "${value}" must be lower-case letters and digits separated by single dashes`, 'slug');
  }
  return slug;
}
