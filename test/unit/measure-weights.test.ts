import { describe, it, expect } from 'vitest';
import { wilson, weightSplit, splitMatches } from '../../harness/analysis/weights.ts';

describe('weighted split with Wilson 95% intervals', () => {
  it('matches the textbook Wilson interval', () => {
    const [lo, hi] = wilson(75, 100);
    expect(lo).toBeCloseTo(0.6569, 3);
    expect(hi).toBeCloseTo(0.8245, 3);
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBeCloseTo(1, 12);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });

  it('lists configured and unexpected versions with shares, intervals and expected weights', () => {
    const s = weightSplit({ v1: 740, v2: 260 }, [{ backend: 'v1', weight: 75 }, { backend: 'v2', weight: 25 }]);
    expect(s.map((x) => [x.version, x.count, x.share, x.expected])).toEqual([['v1', 740, 0.74, 0.75], ['v2', 260, 0.26, 0.25]]);
    expect(splitMatches(s)).toBe(true);
    const off = weightSplit({ v1: 900, v2: 100 }, [{ backend: 'v1', weight: 75 }, { backend: 'v2', weight: 25 }]);
    expect(splitMatches(off)).toBe(false);
    const extra = weightSplit({ v1: 5, v9: 1 }, [{ backend: 'v1', weight: 1 }]);
    expect(extra.find((x) => x.version === 'v9')?.expected).toBe(0);
  });
});
