// Relay connections: page sizes, opaque cursors on (createdAt, _id), newest first.
import { ObjectId, type Filter } from 'mongodb';
import { badUserInput } from './errors.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Position {
  createdAt: Date;
  id: ObjectId;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0) throw badUserInput('first must be a non-negative integer', 'first');
  return Math.min(first, MAX_PAGE_SIZE);
}

export function encodeCursor(position: Position): string {
  return Buffer.from(`${position.createdAt.getTime()}:${position.id.toHexString()}`).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  const match = /^(\d{1,15}):([0-9a-f]{24})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw badUserInput('after is not a cursor from this connection', 'after');
  return { createdAt: new Date(Number(match[1])), id: new ObjectId(match[2]) };
}

/** Documents strictly after `cursor` in (createdAt desc, _id desc) order. */
export function afterCursorFilter<T extends { createdAt: Date; _id: ObjectId }>(cursor: string | null | undefined): Filter<T> {
  if (!cursor) return {};
  const { createdAt, id } = decodeCursor(cursor);
  return { $or: [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }] } as Filter<T>;
}

export const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

/** A page whose totalCount is counted only when a client asks for it. */
export interface CountedPage<T> extends Page<T> {
  count: () => Promise<number>;
}

/** The totalCount resolver of every counted connection. */
export const countTotal = (page: { count: () => Promise<number> }): Promise<number> => page.count();

/** Builds a page from up to `size + 1` documents fetched in order. */
export function toPage<D extends { createdAt: Date; _id: ObjectId }>(docs: D[], size: number): Page<D> {
  const nodes = docs.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: encodeCursor({ createdAt: node.createdAt, id: node._id }), node }));
  return { edges, pageInfo: { hasNextPage: docs.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}
