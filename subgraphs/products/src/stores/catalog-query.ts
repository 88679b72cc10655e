// Turns a checked catalog request (who may see what, filter, sort, cursor) into one MongoDB query.
import { ObjectId, type Filter, type Sort } from 'mongodb';
import { badUserInput } from '@marketplace/service-kit';
import type { CatalogFilter } from '../validation.ts';
import type { ProductDocument } from './products.ts';

export type ProductSort = 'NEWEST' | 'PRICE_ASC' | 'PRICE_DESC' | 'TITLE';

/** Which products a reader may list: all of them (ADMINs), or the active ones plus, for a seller, their own. */
export type Visibility = { all: true } | { all: false; ownerId?: ObjectId };

export interface CatalogQuery {
  visibility: Visibility;
  filter: CatalogFilter;
}

type SortField = 'createdAt' | 'price.amount' | 'titleKey';
const SORTS: Record<ProductSort, { field: SortField; direction: 1 | -1 }> = {
  NEWEST: { field: 'createdAt', direction: -1 },
  PRICE_ASC: { field: 'price.amount', direction: 1 },
  PRICE_DESC: { field: 'price.amount', direction: -1 },
  TITLE: { field: 'titleKey', direction: 1 },
};

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

function visible(visibility: Visibility): Filter<ProductDocument> {
  if (visibility.all) return {};
  return visibility.ownerId ? { $or: [{ status: 'ACTIVE' }, { sellerId: visibility.ownerId }] } : { status: 'ACTIVE' };
}

function conditions({ visibility, filter }: CatalogQuery): Filter<ProductDocument>[] {
  const all: Filter<ProductDocument>[] = [visible(visibility)];
  if (filter.terms.length) all.push({ searchTerms: { $all: filter.terms } });
  if (filter.categoryId) all.push({ categoryPath: filter.categoryId });
  if (filter.sellerId) all.push({ sellerId: filter.sellerId });
  const { minPrice: min, maxPrice: max } = filter;
  if (min !== undefined || max !== undefined) {
    all.push({ 'price.amount': { ...(min !== undefined ? { $gte: min } : {}), ...(max !== undefined ? { $lte: max } : {}) } });
  }
  if (filter.currency) all.push({ 'price.currency': filter.currency });
  if (filter.inStock === true) all.push({ stock: { $gt: 0 } });
  if (filter.inStock === false) all.push({ stock: { $lte: 0 } });
  if (filter.attributeKeys.length) all.push({ attributeKeys: { $all: filter.attributeKeys } });
  return all;
}

function and(conditions: Filter<ProductDocument>[]): Filter<ProductDocument> {
  const real = conditions.filter((c) => Object.keys(c).length > 0);
  if (real.length === 0) return {};
  return real.length === 1 ? real[0]! : { $and: real };
}

/** The products the query matches. */
export function catalogFilter(query: CatalogQuery): Filter<ProductDocument> {
  return and(conditions(query));
}

/** The query's products strictly after the cursor, and their order, for keyset paging. */
export function catalogPageQuery(query: CatalogQuery, sort: ProductSort, after: string | null | undefined): { filter: Filter<ProductDocument>; sort: Sort } {
  const { field, direction } = SORTS[sort];
  const order: Sort = { [field]: direction, _id: direction };
  if (!after) return { filter: catalogFilter(query), sort: order };
  const { value, id } = decodeProductCursor(sort, after);
  const beyond = direction === 1 ? '$gt' : '$lt';
  const afterCursor = { $or: [{ [field]: { [beyond]: value } }, { [field]: value, _id: { [beyond]: id } }] } as Filter<ProductDocument>;
  return { filter: and([...conditions(query), afterCursor]), sort: order };
}
