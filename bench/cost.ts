// Benchmark figures for the cost engine (printed, never asserted): pricing one scenario, and a 1,000-point
// request-rate sweep across every scenario (target: well under 1 s). Run: npx tsx bench/cost.ts
import { performance } from 'node:perf_hooks';
import { loadScenarioOrThrow, scenarioNames } from '../harness/scenario/resolve.ts';
import { loadProfile, loadPriceSnapshot, priceScenarioExact, sweepCost, logSpaced } from '../harness/cost/index.ts';

function time<T>(f: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = f();
  return { ms: performance.now() - t0, value };
}

const profile = loadProfile('profiles/medium.yaml');
const prices = loadPriceSnapshot(profile.region);
const scenarios = scenarioNames().map((n) => loadScenarioOrThrow(n));
const one = scenarios.find((s) => s.name === 'alb-nlb-gateway') ?? scenarios[0];

for (let i = 0; i < 200; i++) priceScenarioExact(one, profile, prices); // warm-up (JIT)
const N = 2000;
const single = time(() => { for (let i = 0; i < N; i++) priceScenarioExact(one, profile, prices); });
console.log(`price one scenario (${one.name}, medium profile, 24-hour shape): ${(single.ms * 1000 / N).toFixed(1)} us per bill (mean of ${N})`);

const rps = logSpaced(1, 100_000, 1000);
sweepCost(scenarios, profile, rps.slice(0, 50), prices); // warm-up
const runs: number[] = [];
let last: ReturnType<typeof sweepCost> | undefined;
for (let i = 0; i < 5; i++) {
  const r = time(() => sweepCost(scenarios, profile, rps, prices));
  runs.push(r.ms);
  last = r.value;
}
runs.sort((a, b) => a - b);
const bills = rps.length * scenarios.length;
console.log(`sweep: ${rps.length} rates x ${scenarios.length} scenarios = ${bills} bills + ${last!.crossovers.length} crossovers bisected: ` +
  `median ${runs[2].toFixed(0)} ms, min ${runs[0].toFixed(0)} ms, max ${runs[4].toFixed(0)} ms (5 runs)`);
console.log(`target well under 1,000 ms: median is ${(runs[2] / 1000).toFixed(2)}x of the 1 s budget`);
