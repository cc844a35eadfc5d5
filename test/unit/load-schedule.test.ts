import { describe, expect, it } from 'vitest';
import { ArrivalSchedule, arrivalStages, targetRps } from '../../harness/load/builtin/schedule.ts';

function allTimes(s: ArrivalSchedule): number[] {
  const out: number[] = [];
  for (let i = 0; ; i++) {
    const t = s.timeOf(i);
    if (t === null) return out;
    out.push(t);
  }
}

describe('arrival schedule', () => {
  it('spaces a constant rate evenly, warm-up first', () => {
    const s = new ArrivalSchedule(arrivalStages({ kind: 'constant-arrival-rate', rate: 100, durationS: 2 }, 1));
    const t = allTimes(s);
    expect(t.length).toBe(300);
    expect(t[0]).toBe(0);
    expect(t[1]).toBeCloseTo(10, 9);
    expect(t[299]).toBeCloseTo(2990, 6);
  });

  it('ramps linearly like k6: the count is the integral of the rate', () => {
    const ex = { kind: 'ramping-arrival-rate' as const, startRate: 0, stages: [{ durationS: 2, target: 100 }, { durationS: 1, target: 100 }, { durationS: 1, target: 0 }] };
    const t = allTimes(new ArrivalSchedule(arrivalStages(ex, 0)));
    expect(t.length).toBe(100 + 100 + 50);
    expect(t.filter((x) => x < 1000).length).toBe(25); // a quarter of the first ramp's area
    expect(targetRps(ex)).toBe(62.5);
  });

  it('splits the global sequence across workers without gaps', () => {
    const ex = { kind: 'constant-arrival-rate' as const, rate: 1000, durationS: 1 };
    const perWorker = [0, 1, 2].map((w) => {
      const s = new ArrivalSchedule(arrivalStages(ex, 0));
      const out: number[] = [];
      for (let i = w; ; i += 3) {
        const t = s.timeOf(i);
        if (t === null) return out;
        out.push(t);
      }
    });
    expect(perWorker.flat().sort((a, b) => a - b)).toEqual(allTimes(new ArrivalSchedule(arrivalStages(ex, 0))));
  });
});
