// The retry loop on its own, over an in-memory log that refuses a taken version as a unique index does.
import { describe, expect, it } from 'vitest';
import { insertNextVersion, settleCopy } from '../src/versioned-insert.ts';

function log() {
  const entries = new Map<number, string>();
  const latest = async () => Math.max(-1, ...entries.keys());
  const insert = async ([version, value]: [number, string]) => {
    if (entries.has(version)) throw Object.assign(new Error('E11000 duplicate key'), { code: 11000 });
    entries.set(version, value);
  };
  return { entries, latest, insert };
}

describe('insertNextVersion', () => {
  it('gives every concurrent writer its own version, one after another', async () => {
    const { entries, latest, insert } = log();
    const writes = Array.from({ length: 10 }, (_, i) =>
      insertNextVersion({ read: latest, next: (v) => [v + 1, `w${i}`] as [number, string], insert, maxAttempts: 50, contended: () => new Error('contended') }),
    );
    const results = await Promise.all(writes);
    expect([...entries.keys()].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
    for (const { entry, state } of results) expect(entry[0]).toBe(state + 1);
  });

  it('passes on a refusal, and gives up after the last attempt', async () => {
    const { latest, insert } = log();
    await expect(insertNextVersion({ read: latest, next: () => { throw new Error('refused'); }, insert, maxAttempts: 5, contended: () => new Error('contended') })).rejects.toThrow('refused');
    await insert([0, 'taken']);
    await expect(insertNextVersion({ read: async () => -1, next: (v) => [v + 1, 'x'] as [number, string], insert, maxAttempts: 3, contended: () => new Error('contended') })).rejects.toThrow('contended');
  });
});

describe('settleCopy', () => {
  it('writes the latest entry until the copy holds it', async () => {
    let copied = 1;
    const written: number[] = [];
    await settleCopy({ read: async () => ({ latest: 4, copied }), version: (v) => v, write: async (v) => void (written.push(v), (copied = v)) });
    expect(written).toEqual([4]);
  });
});
