import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, pageSize, toPage } from '../src/pagination.ts';

describe('page sizes', () => {
  it('defaults to 20, caps at 100 and refuses negatives', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(7)).toBe(7);
    expect(pageSize(1000)).toBe(MAX_PAGE_SIZE);
    expect(() => pageSize(-1)).toThrow('first must be a non-negative integer');
  });
});

describe('cursors', () => {
  it('round-trip a position and are opaque', () => {
    const position = { createdAt: new Date('2026-11-24T10:00:00.123Z'), id: new ObjectId() };
    const cursor = encodeCursor(position);
    expect(cursor).not.toContain(position.id.toHexString());
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it('refuse anything not made here with BAD_USER_INPUT', () => {
    for (const bad of ['', 'abc', Buffer.from('1:zz').toString('base64url')]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
    }
  });

  it('build pages from size + 1 documents', () => {
    const docs = [3, 2, 1].map((n) => ({ _id: new ObjectId(), createdAt: new Date(n * 1000) }));
    const page = toPage(docs, 2);
    expect(page.edges.map((e) => e.node)).toEqual(docs.slice(0, 2));
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: page.edges[1]!.cursor });
    expect(toPage([], 2).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
