// Accuracy of the model provider against real local runs (real processes on loopback, real traffic).
// For each scenario: a run with no modeled latency measures the lab's own overhead on that path (the
// floor), a run with the modeled latency injected is the measured truth, and the model, calibrated with
// the floor only, predicts the second run at the same rate. Tolerance: 10% at p50, 20% at p99.
// Both the floor and the truth are two runs each, interleaved (floor, truth, floor, truth) and pooled by
// merging their histograms: a single short run's p99 moves by more than the tolerance from one run to the
// next on a 2-core VM (seen: direct p99 3.2 ms then 5.8 ms), which is the lab's repeatability, not the
// model's error. A measured run the driver itself flags invalid (late sends on a loaded machine) is not a
// truth to compare against: the test then skips and says why.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, loadShapeFor } from '../../harness/run/bench.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { calibrate } from '../../harness/providers/model/calibrate.ts';
import { simulateScenario } from '../../harness/providers/model/simulate.ts';
import type { RunResult } from '../../harness/result/types.ts';
import { decodeHistogram, mergeEncoded, summarize } from '../../harness/load/histogram.ts';

const RATE = 150;
const DURATION_S = 12;
const WARMUP_S = 1;
const TOL_P50 = 0.1;
const TOL_P99 = 0.2;
// The lab's own resolution bounds what any model can match. Two identical `direct` runs differ by up to
// ~0.13 ms at p50 (0.42-0.55 ms in 6 alternating runs) and ~0.9 ms at p99; and injecting sub-0.2 ms delays
// changes how often the hop processes sleep and wake, which moves the floor itself by a similar amount
// (public-nlb: the modeled hops add 0.15 ms on average; measured shifts over the floor ranged 0.08-0.75 ms
// across runs; the model read 0.13-0.22 ms high on public-nlb's p50 in four pooled rounds, because an
// injecting hop is already awake when the next bytes arrive while the floor pays each hop's wake-up).
// So the tolerance is relative, with these absolute floors for sub-millisecond effects.
// 150 req/s: at 300 req/s the CPU the driver and hops spend polling for sub-millisecond precision made the
// long-delay path (apigw-nlb-gateway, ~10 ms injected) read 8-15% slower than modeled.
const ABS_P50_MS = 0.3;
const ABS_P99_MS = 1.0;

async function measure(scenario: string, injectLatency: boolean, out: string): Promise<RunResult> {
  const { result } = await runBench({
    scenario,
    provider: 'local',
    driver: 'builtin',
    rate: RATE,
    durationS: DURATION_S,
    warmupS: WARMUP_S,
    outDir: out,
    injectLatency,
    seed: 11,
    log: () => {},
  });
  return result;
}

/** Two runs of the same configuration as one: histograms merged, counts added. */
function pooled(a: RunResult, b: RunResult): RunResult {
  const histogram = mergeEncoded([a.latencyMs.histogram!, b.latencyMs.histogram!]);
  return {
    ...a,
    load: { ...a.load, requests: a.load.requests + b.load.requests, durationS: a.load.durationS + b.load.durationS },
    latencyMs: { ...summarize(decodeHistogram(histogram)), fidelity: a.latencyMs.fidelity, histogram },
    validity: { ...a.validity, valid: a.validity.valid && b.validity.valid, reasons: [...a.validity.reasons, ...b.validity.reasons] },
  };
}

describe('model accuracy against measured local runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'model-accuracy-'));

  it.for(['direct', 'public-nlb', 'apigw-nlb-gateway'])(
    '%s: model p50 within 10% (or 0.3 ms) and p99 within 20% (or 1 ms) of the measured run at 150 req/s',
    { timeout: 240_000 },
    async (name, ctx) => {
      try {
        const f1 = await measure(name, false, out);
        const t1 = await measure(name, true, out);
        const f2 = await measure(name, false, out);
        const t2 = await measure(name, true, out);
        const floorRun = pooled(f1, f2);
        const truth = pooled(t1, t2);
        const scenario = loadScenarioOrThrow(name);
        const cal = calibrate([{ file: `${name}-no-latency`, result: floorRun }], loadScenarioOrThrow);
        expect(cal.floors).toHaveLength(1);
        const plan = loadShapeFor(scenario, { rate: RATE, durationS: 2 * DURATION_S, warmupS: WARMUP_S });
        // The built-in driver sends evenly spaced requests: model the same arrivals, seeded.
        const model = simulateScenario(scenario, plan, { seed: 11, calibration: cal, arrivals: 'uniform' });
        const m = model.outcome.latencyMs;
        const t = truth.latencyMs;
        const e50 = m.p50 / t.p50 - 1;
        const e99 = m.p99 / t.p99 - 1;
        console.log(
          `${name}: measured p50 ${t.p50} p99 ${t.p99} ms (floor p50 ${floorRun.latencyMs.p50} p99 ${floorRun.latencyMs.p99}); ` +
            `model p50 ${m.p50} (${(e50 * 100).toFixed(1)}%) p99 ${m.p99} (${(e99 * 100).toFixed(1)}%)`,
        );
        const invalid = [f1, t1, f2, t2].filter((r) => !r.validity.valid);
        if (invalid.length) {
          ctx.skip(`measured run invalid on this machine, no truth to compare: ${invalid.map((r) => r.validity.reasons.join('; ')).join(' | ')}`);
          return;
        }
        // Same offered load (the model may count the boundary request of each window once more).
        expect(Math.abs(model.outcome.requests - truth.load.requests)).toBeLessThanOrEqual(2);
        expect(Math.abs(m.p50 - t.p50)).toBeLessThan(Math.max(TOL_P50 * t.p50, ABS_P50_MS));
        expect(Math.abs(m.p99 - t.p99)).toBeLessThan(Math.max(TOL_P99 * t.p99, ABS_P99_MS));
      } finally {
        if (name === 'apigw-nlb-gateway') rmSync(out, { recursive: true, force: true });
      }
    },
  );
});
