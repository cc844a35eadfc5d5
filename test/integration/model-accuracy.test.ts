// The model's wiring and its calibration path against real runs (real processes on loopback, real traffic),
// without judging the model by one noisy real comparison: a short run is the model's input here, never its
// truth. What is checked is that real result.json files flow through every step:
//  1. a real `direct` run becomes the model's floor, and the floor-calibrated model of `direct` reproduces
//     that run's own distribution (the same data, so no run-to-run noise enters);
//  2. a real ladder `direct` -> `direct-alb` (the ALB emulated with its catalog latency injected) becomes a
//     calibration overlay with an ALB fit (method, goodness, evidence), the overlay loads strictly, and a
//     model run of another scenario takes the ALB's numbers from it and says so.
// How close the model comes to measured runs is a benchmark figure (`make perf`, bench/calibration.ts);
// that the fits recover known distributions is tested on synthetic data (unit/calibration-overlay.test.ts).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, loadShapeFor } from '../../harness/run/bench.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { calibrate } from '../../harness/providers/model/calibrate.ts';
import { simulateScenario } from '../../harness/providers/model/simulate.ts';
import { decodeHistogram } from '../../harness/load/histogram.ts';
import { buildOverlay } from '../../harness/calibration/build.ts';
import { applyOverlay, overlayYaml, parseOverlay } from '../../harness/calibration/overlay.ts';

const RATE = 200;
const DURATION_S = 4;

// The direct control with one emulated hop in front of the service, a calibration ladder step.
const DIRECT_ALB_FILE = fileURLToPath(new URL('../fixtures/scenarios/direct-alb.yaml', import.meta.url));

describe('the model and its calibration fed by real local runs', () => {
  const out = mkdtempSync(join(tmpdir(), 'model-calibration-'));
  const bench = (scenario: string, injectLatency: boolean) =>
    runBench({ scenario, provider: 'local', driver: 'builtin', rate: RATE, durationS: DURATION_S, warmupS: 1, outDir: out, injectLatency, seed: 11, log: () => {} });

  it('a real direct run is the floor; the calibrated model of direct reproduces that run\'s own distribution', { timeout: 120_000 }, async () => {
    try {
      const { result: direct } = await bench('direct', false);
      expect(direct.latencyMs.histogram, 'the run records its histogram').toBeDefined();
      const cal = calibrate([{ file: 'direct.json', result: direct }], loadScenarioOrThrow);
      expect(cal.floors.map((f) => f.scenario)).toEqual(['direct']);
      // A long simulation from the same floor: its percentiles are the run's own, up to the model's sampling.
      const scenario = loadScenarioOrThrow('direct');
      const model = simulateScenario(scenario, loadShapeFor(scenario, { rate: 1000, durationS: 100, warmupS: 0 }), { seed: 3, calibration: cal, arrivals: 'uniform' });
      const h = decodeHistogram(direct.latencyMs.histogram!);
      const own = { p50: h.getValueAtPercentile(50) / 1000, p90: h.getValueAtPercentile(90) / 1000 };
      expect(Math.abs(model.outcome.latencyMs.p50 / own.p50 - 1)).toBeLessThan(0.03);
      expect(Math.abs(model.outcome.latencyMs.p90 / own.p90 - 1)).toBeLessThan(0.05);
      expect(model.notes.join(' ')).toMatch(/calibrated floor from direct\.json/);
    } catch (e) {
      rmSync(out, { recursive: true, force: true });
      throw e;
    }
  });

  it('a real ladder (direct, direct-alb) becomes an overlay with an ALB fit that a model run then uses', { timeout: 180_000 }, async () => {
    try {
      const file = DIRECT_ALB_FILE;
      const { dir: d1, result: direct } = await bench('direct', true);
      const { dir: d2, result: alb } = await bench(file, true);
      expect(alb.hops.find((h) => h.component === 'alb')!.latencyModel).toMatchObject({ origin: 'catalog', use: 'injected' });
      const { doc } = buildOverlay([{ file: d1, result: direct }, { file: d2, result: alb }], { name: 'local-ladder', createdAt: new Date().toISOString() });
      const fit = doc.spec.hops.find((h) => h.component === 'alb');
      const ns = doc.spec.notSeparated.find((n) => n.components.includes('alb'));
      // Either the ALB is fitted from direct-alb over direct, or the overlay says why it could not be.
      expect(!!fit !== !!ns, JSON.stringify(doc.spec)).toBe(true);
      if (!fit) return;
      console.log(`ALB fitted from real local runs: median ${fit.medianMs} ms, p99 ${fit.p99Ms} ms, KS ${fit.fit.ks} (injected: 1 / 5 ms plus the emulator's own time)`);
      expect(fit.fit).toMatchObject({ method: 'deconvolution', scenario: 'direct-alb', provider: 'local', hop: 'alb', caution: expect.stringMatching(/lab's emulation/) });
      expect(fit.fit.samples).toBe(alb.load.requests);
      // A run its driver flagged invalid (a loaded machine) still calibrates, at low confidence and saying so.
      if (!direct.validity.valid || !alb.validity.valid) {
        expect(fit.confidence).toBe('low');
        expect(fit.fit.caution).toMatch(/flagged invalid/);
      }
      const { overlay, diagnostics } = parseOverlay(overlayYaml(doc), 'local-ladder.yaml');
      expect(diagnostics).toEqual([]);
      const { scenario, application } = applyOverlay(loadScenarioOrThrow('alb-nlb-gateway'), overlay!);
      expect(application.applied.map((a) => a.component)).toEqual(['alb']);
      const model = simulateScenario(scenario, loadShapeFor(scenario, { rate: 500, durationS: 10, warmupS: 0 }), { seed: 1 });
      expect(model.hops.find((h) => h.component === 'alb')!.latencyModel).toMatchObject({ origin: 'calibration', medianMs: fit.medianMs, p99Ms: fit.p99Ms });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
