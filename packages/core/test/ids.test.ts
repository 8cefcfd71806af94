import { describe, expect, it } from 'vitest';
import { hasPrefix, newId } from '../src/ids.js';

describe('newId', () => {
  it('is unique, well formed and sorted by creation across many refills of its entropy pool', () => {
    const ids: string[] = [];
    // 10,000 ids: the 4 KiB pool (256 ids) is refilled about 40 times; some share a millisecond.
    for (let i = 0; i < 10_000; i++) ids.push(newId('req', 1_700_000_000_000 + Math.floor(i / 3)));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => hasPrefix(id, 'req'))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });

  it('draws fresh random digits for each new millisecond', () => {
    const a = newId('evt', 1_800_000_000_000).slice(-16);
    const b = newId('evt', 1_800_000_000_001).slice(-16);
    const c = newId('evt', 1_800_000_000_002).slice(-16);
    // Three random 80-bit tails: equal only by a broken source.
    expect(new Set([a, b, c]).size).toBe(3);
  });
});
