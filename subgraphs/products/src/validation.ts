// Rules for what sellers and shoppers send: listings (titles, prices in minor units of ISO 4217
// currencies, stock), categories, and catalog filters.
import type { ObjectId } from 'mongodb';
import { badUserInput, parseId, type Money } from '@marketplace/service-kit';
import { attributeKey, words } from './search-terms.ts';

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

export interface ProductFilterInput {
  search?: string | null;
  categoryId?: string | null;
  sellerId?: string | null;
  minPrice?: number | null;
  maxPrice?: number | null;
  currency?: string | null;
  inStock?: boolean | null;
  attributes?: readonly { name: string; value: string }[] | null;
}

/** A catalog filter once checked, in the terms the products store queries by. */
export interface CatalogFilter {
  /** Normalized search words, each of which a product must have. */
  terms: string[];
  categoryId?: ObjectId;
  sellerId?: ObjectId;
  minPrice?: number;
  maxPrice?: number;
  currency?: string;
  inStock?: boolean;
  /** Normalized "name=value" keys, each of which a product must have. */
  attributeKeys: string[];
}

const MAX_SEARCH_WORDS = 20;

function priceBound(value: number | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) throw badUserInput(`${field} must be a non-negative integer in minor units`, field);
  return value;
}

/** Checks a catalog filter; `categoryExists` tells whether a category id names a category. */
export async function validateCatalogFilter(
  filter: ProductFilterInput | null | undefined,
  categoryExists: (id: string) => Promise<boolean>,
): Promise<CatalogFilter> {
  const checked: CatalogFilter = { terms: [], attributeKeys: [] };
  if (!filter) return checked;
  checked.terms = filter.search ? [...new Set(words(filter.search))] : [];
  if (checked.terms.length > MAX_SEARCH_WORDS) throw badUserInput(`search can have at most ${MAX_SEARCH_WORDS} words`, 'search');
  if (filter.categoryId) {
    const categoryId = parseId(filter.categoryId, 'categoryId');
    if (!(await categoryExists(categoryId.toHexString()))) throw badUserInput(`category ${filter.categoryId} does not exist`, 'categoryId');
    checked.categoryId = categoryId;
  }
  if (filter.sellerId) checked.sellerId = parseId(filter.sellerId, 'sellerId');
  const min = priceBound(filter.minPrice, 'minPrice');
  const max = priceBound(filter.maxPrice, 'maxPrice');
  if (min !== undefined && max !== undefined && min > max) throw badUserInput('minPrice must not be above maxPrice', 'minPrice');
  if (min !== undefined) checked.minPrice = min;
  if (max !== undefined) checked.maxPrice = max;
  if (filter.currency) checked.currency = validateCurrency(filter.currency, 'currency');
  if (filter.inStock === true || filter.inStock === false) checked.inStock = filter.inStock;
  if (filter.attributes?.length) checked.attributeKeys = filter.attributes.map((a) => attributeKey(a.name, a.value));
  return checked;
}
