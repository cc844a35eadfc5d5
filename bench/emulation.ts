// Figures for the emulation itself (printed, never asserted): how precise the delay scheduler is next to
// plain setTimeout, and what each hop process costs (its own processing time and the end-to-end floor with no
// latency injected, public-nlb vs direct). Run: npx tsx bench/emulation.ts [requests]
import http from 'node:http';
import { DelayScheduler } from '../harness/emulation/scheduler.ts';
import { lognormalSampler } from '../harness/emulation/prng.ts';
import { seededRandom } from '../harness/lib/random.ts';
import { loadScenarioOrThrow } from '../harness/scenario/resolve.ts';
import { provisionLocal } from '../harness/providers/local/index.ts';
import { newHistogram, recordMs } from '../harness/load/histogram.ts';

const N = Number(process.argv[2] ?? 1000);
const q = (h: ReturnType<typeof newHistogram>, p: number) => (h.getValueAtPercentile(p) / 1000).toFixed(3);

async function schedulerPrecision(): Promise<void> {
  const sample = lognormalSampler({ medianMs: 0.1, p99Ms: 0.5 }, seededRandom(1));
  const sched = new DelayScheduler();
  const ours = newHistogram();
  const plain = newHistogram();
  for (let i = 0; i < N; i++) {
    const d = sample();
    let t = performance.now();
    await sched.delay(d);
    recordMs(ours, Math.abs(performance.now() - t - d));
    t = performance.now();
    await new Promise((r) => setTimeout(r, d));
    recordMs(plain, Math.abs(performance.now() - t - d));
  }
  console.log(`delay error for ${N} lognormal(0.1 ms, p99 0.5 ms) delays, |actual - intended| in ms (measured):`);
  console.log(`  DelayScheduler  p50 ${q(ours, 50)}  p99 ${q(ours, 99)}  max ${(ours.maxValue / 1000).toFixed(3)}`);
  console.log(`  setTimeout      p50 ${q(plain, 50)}  p99 ${q(plain, 99)}  max ${(plain.maxValue / 1000).toFixed(3)}`);
  console.log(`  ratio p50 setTimeout/scheduler: ${(plain.getValueAtPercentile(50) / Math.max(1, ours.getValueAtPercentile(50))).toFixed(1)}x`);
}

async function endToEnd(name: string): Promise<{ p50: number; p99: number }> {
  const r = await provisionLocal(loadScenarioOrThrow(name), { runId: 'bench', injectLatency: false, seed: 1, log: () => {} }, { gatewayRealization: 'builtin' });
  const h = newHistogram();
  try {
    const agents = r.sources.slice(0, 8).map((s) => new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: s } as http.AgentOptions));
    for (let i = 0; i < N; i++) {
      const t = performance.now();
      await new Promise<void>((res, rej) => {
        const req = http.get({ host: r.entry.host, port: r.entry.port, path: '/', agent: agents[i % agents.length], headers: { host: 'app.example' } }, (resp) => {
          resp.resume();
          resp.on('end', () => res());
        });
        req.on('error', rej);
      });
      recordMs(h, performance.now() - t);
    }
    agents.forEach((a) => a.destroy());
  } finally {
    await r.teardown();
  }
  console.log(`${name}: ${N} sequential keep-alive requests, no latency injected: p50 ${q(h, 50)} ms, p99 ${q(h, 99)} ms (measured)`);
  for (const hop of r.hops) {
    if (hop.overheadMs) console.log(`  ${hop.name.padEnd(12)} ${hop.realizedBy.split(' (')[0].padEnd(36)} own processing p50 ${hop.overheadMs.p50.toFixed(3)} ms  p99 ${hop.overheadMs.p99.toFixed(3)} ms  (n=${hop.overheadMs.count})`);
  }
  return { p50: h.getValueAtPercentile(50) / 1000, p99: h.getValueAtPercentile(99) / 1000 };
}

await schedulerPrecision();
const d = await endToEnd('direct');
const p = await endToEnd('public-nlb');
console.log(`lab floor: public-nlb adds ${(p.p50 - d.p50).toFixed(3)} ms at p50 over direct (${(p.p50 / d.p50).toFixed(2)}x) with 3 emulated hops and nothing injected`);
