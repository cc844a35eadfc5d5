// Accuracy of the model provider against real local runs (real processes on loopback, real traffic).
// For each scenario: a run with no modeled latency measures the lab's own overhead on that path (the
// floor), a run with the modeled latency injected is the measured truth, and the model, calibrated with
// the floor only, predicts the second run at the same rate. Tolerance: 10% at p50, 20% at p99.
// A measured run the driver itself flags invalid (late sends on a loaded machine) is not a truth to
// compare against: the test then skips and says why.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, planFor } from '../../harness/run/bench.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { calibrate } from '../../harness/providers/model/calibrate.ts';
import { simulateScenario } from '../../harness/providers/model/simulate.ts';
import type { RunResult } from '../../harness/result/types.ts';

const RATE = 150;
const DURATION_S = 5;
const WARMUP_S = 1;
const TOL_P50 = 0.1;
const TOL_P99 = 0.2;

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

describe('model accuracy against measured local runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'model-accuracy-'));

  it.for(['direct', 'public-nlb', 'apigw-nlb-gateway'])(
    '%s: model p50 within 10% and p99 within 20% of the measured run at 150 req/s',
    { timeout: 240_000 },
    async (name, ctx) => {
      try {
        const floorRun = await measure(name, false, out);
        const truth = await measure(name, true, out);
        const scenario = loadScenarioOrThrow(name);
        const cal = calibrate([{ file: `${name}-no-latency`, result: floorRun }], loadScenarioOrThrow);
        expect(cal.floors).toHaveLength(1);
        const plan = planFor(scenario, { rate: RATE, durationS: DURATION_S, warmupS: WARMUP_S });
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
        const invalid = [floorRun, truth].filter((r) => !r.validity.valid);
        if (invalid.length) {
          ctx.skip(`measured run invalid on this machine, no truth to compare: ${invalid.map((r) => r.validity.reasons.join('; ')).join(' | ')}`);
          return;
        }
        expect(model.outcome.requests).toBe(truth.load.requests);
        expect(Math.abs(e50)).toBeLessThan(TOL_P50);
        expect(Math.abs(e99)).toBeLessThan(TOL_P99);
      } finally {
        if (name === 'apigw-nlb-gateway') rmSync(out, { recursive: true, force: true });
      }
    },
  );
});
