// Turns a catalog request (filter, sort, cursor, who is asking) into one MongoDB query.
import { ObjectId, type Filter, type Sort } from 'mongodb';
import { hasRole, type Identity } from '@marketplace/auth';
import { badUserInput, parseId } from '@marketplace/service-kit';
import { attributeKey, words } from '../search-terms.ts';
import type { ProductDocument } from './products.ts';
import { validateCurrency } from '../validation.ts';

export type ProductSort = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'TITLE';

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

type SortField = 'createdAt' | 'price.amount' | 'titleKey';
const SORTS: Record<ProductSort, { field: SortField; direction: 1 | -1 }> = {
  NEWEST: { field: 'createdAt', direction: -1 },
  PRICE_ASC: { field: 'price.amount', direction: 1 },
  PRICE_DESC: { field: 'price.amount', direction: -1 },
  TITLE: { field: 'titleKey', direction: 1 },
};

const MAX_SEARCH_WORDS = 20;

function sortValue(product: ProductDocument, field: SortField): number | string {
  if (field === 'createdAt') return product.createdAt.getTime();
  return field === 'titleKey' ? product.titleKey : product.price.amount;
}

/** Opaque cursor: the sort it belongs to, the sort key's value and the id that breaks ties. */
export function encodeProductCursor(sort: ProductSort, product: ProductDocument): string {
  return Buffer.from(JSON.stringify([sort, sortValue(product, SORTS[sort].field), product._id.toHexString()])).toString('base64url');
}

function decodeProductCursor(sort: ProductSort, cursor: string): { value: number | string | Date; id: ObjectId } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const [cursorSort, value, id] = Array.isArray(parsed) ? parsed : [];
  const valid = typeof value === (SORTS[sort].field === 'titleKey' ? 'string' : 'number') && typeof id === 'string' && /^[0-9a-f]{24}$/.test(id);
  if (cursorSort !== sort || !valid) throw badUserInput('after is not a cursor of this connection and sort', 'after');
  return { value: SORTS[sort].field === 'createdAt' ? new Date(value as number) : (value as number | string), id: new ObjectId(id as string) };
}

/** Which products the caller may list: active ones, plus their own archived ones; an ADMIN sees all. */
export function visibleTo(identity: Identity): Filter<ProductDocument> {
  if (hasRole(identity, 'ADMIN')) return {};
  if (identity.kind === 'user') return { $or: [{ status: 'ACTIVE' }, { sellerId: new ObjectId(identity.userId) }] };
  return { status: 'ACTIVE' };
}

function priceBound(value: number | null | undefined, field: string): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) throw badUserInput(`${field} must be a non-negative integer in minor units`, field);
  return value;
}

/** The filter's conditions; `categoryExists` resolves a category id to whether it exists. */
export async function filterConditions(
  filter: ProductFilterInput | null | undefined,
  categoryExists: (id: string) => Promise<boolean>,
): Promise<Filter<ProductDocument>[]> {
  if (!filter) return [];
  const conditions: Filter<ProductDocument>[] = [];
  const terms = filter.search ? [...new Set(words(filter.search))] : [];
  if (terms.length > MAX_SEARCH_WORDS) throw badUserInput(`search can have at most ${MAX_SEARCH_WORDS} words`, 'search');
  if (terms.length) conditions.push({ searchTerms: { $all: terms } });
  if (filter.categoryId) {
    const categoryId = parseId(filter.categoryId, 'categoryId');
    if (!(await categoryExists(categoryId.toHexString()))) throw badUserInput(`category ${filter.categoryId} does not exist`, 'categoryId');
    conditions.push({ categoryPath: categoryId });
  }
  if (filter.sellerId) conditions.push({ sellerId: parseId(filter.sellerId, 'sellerId') });
  const min = priceBound(filter.minPrice, 'minPrice');
  const max = priceBound(filter.maxPrice, 'maxPrice');
  if (min !== undefined && max !== undefined && min > max) throw badUserInput('minPrice must not be above maxPrice', 'minPrice');
  if (min !== undefined || max !== undefined) {
    conditions.push({ 'price.amount': { ...(min !== undefined ? { $gte: min } : {}), ...(max !== undefined ? { $lte: max } : {}) } });
  }
  if (filter.currency) conditions.push({ 'price.currency': validateCurrency(filter.currency, 'currency') });
  if (filter.inStock === true) conditions.push({ stock: { $gt: 0 } });
  if (filter.inStock === false) conditions.push({ stock: { $lte: 0 } });
  if (filter.attributes?.length) {
    conditions.push({ attributeKeys: { $all: filter.attributes.map((a) => attributeKey(a.name, a.value)) } });
  }
  return conditions;
}

/** Sort order and the "strictly after the cursor" condition for keyset paging. */
export function ordering(sort: ProductSort, after: string | null | undefined): { sort: Sort; after?: Filter<ProductDocument> } {
  const { field, direction } = SORTS[sort];
  const order: Sort = { [field]: direction, _id: direction };
  if (!after) return { sort: order };
  const { value, id } = decodeProductCursor(sort, after);
  const beyond = direction === 1 ? '$gt' : '$lt';
  return {
    sort: order,
    after: { $or: [{ [field]: { [beyond]: value } }, { [field]: value, _id: { [beyond]: id } }] } as Filter<ProductDocument>,
  };
}

export function and(conditions: Filter<ProductDocument>[]): Filter<ProductDocument> {
  const real = conditions.filter((c) => Object.keys(c).length > 0);
  if (real.length === 0) return {};
  return real.length === 1 ? real[0]! : { $and: real };
}
