// Runs k6 for a plan on this machine: one k6 process, or N started the way the k6-operator starts its runner
// pods. Each runner gets the operator's execution segment for its index (segments.ts), its own slice of the
// source addresses (--local-ips), a REST API on loopback and --paused; once every runner reports it is paused
// and ready, the lab un-pauses them all at once through that API (the operator's starter does the same
// PATCH /v1/status from its curl pod). Each runner streams every raw sample on stdout (--out csv), read as
// it arrives (samples.ts) and merged exactly (outcome.ts).
//
// k6 is the pinned v2 (infra/tools/tools.yaml) from harness/tools; anything else is refused with what to
// install. Runners run in their own process group, so a terminal's Ctrl-C reaches only the lab, which stops
// each runner with one SIGINT (k6 then stops gracefully, flushes its samples and exits; a second SIGINT would
// make it drop them), and SIGKILLs what is left after a grace period or when the lab itself exits.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { LoadOutcome, LoadPlan } from '../types.ts';
import { measuredDurationS } from '../builtin/schedule.ts';
import { writeK6Script, LOCAL_IPS_ENV } from './script.ts';
import { K6SampleReader } from './samples.ts';
import { outcomeFromRunners, type RunnerRun } from './outcome.ts';
import { operatorSegments, splitSources } from './segments.ts';
import { toolStatus } from '../../tools/registry.ts';
import { UserError } from '../../lib/errors.ts';

/** The image the k6-operator's runner pods run: the grafana/k6 release of the pinned version. */
export function k6Image(version: string): string {
  return `grafana/k6:${version}`;
}

/** The flags of the raw sample stream: every sample on stdout as CSV, times in microseconds. */
export const CSV_STDOUT_ARGS = ['--out', 'csv=fileName=-,timeFormat=unix_micro'];

export interface K6RunOptions {
  signal?: AbortSignal;
  scenario?: string;
  /** How many k6 processes share the load, with the k6-operator's segments (default 1). */
  runners?: number;
  /** Extra k6 run flags, after the lab's. */
  extraArgs?: string[];
  /** Run this script instead of the generated one. */
  script?: string;
  /** Keep each runner's raw stdout here as runner-<i>.csv, and its stderr as runner-<i>.stderr. */
  rawDir?: string;
  /** Progress and runner events. */
  log?: (line: string) => void;
  /** Each runner's pid once spawned. */
  onRunnerStart?: (r: { runner: string; pid: number }) => void;
  /** How long runners may take to initialize their VUs and report ready (default 120 s). */
  readyTimeoutMs?: number;
}

export interface K6Binary {
  path: string;
  version: string;
}

/** The pinned k6, or a UserError saying what was found and what to install. */
export async function requireK6(): Promise<K6Binary> {
  const st = await toolStatus('k6');
  if (st.state === 'ok' && st.path && st.version) return { path: st.path, version: st.version };
  const hint = `install it with ${st.installHint}; \`exposure-lab doctor\` shows what is found; or use --driver builtin`;
  if (st.state === 'wrong-version') {
    throw new UserError(
      `k6 at ${st.path} is ${st.version ? `v${st.version}` : 'of unknown version'}, and the k6 driver needs k6 v${st.needed} (k6 v2 changed the flags and summary the lab uses; v1 and older are not supported)`,
      hint,
    );
  }
  throw new UserError(`k6 is not installed: the k6 driver needs k6 v${st.needed}`, hint);
}

/** "k6 v2.2.0", or null when the pinned k6 is not here. */
export async function k6Version(): Promise<string | null> {
  const st = await toolStatus('k6');
  return st.state === 'ok' && st.version ? `v${st.version}` : null;
}

const EXIT_NAMES: Record<number, string> = {
  97: 'cloud test run failed',
  99: 'thresholds failed',
  100: 'setup timeout',
  101: 'teardown timeout',
  103: 'stopped from the REST API',
  104: 'invalid configuration',
  105: 'aborted by a signal',
  106: 'cannot start the REST API',
  107: 'script exception',
  108: 'script aborted',
  109: 'Go panic',
  110: 'marked as failed',
  255: 'command-line error',
};

/** k6's exits that still leave a result: 0, and 99 (a threshold such as the p99 gate failed). */
const RESULT_EXITS = new Set([0, 99]);
const STDERR_TAIL = 25;
const STOP_GRACE_MS = 10_000;
const CPU_POLL_MS = 500;
const CLK_TCK = 100; // Linux USER_HZ

interface Runner {
  name: string;
  index: number;
  segment: string | null;
  share: number;
  sources: string[];
  port: number;
  child: ChildProcess;
  reader: K6SampleReader;
  raw: WriteStream | null;
  rawErr: WriteStream | null;
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exit: { code: number | null; signal: NodeJS.Signals | null } | null;
  streamError: string | null;
  cpuAtStartTicks: number | null;
  cpuLastTicks: number | null;
  stopping: boolean;
}

function exitText(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  if (e.signal) return `was killed by ${e.signal}`;
  const name = e.code !== null ? EXIT_NAMES[e.code] : undefined;
  return `exited with code ${e.code}${name ? ` (${name})` : ''}`;
}

function stderrTail(r: Runner, lines = 8): string {
  const tail = r.stderr.filter((l) => l.trim()).slice(-lines);
  return tail.length ? `\nk6 said (last ${tail.length} lines of its stderr):\n  ${tail.join('\n  ')}` : ' (k6 printed nothing on stderr)';
}

async function freeLoopbackPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve, reject) => s.once('error', reject).listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function cpuTicks(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return null;
  }
}

async function api(r: Runner, method: 'GET' | 'PATCH', body?: unknown): Promise<{ status?: number; paused?: boolean }> {
  const res = await fetch(`http://127.0.0.1:${r.port}/v1/status`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) throw new Error(`k6 REST API of ${r.name} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  const doc = (await res.json()) as { data?: { attributes?: { status?: number; paused?: boolean } } };
  return doc.data?.attributes ?? {};
}

/** k6's execution status 4 is "paused before run": VUs initialized, waiting for the un-pause. */
const PAUSED_BEFORE_RUN = 4;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runK6(plan: LoadPlan, opts: K6RunOptions = {}): Promise<LoadOutcome> {
  const k6 = await requireK6();
  const log = opts.log ?? (() => {});
  const n = opts.runners ?? 1;
  const segments = operatorSegments(n);
  const sourceSets = plan.sources.length ? splitSources(plan.sources, n) : segments.map(() => []);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exposure-lab-k6-'));
  const runners: Runner[] = [];
  const killAll = () => {
    for (const r of runners) if (!r.exit) r.child.kill('SIGKILL');
  };
  // Whatever happens to the lab, no k6 outlives it.
  process.once('exit', killAll);
  let interrupted = false;
  const stopAll = () => {
    for (const r of runners) {
      if (r.exit || r.stopping) continue;
      r.stopping = true;
      r.child.kill('SIGINT');
    }
    setTimeout(killAll, STOP_GRACE_MS).unref();
  };
  const onAbort = () => {
    interrupted = true;
    log('k6: stopping every runner (SIGINT), keeping what they measured');
    stopAll();
  };
  let cpuTimer: NodeJS.Timeout | undefined;
  try {
    const scriptPath = path.join(dir, 'script.js');
    await fs.writeFile(scriptPath, opts.script ?? writeK6Script(plan, { scenario: opts.scenario ?? 'adhoc', runners: n }));
    if (opts.rawDir) await fs.mkdir(opts.rawDir, { recursive: true });
    if (opts.signal?.aborted) throw new Error('k6 run aborted before it started');
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    for (const seg of segments) {
      const name = `runner-${seg.index}`;
      const sources = sourceSets[seg.index - 1];
      const port = await freeLoopbackPort();
      const args = [
        'run',
        '--quiet',
        '--no-usage-report',
        '--no-color',
        ...seg.args,
        ...(sources.length ? [`--local-ips=${sources.join(',')}`, '-e', `${LOCAL_IPS_ENV}=${sources.join(',')}`] : []),
        ...CSV_STDOUT_ARGS,
        '--address',
        `127.0.0.1:${port}`,
        '--paused',
        ...(opts.extraArgs ?? []),
        scriptPath,
      ];
      // Own process group (detached): a terminal's Ctrl-C goes to the lab only, which stops k6 once.
      const child = spawn(k6.path, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const r: Runner = {
        name,
        index: seg.index,
        segment: seg.segment,
        share: seg.share,
        sources,
        port,
        child,
        reader: new K6SampleReader({ intervalS: plan.intervalS }),
        raw: opts.rawDir ? createWriteStream(path.join(opts.rawDir, `${name}.csv`)) : null,
        rawErr: opts.rawDir ? createWriteStream(path.join(opts.rawDir, `${name}.stderr`)) : null,
        stderr: [],
        exit: null,
        exited: new Promise((resolve) => {
          child.once('error', (e) => {
            r.streamError = `could not start ${k6.path}: ${e.message}`;
            resolve({ code: null, signal: null });
          });
          child.once('close', (code, signal) => resolve({ code, signal }));
        }),
        streamError: null,
        cpuAtStartTicks: null,
        cpuLastTicks: null,
        stopping: false,
      };
      r.exited.then((e) => (r.exit = e));
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (chunk: string) => {
        r.raw?.write(chunk);
        try {
          r.reader.push(chunk);
        } catch (e) {
          r.streamError ??= (e as Error).message;
        }
      });
      let partial = '';
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (chunk: string) => {
        r.rawErr?.write(chunk);
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const l of lines) {
          r.stderr.push(l);
          if (r.stderr.length > STDERR_TAIL) r.stderr.shift();
          r.reader.logLine(l);
        }
      });
      runners.push(r);
      if (child.pid) opts.onRunnerStart?.({ runner: name, pid: child.pid });
    }
    log(`k6 v${k6.version}: ${n} runner${n > 1 ? 's' : ''} initializing (${segments.map((s) => s.segment ?? 'whole test').join(', ')})`);

    // Ready: every runner paused before its run, its VUs initialized. A runner that exits first failed to start.
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
    for (const r of runners) {
      for (;;) {
        if (interrupted) break;
        if (r.exit) {
          stopAll();
          throw new Error(`k6 ${r.name} ${exitText(r.exit)} before it started${r.streamError ? `: ${r.streamError}` : ''}${stderrTail(r)}`);
        }
        const st = await api(r, 'GET').catch(() => null);
        if (st?.status === PAUSED_BEFORE_RUN) break;
        if (Date.now() > deadline) {
          stopAll();
          throw new Error(`k6 ${r.name} was not ready within ${Math.round((opts.readyTimeoutMs ?? 120_000) / 1000)} s (its VUs were still initializing)${stderrTail(r)}`);
        }
        await sleep(50);
      }
    }
    if (interrupted) throw new Error('k6 run aborted before it started');

    // Start together: un-pause every runner at once, as the operator's starter does.
    for (const r of runners) r.cpuAtStartTicks = cpuTicks(r.child.pid);
    const labCpu0 = process.cpuUsage();
    const startedUs = Date.now() * 1000;
    const resume = await Promise.allSettled(runners.map((r) => api(r, 'PATCH', { data: { type: 'status', id: 'default', attributes: { paused: false } } })));
    const startSpreadMs = Date.now() - startedUs / 1000;
    resume.forEach((x, i) => {
      if (x.status === 'rejected') runners[i].streamError ??= `could not be started through its REST API: ${(x.reason as Error).message}`;
    });
    const anchorUs = startedUs + plan.warmupS * 1e6;
    for (const r of runners) r.reader.s.anchorUs = anchorUs;
    log(`k6: ${n} runner${n > 1 ? 's' : ''} started together (un-paused within ${startSpreadMs.toFixed(0)} ms)`);

    cpuTimer = setInterval(() => {
      for (const r of runners) if (!r.exit) r.cpuLastTicks = cpuTicks(r.child.pid) ?? r.cpuLastTicks;
    }, CPU_POLL_MS);
    // A runner still running long after the plan's end is stuck: stop it, and it is named in the result.
    const plannedS = plan.warmupS + measuredDurationS(plan.executor) + Math.ceil(plan.timeoutMs / 1000) + 1;
    const watchdog = setTimeout(() => {
      for (const r of runners) if (!r.exit) r.streamError ??= `still running ${plannedS + 30} s after the start, ${30} s past its planned end: stopped`;
      stopAll();
    }, (plannedS + 30) * 1000);
    watchdog.unref();
    await Promise.all(runners.map((r) => r.exited));
    clearTimeout(watchdog);
    const endUs = Date.now() * 1000;
    const labCpu = process.cpuUsage(labCpu0);

    const cores = os.availableParallelism();
    const runs: RunnerRun[] = runners.map((r) => {
      const samples = r.reader.end();
      const e = r.exit ?? { code: null, signal: null };
      const stopped = interrupted && (e.code === 105 || e.signal === 'SIGINT' || e.signal === 'SIGKILL' || RESULT_EXITS.has(e.code ?? -1));
      let failure: string | null = null;
      if (r.streamError) failure = `${r.streamError}${stderrTail(r, 4)}`;
      else if (!stopped && !RESULT_EXITS.has(e.code ?? -1)) failure = `k6 ${exitText(e)}${stderrTail(r, 4)}`;
      const cpu = r.cpuAtStartTicks !== null && r.cpuLastTicks !== null ? (r.cpuLastTicks - r.cpuAtStartTicks) / CLK_TCK : undefined;
      return { runner: r.name, segment: r.segment, share: r.share, sources: r.sources.length, samples, failure, interrupted: stopped && !failure, cpuSeconds: cpu };
    });
    const elapsedS = (endUs - startedUs) / 1e6;
    // The driver is k6 and this process reading its samples, as the built-in driver's CPU is its whole process.
    const cpuS = runs.reduce((a, r) => a + (r.cpuSeconds ?? 0), 0) + (labCpu.user + labCpu.system) / 1e6;
    const driverCpuPercent = runs.every((r) => r.cpuSeconds !== undefined) && elapsedS > 0 ? (cpuS / elapsedS / cores) * 100 : undefined;
    return outcomeFromRunners(plan, runs, { driver: `k6 v${k6.version}`, interrupted, driverCpuPercent, anchorUs, elapsedS });
  } finally {
    clearInterval(cpuTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (runners.some((r) => !r.exit)) {
      stopAll();
      await Promise.race([Promise.all(runners.map((r) => r.exited)), sleep(STOP_GRACE_MS + 1000)]);
    }
    killAll();
    process.removeListener('exit', killAll);
    await Promise.all(runners.flatMap((r) => [r.raw, r.rawErr].map((w) => (w ? new Promise((res) => w.end(res)) : null))));
    await fs.rm(dir, { recursive: true, force: true });
  }
}
