// Model provider benchmark: figures and ratios printed, never asserted (the machine is noisy).
//  1. simulated requests per second on one core (exact mode, per-request simulation), per scenario;
//  2. wall time of a sweep of every scenario x 50 rates x 1 simulated hour (stratified sampling).
// Usage: npx tsx bench/model.ts [--quick]   (--quick: 5 rates instead of 50)
import { cpus } from 'node:os';
import { loadScenarioOrThrow, scenarioNames } from '../harness/scenario/resolve.ts';
import { compilePath } from '../harness/providers/model/path.ts';
import { runSchedule } from '../harness/providers/model/run.ts';
import { rpsRange, sweepScenarios } from '../harness/providers/model/sweep.ts';

const quick = process.argv.includes('--quick');
const names = scenarioNames();
const scenarios = names.map((n) => loadScenarioOrThrow(n));

console.log(`model benchmark on ${cpus()[0]?.model ?? 'unknown cpu'} (${cpus().length} cores), node ${process.version}`);
console.log('\n1. per-request simulation speed (exact, 1,000,000 requests at 1,000 req/s, below saturation)');
let totalReq = 0;
let totalCpu = 0;
for (const s of scenarios) {
  const path = compilePath(s);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = runSchedule({ path, pNew: 0, clientTimeoutMs: 60_000, arrivals: 'poisson' }, { segments: [{ durS: 1000, rateRps: 1000, recorded: true }], budget: 2_000_000, intervalS: 1, seed: 1 });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  const cpu = (c.user + c.system) / 1e6;
  totalReq += r.simulated;
  totalCpu += cpu;
  console.log(`  ${s.name.padEnd(28)} ${String(path.hops.length).padStart(2)} hops  ${(r.simulated / cpu / 1e6).toFixed(2)} M req/s per CPU-second  (${(r.simulated / wall / 1e6).toFixed(2)} M/s wall)`);
}
console.log(`  all scenarios: ${(totalReq / totalCpu / 1e6).toFixed(2)} M simulated requests per CPU-second on one core (target >= 1 M)`);

const points = quick ? 5 : 50;
console.log(`\n2. sweep: ${scenarios.length} scenarios x ${points} rates (10..50,000 req/s) x 1 simulated hour, 100,000 requests simulated per point`);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let simulated = 0;
let represented = 0;
const data = sweepScenarios(scenarios, { rps: rpsRange(10, 50_000, points), durationS: 3600, budgetPerPoint: 100_000, seed: 1, clientTimeoutMs: 60_000 });
for (const s of data.scenarios) for (const p of s.points) {
  simulated += p.simulatedRequests;
  represented += p.rps * 3600;
}
const wall = (performance.now() - t0) / 1000;
const c = process.cpuUsage(cpu0);
console.log(`  wall time ${wall.toFixed(1)} s (CPU ${((c.user + c.system) / 1e6).toFixed(1)} s); ${(simulated / 1e6).toFixed(1)} M requests simulated represent ${(represented / 1e9).toFixed(2)} G requests (ratio 1:${Math.round(represented / simulated)})`);
