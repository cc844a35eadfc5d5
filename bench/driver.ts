// Benchmark of the load drivers, in one run (prints figures and ratios; asserts nothing: the machine is shared):
//   1. shootout: closed-loop ceiling against one nginx on loopback, the same connection count for every tool:
//      the built-in driver, k6 (as a k6 user runs it, and as the lab runs it: raw samples read back), wrk,
//      autocannon, undici's Pool. Max req/s, req/s per CPU-second, peak RSS. Several short rounds, tools
//      interleaved, the median reported with the spread, so no tool is judged on a quiet moment alone;
//   2. fidelity: each tool with an arrival-rate mode at 50% of its own ceiling against a backend with a known
//      5 ms delay (the built-in driver also at 5% and 80%): the p50 it reports against the delay the server
//      really applied plus the same tool's no-delay floor;
//   3. the goals (built-in >= 3x k6 in req/s per CPU-second, >= 0.6x wrk in max req/s, p50 error <= 2%);
//   4. memory: the built-in driver's RSS at the start, the maximum and the end of a steady run
//      (default 20 s; `--soak 600` is the 10-minute check).
// CPU of a child tool is what the kernel charged it (this process's reaped-children time, /proc/self/stat),
// start-up included; the built-in driver's is this process's CPU over its run (process.cpuUsage, worker threads
// included). Peak RSS of a child is its VmHWM; the built-in driver's is this process's RSS sampled during the
// run, which includes this benchmark script itself.
// Usage: npx tsx bench/driver.ts [--seconds 3] [--rounds 3] [--soak 20] [--soak-rate 2000] [--only shootout,fidelity,memory]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { runBuiltinLoad } from '../harness/load/builtin/run.ts';
import { runK6 } from '../harness/load/k6/run.ts';
import type { LoadOutcome, LoadPlan } from '../harness/load/types.ts';
import { locateTool } from '../harness/tools/registry.ts';
import { freePort } from '../harness/lib/free-port.ts';

const arg = (name: string, dflt: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : dflt;
};
const SECONDS = arg('seconds', 3);
const ROUNDS = arg('rounds', 3);
const SOAK_S = arg('soak', 20);
const SOAK_RATE = arg('soak-rate', 2000);
/** --only shootout,fidelity,memory: run some sections (the goals need shootout and fidelity). */
const ONLY = (() => {
  const at = process.argv.indexOf('--only');
  return at >= 0 ? new Set(process.argv[at + 1].split(',')) : null;
})();
const section = (name: string) => !ONLY || ONLY.has(name);
const CONNECTIONS = 64;
/** Fidelity runs: enough connections for every tool to carry half its ceiling through a 5 ms backend. */
const FIDELITY_CONNECTIONS = 512;
const DELAY_MS = 5;
const net3 = `127.${50 + Math.floor(Math.random() * 100)}.${1 + Math.floor(Math.random() * 250)}`;
const HOST = `${net3}.1`;
const SOURCES = [2, 3, 4, 5].map((n) => `${net3}.${n}`);
const CLK_TCK = 100;

function plan(port: number, over: Partial<LoadPlan>): LoadPlan {
  return {
    executor: { kind: 'constant-vus', vus: CONNECTIONS, durationS: SECONDS },
    warmupS: 0.5,
    target: { host: HOST, port, path: '/' },
    sources: SOURCES,
    requestsPerSource: 1000,
    connectionMode: 'keep-alive',
    method: 'GET',
    requestBodyBytes: 0,
    timeoutMs: 5000,
    workers: 1,
    maxConnections: CONNECTIONS,
    intervalS: 1,
    ...over,
  };
}

async function waitForPort(port: number): Promise<void> {
  for (let k = 0; k < 100; k++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = net.connect({ host: HOST, port }, () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${HOST}:${port}`);
}

async function startNginx(): Promise<{ port: number; stop: () => void } | null> {
  const nginxBin = locateTool('nginx');
  if (!nginxBin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-nginx-'));
  const port = await freePort(HOST);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `${t}_temp_path ${dir}/${t};`).join(' ');
  fs.writeFileSync(
    path.join(dir, 'nginx.conf'),
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http { access_log off; ${temp} keepalive_requests 10000000; keepalive_timeout 60s;
  server { listen ${HOST}:${port}; location / { return 200 "hello, bench\\n"; } } }
`,
  );
  const child = spawn(nginxBin, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')], { stdio: 'ignore' });
  await waitForPort(port);
  return { port, stop: () => child.kill('SIGTERM') };
}

/** CPU seconds charged to this process's reaped children so far (cutime + cstime). */
function childrenCpuS(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / CLK_TCK;
}

interface Measured {
  rps: number;
  cpuS: number;
  rssMB: number;
  /** The tool's own p50 (fidelity runs), ms. */
  p50?: number;
}

/** Runs a child to completion: its stdout, the CPU the kernel charged it, its peak RSS (VmHWM, polled). */
async function runChild(file: string, args: string[], cwd?: string): Promise<{ stdout: string; stderr: string; cpuS: number; rssMB: number; code: number | null }> {
  const cpu0 = childrenCpuS();
  const child = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let hwmKB = 0;
  const poll = setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (m) hwmKB = Math.max(hwmKB, Number(m[1]));
    } catch {
      /* exited */
    }
  }, 100);
  const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  clearInterval(poll);
  return { stdout, stderr, cpuS: childrenCpuS() - cpu0, rssMB: hwmKB / 1024, code };
}

/** The built-in driver in this process: CPU over its run, this process's RSS sampled during it. */
async function builtinRun(p: LoadPlan): Promise<{ out: LoadOutcome; cpuS: number; rssMB: number }> {
  let rss = process.memoryUsage.rss();
  const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage.rss())), 100);
  const cpu0 = process.cpuUsage();
  const out = await runBuiltinLoad(p);
  const c = process.cpuUsage(cpu0);
  clearInterval(sampler);
  return { out, cpuS: (c.user + c.system) / 1e6, rssMB: rss / 2 ** 20 };
}

/** One source address, like the other tools: rotating sources costs reconnects and is measured elsewhere. */
async function builtinCeiling(port: number): Promise<Measured> {
  const r = await builtinRun(plan(port, { sources: SOURCES.slice(0, 1), warmupS: 0 }));
  return { rps: r.out.achievedRps, cpuS: r.cpuS, rssMB: r.rssMB };
}

/**
 * k6 as a k6 user runs it: a script with the scenario, `k6 run`, the summary at the end (k6 computes it from every
 * sample in memory). handleSummary writes the figures the benchmark reads.
 */
async function k6Plain(port: number, scenario: Record<string, unknown>): Promise<Measured & { ms: number } | null> {
  const k6 = locateTool('k6');
  if (!k6) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-k6-'));
  fs.writeFileSync(
    path.join(dir, 'script.js'),
    `import http from 'k6/http';
export const options = { scenarios: { s: ${JSON.stringify(scenario)} }, discardResponseBodies: true };
export default function () { http.get('http://${HOST}:${port}/'); }
export function handleSummary(d) {
  return { 'figures.json': JSON.stringify({ reqs: d.metrics.http_reqs.values.count, med: d.metrics.http_req_duration.values.med, ms: d.state.testRunDurationMs }) };
}
`,
  );
  const r = await runChild(k6, ['run', '--quiet', '--no-usage-report', 'script.js'], dir);
  const fig = JSON.parse(fs.readFileSync(path.join(dir, 'figures.json'), 'utf8')) as { reqs: number; med: number; ms: number };
  fs.rmSync(dir, { recursive: true, force: true });
  const durationS = Number(String(scenario.duration).replace('s', ''));
  return { rps: fig.reqs / durationS, cpuS: r.cpuS, rssMB: r.rssMB, p50: fig.med, ms: fig.ms };
}

async function k6Ceiling(port: number): Promise<Measured | null> {
  return k6Plain(port, { executor: 'constant-vus', vus: CONNECTIONS, duration: `${SECONDS}s` });
}

/** k6 as the lab runs it: raw samples streamed on stdout and read back by this process (CPU of both counted). */
async function k6LabCeiling(port: number): Promise<Measured | null> {
  if (!locateTool('k6')) return null;
  const cpuChildren0 = childrenCpuS();
  const cpuSelf0 = process.cpuUsage();
  const out = await runK6(plan(port, { sources: SOURCES.slice(0, 1), warmupS: 0 }));
  const self = process.cpuUsage(cpuSelf0);
  return { rps: out.achievedRps, cpuS: childrenCpuS() - cpuChildren0 + (self.user + self.system) / 1e6, rssMB: NaN };
}

async function wrkCeiling(port: number): Promise<Measured | null> {
  const wrk = locateTool('wrk');
  if (!wrk) return null;
  const r = await runChild(wrk, ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, `http://${HOST}:${port}/`]);
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(r.stdout)?.[1] ?? NaN), cpuS: r.cpuS, rssMB: r.rssMB };
}

const AUTOCANNON = path.resolve('node_modules/autocannon/autocannon.js');

async function autocannon(port: number, extra: string[], connections = CONNECTIONS): Promise<Measured | null> {
  if (!fs.existsSync(AUTOCANNON)) return null;
  const r = await runChild(process.execPath, [AUTOCANNON, '-c', String(connections), '-d', String(SECONDS), '-j', ...extra, `http://${HOST}:${port}/`]);
  const json = JSON.parse(r.stdout) as { requests: { total: number }; duration: number; latency: { p50: number } };
  return { rps: json.requests.total / json.duration, cpuS: r.cpuS, rssMB: r.rssMB, p50: json.latency.p50 };
}

/** undici Pool, closed loop in this thread: the best a plain Node client does with the same connection count. */
async function undiciCeiling(port: number): Promise<Measured> {
  const pool = new Pool(`http://${HOST}:${port}`, { connections: CONNECTIONS, pipelining: 1 });
  let count = 0;
  const end = performance.now() + SECONDS * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const { body } = await pool.request({ path: '/', method: 'GET' });
      await body.dump();
      count++;
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, loop));
  const elapsedS = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(cpu0);
  await pool.close();
  return { rps: count / elapsedS, cpuS: (c.user + c.system) / 1e6, rssMB: process.memoryUsage.rss() / 2 ** 20 };
}

/** bench/delay-backend.ts in its own process; `applied()` is the delay it really applied since the last call. */
async function startDelayBackend(delayMs: number): Promise<{ port: number; applied: () => Promise<number>; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'delay-backend.ts'), HOST, String(delayMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (c) => reject(new Error(`delay backend exited with ${c}`)));
  });
  const applied = async () => ((await (await fetch(`http://${HOST}:${port}/__applied`)).json()) as { p50: number }).p50;
  return { port, applied, stop: () => child.kill('SIGTERM') };
}

const fmt = (x: number | null | undefined, d = 0) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(d));
const verdict = (o: LoadOutcome) => (o.validity.valid ? 'valid' : `INVALID: ${o.validity.reasons.join('; ')}`);
const median = (xs: number[]) => (xs.length === 0 ? null : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);

type Tool = 'builtin' | 'k6' | 'k6 (as the lab runs it)' | 'wrk' | 'autocannon' | 'undici Pool';

async function fidelity(ceilingOf: (t: Tool) => number | null, errors: Map<string, number>): Promise<void> {
  const backend = await startDelayBackend(DELAY_MS);
  const floorBackend = await startDelayBackend(0);
  try {
    console.log(`2. fidelity: backend (its own process) with a fixed ${DELAY_MS} ms delay, ${FIDELITY_CONNECTIONS} connections; expected p50 = the delay the server really applied (p50) + the same tool's no-delay floor at the same rate`);
    console.log('   tool         load  rate    reported p50/p99 ms   server-applied p50   floor p50   expected p50   p50 error   validity');
    const one = { sources: SOURCES.slice(0, 1) };
    const row = (tool: string, share: number, rate: number, p50: number, p99: number | null, applied: number, floor: number, validity: string) => {
      const expected = applied + floor;
      const err = ((p50 - expected) / expected) * 100;
      if (share === 0.5) errors.set(tool, err);
      console.log(
        `   ${tool.padEnd(12)} ${`${share * 100}%`.padEnd(5)} ${String(rate).padEnd(7)} ${`${fmt(p50, 3)} / ${fmt(p99, 3)}`.padEnd(21)} ${fmt(applied, 3).padStart(18)}   ${fmt(floor, 3).padStart(9)}   ${fmt(expected, 3).padStart(12)}   ${`${fmt(err, 2)}%`.padStart(9)}   ${validity}`,
      );
    };
    // The built-in driver at 5% (CPU to spare), 50% and 80% (near the machine's limit) of its ceiling.
    const builtinCeil = ceilingOf('builtin') ?? (await builtinCeiling(backend.port)).rps;
    for (const share of [0.05, 0.5, 0.8]) {
      const rate = Math.round(builtinCeil * share);
      const open = (port: number) => plan(port, { ...one, executor: { kind: 'constant-arrival-rate', rate, durationS: SECONDS }, maxConnections: FIDELITY_CONNECTIONS });
      await backend.applied();
      const o = (await builtinRun(open(backend.port))).out;
      const applied = await backend.applied();
      const f = (await builtinRun(open(floorBackend.port))).out;
      row('builtin', share, rate, o.latencyMs.p50, o.latencyMs.p99, applied, f.latencyMs.p50, verdict(o));
    }
    const k6Ceil = ceilingOf('k6');
    if (k6Ceil) {
      const rate = Math.round(k6Ceil * 0.5);
      const sc = { executor: 'constant-arrival-rate', rate, timeUnit: '1s', duration: `${SECONDS}s`, preAllocatedVUs: FIDELITY_CONNECTIONS, maxVUs: FIDELITY_CONNECTIONS };
      await backend.applied();
      const o = (await k6Plain(backend.port, sc))!;
      const applied = await backend.applied();
      const f = (await k6Plain(floorBackend.port, sc))!;
      row('k6', 0.5, rate, o.p50!, null, applied, f.p50!, 'k6\'s own median (exact, from every sample)');
    }
    const acCeil = ceilingOf('autocannon');
    if (acCeil) {
      const rate = Math.round(acCeil * 0.5);
      await backend.applied();
      const o = (await autocannon(backend.port, ['-R', String(rate)], FIDELITY_CONNECTIONS))!;
      const applied = await backend.applied();
      const f = (await autocannon(floorBackend.port, ['-R', String(rate)], FIDELITY_CONNECTIONS))!;
      row('autocannon', 0.5, rate, o.p50!, null, applied, f.p50!, 'autocannon records whole milliseconds');
    }
    console.log('   wrk          n/a: wrk has no arrival-rate mode (wrk2 adds one), so it cannot run at a set share of its ceiling\n');
  } finally {
    backend.stop();
    floorBackend.stop();
  }

}

async function main(): Promise<void> {
  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`bench/driver.ts on ${os.cpus().length} cores, Node ${process.version}, load average ${load} at the start; ${SECONDS} s per ceiling run, ${CONNECTIONS} connections for every tool\n`);
  const ceilings = new Map<Tool, Measured[]>();

  // 1. Shootout against nginx.
  const nginx = section('shootout') ? await startNginx() : null;
  if (!section('shootout')) console.log('1. shootout: not run (--only)\n');
  else if (!nginx) console.log('nginx is not installed: shootout skipped (make setup installs it; exposure-lab doctor)\n');
  else {
    try {
      const tools: Array<[Tool, () => Promise<Measured | null>]> = [
        ['builtin', () => builtinCeiling(nginx.port)],
        ['k6', () => k6Ceiling(nginx.port)],
        ['wrk', () => wrkCeiling(nginx.port)],
        ['autocannon', () => autocannon(nginx.port, [])],
        ['undici Pool', () => undiciCeiling(nginx.port)],
        ['k6 (as the lab runs it)', () => k6LabCeiling(nginx.port)],
      ];
      for (const [name] of tools) ceilings.set(name, []);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [name, measure] of tools) {
          const m = await measure();
          if (m) ceilings.get(name)!.push(m);
        }
      }
      console.log(`1. shootout: ceiling against nginx (1 worker) on loopback, closed loop, keep-alive, ${CONNECTIONS} connections; median of ${ROUNDS} interleaved rounds`);
      console.log('   tool                       max req/s   min..max          CPU s   req/s per CPU-s   peak RSS');
      for (const [name, xs] of ceilings) {
        if (!xs.length) {
          console.log(`   ${name.padEnd(26)} not installed`);
          continue;
        }
        const rps = xs.map((x) => x.rps);
        const perCpu = xs.map((x) => x.rps * SECONDS / x.cpuS);
        console.log(
          `   ${name.padEnd(26)} ${fmt(median(rps)).padStart(9)}   ${`${fmt(Math.min(...rps))}..${fmt(Math.max(...rps))}`.padEnd(16)} ${fmt(median(xs.map((x) => x.cpuS)), 2).padStart(6)}   ${fmt(median(perCpu)).padStart(15)}   ${Number.isFinite(xs[0].rssMB) ? `${fmt(Math.max(...xs.map((x) => x.rssMB)), 1)} MB` : 'n/a'}`,
        );
      }
      console.log('   (CPU: kernel time of the tool\'s process incl. start-up; the built-in driver and undici run in this process, whose RSS includes the benchmark itself; "as the lab runs it" adds streaming every raw sample to the lab and the lab reading them)\n');
    } finally {
      nginx.stop();
    }
  }
  const ceilingOf = (t: Tool) => median((ceilings.get(t) ?? []).map((x) => x.rps));
  const errors = new Map<string, number>();
  const perCpuOf = (t: Tool) => median((ceilings.get(t) ?? []).map((x) => (x.rps * SECONDS) / x.cpuS));

  // 2. Fidelity against a known delay, each tool at 50% of its own ceiling.
  if (section('fidelity')) await fidelity(ceilingOf, errors);
  else console.log('2. fidelity: not run (--only)\n');

  // 3. Goals.
  const goal = (label: string, value: number | null, target: number, higherIsBetter = true) => {
    const ok = value !== null && Number.isFinite(value) && (higherIsBetter ? value >= target : Math.abs(value) <= target);
    console.log(`   ${label.padEnd(58)} ${fmt(value, 2).padStart(7)}   goal ${higherIsBetter ? '>=' : '<='} ${target}   ${value === null ? 'NOT MEASURED' : ok ? 'met' : 'MISSED'}`);
  };
  const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? a / b : null);
  if (section('shootout')) {
    console.log('3. goals (ratios within this one run)');
    goal('built-in / k6, req/s per CPU-second', ratio(perCpuOf('builtin'), perCpuOf('k6')), 3);
    goal('built-in / k6 as the lab runs it, req/s per CPU-second', ratio(perCpuOf('builtin'), perCpuOf('k6 (as the lab runs it)')), 3);
    goal('built-in / wrk, max req/s', ratio(ceilingOf('builtin'), ceilingOf('wrk')), 0.6);
    goal('built-in p50 error at 50% of its ceiling, %', errors.get('builtin') ?? null, 2, false);
    console.log(`   for reference: k6 p50 error ${fmt(errors.get('k6'), 2)}%, autocannon ${fmt(errors.get('autocannon'), 2)}%; built-in / autocannon max req/s ${fmt(ratio(ceilingOf('builtin'), ceilingOf('autocannon')), 2)}\n`);
  }

  // 4. Memory over a steady run.
  if (!section('memory')) return;
  const mem = await startDelayBackend(0);
  try {
    const rss: number[] = [];
    const sampler = setInterval(() => rss.push(process.memoryUsage.rss()), 1000);
    const o = await runBuiltinLoad(plan(mem.port, { executor: { kind: 'constant-arrival-rate', rate: SOAK_RATE, durationS: SOAK_S }, warmupS: 0, maxConnections: 256 }));
    clearInterval(sampler);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MB`;
    console.log(`4. memory: built-in driver, ${SOAK_S} s at ${SOAK_RATE} req/s over ${SOURCES.length} rotating sources (${o.requests} requests, ${verdict(o)})`);
    console.log(`   RSS start ${mb(rss[0])}  max ${mb(Math.max(...rss))}  end ${mb(rss[rss.length - 1])}  (${rss.length} samples, 1 s apart; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} at the end)`);
  } finally {
    mem.stop();
  }
}

await main();
