import { describe, expect, it } from 'vitest';
import { judge, type ValidityInput } from '../../harness/load/builtin/validity.ts';

const good: ValidityInput = { closedModel: false, targetRps: 1000, achievedRps: 1000, scheduled: 10_000, errors: 0, late: 0, unsent: 0, maxSendLagMs: 0.5, driverCpuPercent: 40, interrupted: false };

describe('load validity verdict', () => {
  it('accepts a run that met every threshold', () => {
    expect(judge(good)).toMatchObject({ valid: true, reasons: [], achievedRatio: 1 });
  });

  it.each([
    [{ achievedRps: 980 }, /98\.00% of the 1000\.0 rps target/],
    [{ late: 101 }, /sent more than 2 ms after/],
    [{ unsent: 11 }, /never sent/],
    [{ driverCpuPercent: 95 }, /driver is saturated/],
    [{ errors: 200 }, /failed/],
    [{ interrupted: true }, /interrupted/],
  ] as const)('rejects %o', (change, reason) => {
    const v = judge({ ...good, ...change });
    expect(v.valid).toBe(false);
    expect(v.reasons.join('\n')).toMatch(reason);
  });

  it('notes a closed model and a small error count without hiding them', () => {
    const v = judge({ ...good, closedModel: true, targetRps: 0, errors: 3 });
    expect(v.valid).toBe(true);
    expect(v.notes.join('\n')).toMatch(/closed model/);
    expect(v.notes.join('\n')).toMatch(/3 requests failed/);
  });
});
