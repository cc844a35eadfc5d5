// The model and its calibration against real local runs: figures and ratios printed, never asserted (one
// short run on a shared 2-core machine moves by more than any honest tolerance; the unit tests check the
// statistics on synthetic data with fixed seeds).
//  1. model vs measured: for direct, public-nlb and apigw-nlb-gateway, runs without modeled latency (the
//     floor) and with it (the measurement), interleaved and pooled; the floor-calibrated model at the same
//     rate next to the measurement, as ratios;
//  2. calibration through real processes: a ladder of local runs (direct, direct + one emulated ALB, direct +
//     one emulated NLB, each with its catalog latency injected) fitted by `calibrate`; each fitted hop next
//     to the distribution the emulation injected (the fit also holds the emulator's own time);
//  3. the model with that overlay (and the direct floor) against a fresh measured run of the ALB ladder step.
// Usage: npx tsx bench/calibration.ts [--quick]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadShapeFor, runBench } from '../harness/run/bench.ts';
import { loadScenarioOrThrow } from '../harness/scenario/resolve.ts';
import { calibrate } from '../harness/providers/model/calibrate.ts';
import { simulateScenario } from '../harness/providers/model/simulate.ts';
import { decodeHistogram, mergeEncoded, summarize } from '../harness/load/histogram.ts';
import type { RunResult } from '../harness/result/types.ts';
import { buildOverlay } from '../harness/calibration/build.ts';
import { applyOverlay, overlayYaml, parseOverlay } from '../harness/calibration/overlay.ts';

const quick = process.argv.includes('--quick');
const RATE = 150;
const DURATION_S = quick ? 6 : 12;
const ROUNDS = quick ? 1 : 2;
const out = mkdtempSync(join(tmpdir(), 'bench-calibration-'));
const f = (x: number) => x.toFixed(3);

const ladder = (name: string, component: string, settings: string) => `apiVersion: exposure-lab.dev/v1alpha1
kind: Scenario
metadata:
  name: ${name}
  title: Client -> ${component} -> service
  description: The direct control with one emulated hop in front of the service (a calibration ladder step).
  tradeoffs: { waf: none, tls: none, certificates: none, podAwareRouting: none, redundancy: none }
spec:
  cluster: { nodes: 1, azs: 1, services: 1 }
  chain:
    - component: client
    - component: ${component}
      settings: ${settings}
    - component: service
      name: app
`;

async function measure(scenario: string, injectLatency: boolean): Promise<RunResult> {
  const { result } = await runBench({ scenario, provider: 'local', driver: 'builtin', rate: RATE, durationS: DURATION_S, warmupS: 1, outDir: out, injectLatency, seed: 11, log: () => {} });
  return result;
}

/** Runs of one configuration as one: histograms merged, counts added. */
function pooled(rs: RunResult[]): RunResult {
  const histogram = mergeEncoded(rs.map((r) => r.latencyMs.histogram!));
  return {
    ...rs[0],
    load: { ...rs[0].load, requests: rs.reduce((a, r) => a + r.load.requests, 0), durationS: rs.reduce((a, r) => a + r.load.durationS, 0) },
    latencyMs: { ...summarize(decodeHistogram(histogram)), fidelity: rs[0].latencyMs.fidelity, histogram },
    validity: { ...rs[0].validity, valid: rs.every((r) => r.validity.valid), reasons: rs.flatMap((r) => r.validity.reasons) },
  };
}

try {
  console.log(`calibration benchmark (${RATE} req/s, ${DURATION_S} s runs, ${ROUNDS} round(s) pooled; the machine may be shared: read ratios, not absolutes)`);
  console.log('\n1. model vs measured (floor-calibrated model; measured = real processes with modeled latency injected)');
  for (const name of ['direct', 'public-nlb', 'apigw-nlb-gateway']) {
    const floors: RunResult[] = [];
    const truths: RunResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      floors.push(await measure(name, false));
      truths.push(await measure(name, true));
    }
    const floor = pooled(floors);
    const truth = pooled(truths);
    const scenario = loadScenarioOrThrow(name);
    const cal = calibrate([{ file: `${name}-no-latency`, result: floor }], loadScenarioOrThrow);
    const model = simulateScenario(scenario, loadShapeFor(scenario, { rate: RATE, durationS: ROUNDS * DURATION_S, warmupS: 1 }), { seed: 11, calibration: cal, arrivals: 'uniform' });
    const m = model.outcome.latencyMs;
    const t = truth.latencyMs;
    console.log(`  ${name.padEnd(20)} measured p50 ${f(t.p50)} p99 ${f(t.p99)} ms | model p50 ${f(m.p50)} p99 ${f(m.p99)} ms | model/measured p50 ${(m.p50 / t.p50).toFixed(2)}x p99 ${(m.p99 / t.p99).toFixed(2)}x | floor p50 ${f(floor.latencyMs.p50)} ms${truth.validity.valid && floor.validity.valid ? '' : ' | INVALID measured run(s): ' + [...floor.validity.reasons, ...truth.validity.reasons].join('; ')}`);
  }

  console.log('\n2. calibration through real processes (local ladder, catalog latency injected; fits include the emulator\'s own time)');
  const albFile = join(out, 'direct-alb.yaml');
  const nlbFile = join(out, 'direct-nlb.yaml');
  writeFileSync(albFile, ladder('direct-alb', 'alb', '{ targetType: ip }'));
  writeFileSync(nlbFile, ladder('direct-nlb', 'nlb', '{ targetType: ip, scheme: internet-facing }'));
  const runs = [
    { file: 'direct', result: pooled([await measure('direct', true)]) },
    { file: 'direct-alb', result: await measure(albFile, true) },
    { file: 'direct-nlb', result: await measure(nlbFile, true) },
  ];
  const { doc, notes } = buildOverlay(runs, { name: 'local-ladder', createdAt: new Date().toISOString(), seed: 1 });
  for (const [component, file] of [['alb', albFile], ['nlb', nlbFile]] as const) {
    const injected = loadScenarioOrThrow(file).hops[1].latency;
    const fit = doc.spec.hops.find((h) => h.component === component);
    if (!fit) {
      const ns = doc.spec.notSeparated.find((n) => n.components.includes(component));
      console.log(`  ${component.padEnd(6)} injected ${injected.medianMs}/${injected.p99Ms} ms: not fitted (${ns?.why ?? 'no evidence'})`);
      continue;
    }
    console.log(`  ${component.padEnd(6)} injected ${injected.medianMs}/${injected.p99Ms} ms | fitted ${f(fit.medianMs)}/${f(fit.p99Ms)} ms (${fit.fit.method}, KS ${fit.fit.ks}, ${fit.confidence}) | fitted/injected median ${(fit.medianMs / injected.medianMs).toFixed(2)}x p99 ${(fit.p99Ms / injected.p99Ms).toFixed(2)}x`);
  }
  for (const n of notes) console.log(`  note: ${n}`);

  console.log('\n3. the model with that overlay and the direct floor vs a fresh measured run of direct-alb');
  const { overlay } = parseOverlay(overlayYaml(doc), 'local-ladder.yaml');
  if (overlay && doc.spec.hops.some((h) => h.component === 'alb')) {
    const { scenario } = applyOverlay(loadScenarioOrThrow(albFile), overlay);
    const floor = pooled([await measure('direct', false)]);
    const fresh = await measure(albFile, true);
    const cal = calibrate([{ file: 'direct-no-latency', result: { ...floor, scenario: 'direct' } }], loadScenarioOrThrow);
    const model = simulateScenario(scenario, loadShapeFor(scenario, { rate: RATE, durationS: DURATION_S, warmupS: 1 }), { seed: 5, calibration: cal, arrivals: 'uniform' });
    const m = model.outcome.latencyMs;
    const t = fresh.latencyMs;
    console.log(`  direct-alb measured p50 ${f(t.p50)} p99 ${f(t.p99)} ms | model+overlay p50 ${f(m.p50)} p99 ${f(m.p99)} ms | ratio p50 ${(m.p50 / t.p50).toFixed(2)}x p99 ${(m.p99 / t.p99).toFixed(2)}x${fresh.validity.valid ? '' : ' | INVALID measured run: ' + fresh.validity.reasons.join('; ')}`);
  } else {
    console.log('  skipped: the ladder did not separate the ALB');
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
