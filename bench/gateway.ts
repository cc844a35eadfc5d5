// Figures for the real gateway (printed, never asserted): what the real Envoy Gateway + Envoy hop adds to a
// request next to the built-in emulation and to no gateway at all, in one run, as ratios; its maximum
// request rate; and how long Envoy Gateway + Envoy take to be ready. Goals (issue 11): Envoy adds at most
// 0.1 ms at p50 on loopback; Envoy Gateway + Envoy ready in under 5 s.
//
// Three topologies on loopback, no modeled latency injected (the lab's own floor):
//   direct   client -> service
//   builtin  client -> the built-in envoy-gateway emulation -> service
//   envoy    client -> Envoy Gateway (standalone) + Envoy -> service
// Latency: the built-in open-model driver at a fixed rate, rounds interleaved, medians of the rounds.
// Max req/s: a closed loop (undici Pool, from a lab client address: never 127.0.0.1, which Envoy treats as
// local) for a few seconds per topology. Run: npx tsx bench/gateway.ts [rounds] [rate] [seconds]
import { loadavg } from 'node:os';
import { Pool } from 'undici';
import { loadScenarioText } from '../harness/scenario/load.ts';
import { provisionLocal } from '../harness/providers/local/index.ts';
import type { Realized } from '../harness/providers/types.ts';
import { runLoad } from '../harness/load/index.ts';
import type { LoadPlan } from '../harness/load/types.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const RATE = Number(process.argv[3] ?? 400);
const SECONDS = Number(process.argv[4] ?? 5);
const CEILING_S = 4;

type Kind = 'direct' | 'builtin' | 'envoy';

function scenario(kind: Kind) {
  const chain: unknown[] = [{ component: 'client', settings: { sources: 16 } }];
  if (kind !== 'direct') chain.push({ component: 'envoy-gateway', name: 'gateway', settings: { replicas: 1, realization: kind === 'builtin' ? 'builtin' : 'auto' } });
  chain.push({ component: 'service', name: 'app', settings: { replicas: 1 } });
  const doc = {
    apiVersion: 'exposure-lab.dev/v1alpha1',
    kind: 'Scenario',
    metadata: { name: `bench-gateway-${kind}`, title: kind, description: 'bench/gateway.ts', tradeoffs: { waf: '-', tls: '-', certificates: '-', podAwareRouting: '-', redundancy: '-' } },
    spec: { cluster: { nodes: 1, azs: 1 }, chain },
  };
  const { scenario: s, diagnostics } = loadScenarioText(JSON.stringify(doc), `bench-gateway-${kind}.yaml`);
  if (!s) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return s;
}

async function up(kind: Kind): Promise<{ r: Realized; provisionMs: number }> {
  const t = performance.now();
  const r = await provisionLocal(scenario(kind), { runId: `bench-${kind}`, injectLatency: false, seed: 1, log: () => {} });
  return { r, provisionMs: performance.now() - t };
}

async function latency(r: Realized): Promise<{ p50: number; p99: number; valid: boolean }> {
  const plan: LoadPlan = {
    executor: { kind: 'constant-arrival-rate', rate: RATE, durationS: SECONDS },
    warmupS: 1,
    target: r.entry,
    sources: r.sources,
    requestsPerSource: 1,
    connectionMode: 'keep-alive',
    method: 'GET',
    requestBodyBytes: 0,
    timeoutMs: 5000,
    workers: 1,
    maxConnections: 64,
    observe: r.observe,
    intervalS: 1,
  };
  const o = await runLoad(plan, { driver: 'builtin' });
  return { p50: o.latencyMs.p50, p99: o.latencyMs.p99, valid: o.validity.valid };
}

async function ceiling(r: Realized): Promise<number> {
  const pool = new Pool(`http://${r.entry.host}:${r.entry.port}`, { connections: 16, pipelining: 1, localAddress: r.sources[0] });
  let done = 0;
  const until = performance.now() + CEILING_S * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      const res = await pool.request({ path: '/', method: 'GET', headers: { host: r.entry.hostHeader ?? 'app.example' } });
      await res.body.dump();
      done++;
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: 16 }, worker));
  const rps = done / ((performance.now() - t) / 1000);
  await pool.close();
  return rps;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const startLoad = loadavg();
  const kinds: Kind[] = ['direct', 'builtin', 'envoy'];
  const lat: Record<Kind, Array<{ p50: number; p99: number; valid: boolean }>> = { direct: [], builtin: [], envoy: [] };
  const rps: Record<Kind, number[]> = { direct: [], builtin: [], envoy: [] };
  const ready: number[] = [];
  const own: number[] = [];
  let realizedBy = '';
  console.log(`gateway bench: ${ROUNDS} round(s), ${RATE} req/s for ${SECONDS} s each, closed-loop ceiling ${CEILING_S} s; no modeled latency injected`);
  for (let round = 1; round <= ROUNDS; round++) {
    // Interleaved: each round runs every topology once, so machine noise spreads over all of them.
    for (const kind of round % 2 ? kinds : [...kinds].reverse()) {
      const { r, provisionMs } = await up(kind);
      try {
        const gw = r.hops.find((h) => h.component === 'envoy-gateway');
        if (kind === 'envoy') {
          realizedBy = gw?.realizedBy ?? '?';
          const m = /ready in ([\d.]+) s/.exec(gw?.notes?.join(' ') ?? '');
          ready.push(m ? Number(m[1]) * 1000 : provisionMs);
        }
        lat[kind].push(await latency(r));
        rps[kind].push(await ceiling(r));
      } finally {
        await r.teardown();
      }
      const gw = r.hops.find((h) => h.component === 'envoy-gateway');
      if (kind === 'envoy' && gw?.gatewayTime) own.push(gw.gatewayTime.ownMs.p50);
      const l = lat[kind].at(-1)!;
      console.log(`  round ${round} ${kind.padEnd(8)} p50 ${l.p50.toFixed(3)} ms  p99 ${l.p99.toFixed(3)} ms${l.valid ? '' : ' (run flagged invalid: late sends)'}  ceiling ${rps[kind].at(-1)!.toFixed(0)} req/s`);
    }
  }
  const m = (k: Kind, f: 'p50' | 'p99') => median(lat[k].map((x) => x[f]));
  const add = (k: Kind, f: 'p50' | 'p99') => m(k, f) - m('direct', f);
  console.log('');
  console.log(`gateway realized by: ${realizedBy}`);
  console.log(`added latency over direct (median of ${ROUNDS} rounds, ms; measured):`);
  const signed = (x: number) => `${x < 0 ? '' : '+'}${x.toFixed(3)}`;
  console.log(`  Envoy Gateway + Envoy  p50 ${signed(add('envoy', 'p50'))}  p99 ${signed(add('envoy', 'p99'))}`);
  console.log(`  built-in emulation     p50 ${signed(add('builtin', 'p50'))}  p99 ${signed(add('builtin', 'p99'))}`);
  console.log('  (a negative figure is the difference of two noisy medians: probe noise, not a gateway that saves time)');
  // A ratio of differences means nothing when either difference is within noise (zero or negative).
  const ratio = (f: 'p50' | 'p99') => (add('envoy', f) > 0 && add('builtin', f) > 0 ? (add('envoy', f) / add('builtin', f)).toFixed(2) : 'n/a (a difference at or below zero)');
  console.log(`  ratio Envoy / built-in added p50: ${ratio('p50')}, p99: ${ratio('p99')}`);
  if (own.length) console.log(`  Envoy's own time from its access log, p50: ${median(own).toFixed(3)} ms (goal: at most 0.1 ms)`);
  console.log(`max req/s, closed loop, 16 connections (median of ${ROUNDS}; measured):`);
  console.log(`  direct ${median(rps.direct).toFixed(0)}  built-in ${median(rps.builtin).toFixed(0)}  Envoy Gateway + Envoy ${median(rps.envoy).toFixed(0)}`);
  console.log(`  ratios to direct: built-in ${(median(rps.builtin) / median(rps.direct)).toFixed(2)}, Envoy ${(median(rps.envoy) / median(rps.direct)).toFixed(2)}; Envoy / built-in ${(median(rps.envoy) / median(rps.builtin)).toFixed(2)}`);
  console.log(`Envoy Gateway + Envoy ready (certificates, control plane, xDS, first request through Envoy): median ${(median(ready) / 1000).toFixed(2)} s, min ${(Math.min(...ready) / 1000).toFixed(2)} s, max ${(Math.max(...ready) / 1000).toFixed(2)} s (goal: under 5 s)`);
  // The goals of issue 11, judged on this run's figures (printed, never asserted: timings here are noisy).
  const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
  const added50 = add('envoy', 'p50');
  console.log('goals (issue 11), judged on this run:');
  console.log(`  Envoy adds at most 0.1 ms at p50 on loopback: added p50 over direct ${added50.toFixed(3)} ms -> ${added50 < 0 ? 'met (negative: the difference of two noisy medians, probe noise)' : verdict(added50 <= 0.1)}` +
    (own.length ? `; Envoy's own time p50 ${median(own).toFixed(3)} ms -> ${verdict(median(own) <= 0.1)}` : ''));
  console.log(`  Envoy Gateway + Envoy ready in under 5 s: median ${(median(ready) / 1000).toFixed(2)} s -> ${verdict(median(ready) < 5000)}, slowest ${(Math.max(...ready) / 1000).toFixed(2)} s -> ${verdict(Math.max(...ready) < 5000)}`);
  const la = loadavg();
  console.log(`load average at the end: ${la.map((x) => x.toFixed(2)).join(' ')} (at the start: ${startLoad.map((x) => x.toFixed(2)).join(' ')}); on a shared machine these figures are noisy`);
}

await main();
