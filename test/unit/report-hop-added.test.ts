import { describe, expect, it } from 'vitest';
import { hopAddedText } from '../../harness/report/format.ts';

const added = (p50: number, p99: number) => ({ addedMs: { p50, p99, probes: 200, fidelity: 'measured' as const, what: 'probes' } });

describe('hop added latency in reports', () => {
  it('prints a measured difference as it is', () => {
    expect(hopAddedText(added(0.31, 3.42), false)).toBe('0.31 / 3.42 ms');
  });
  it('labels a negative difference as probe noise instead of a negative latency', () => {
    const t = hopAddedText(added(0.05, -1.7), false);
    expect(t).toMatch(/^0\.05 \/ ~0 \(-1\.70?: probe noise\) ms$/);
  });
  it('says why a hop has no figure, and marks the service as the floor', () => {
    expect(hopAddedText({ addedMs: null }, false)).toBe('not probed (see notes)');
    expect(hopAddedText({}, true)).toBe('(the floor)');
  });
});
