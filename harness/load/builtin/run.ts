// Main-thread side of the built-in driver: starts the workers, merges their interval reports exactly,
// and turns them into a LoadOutcome with an honest validity verdict.
import { Worker } from 'node:worker_threads';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { LoadOutcome, LoadPlan } from '../types.ts';
import type { ThroughputPoint } from '../../result/types.ts';
import { decodeHistogram, encodeHistogram, mergeHistograms, newHistogram, summarize, type Histogram } from '../histogram.ts';
import { addReport, emptyReport, type IntervalReport } from './interval-report.ts';
import { measuredDurationS, targetRps } from './schedule.ts';
import type { FromWorker, ToWorker, WorkerInit } from './load-worker.ts';
import { judge } from './validity.ts';
import { startProgress } from './progress.ts';
import { isLoopback } from '../../lib/cidr.ts';

/** Workers boot a TypeScript loader; on a loaded 2-core machine this can take seconds. */
const BOOT_TIMEOUT_MS = 30_000;
/** After a stop request, workers get this long to report before they are terminated. */
const STOP_GRACE_MS = 2_000;
/** Gap between the start message and the first intended send, so all workers start on the same clock. */
const START_DELAY_MS = 50;

export interface BuiltinOptions {
  signal?: AbortSignal;
}

export async function runBuiltinLoad(plan: LoadPlan, opts: BuiltinOptions = {}): Promise<LoadOutcome> {
  checkPlan(plan);
  const count = plan.workers > 0 ? plan.workers : Math.max(1, os.availableParallelism() - 1);
  const intervals = new Map<number, { report: IntervalReport; hists: Histogram[] }>();
  const live = newHistogram();
  let doneCount = 0;
  let onAllDone: () => void = () => {};
  const allDone = new Promise<void>((resolve) => (onAllDone = resolve));

  const workers: Worker[] = [];
  const ready: Array<Promise<void>> = [];
  let failure: Error | null = null;
  for (let index = 0; index < count; index++) {
    const w = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), {
      workerData: { plan, index, count } satisfies WorkerInit,
    });
    workers.push(w);
    ready.push(
      new Promise<void>((resolve, reject) => {
        w.on('message', (m: FromWorker) => {
          if (m.type === 'ready') resolve();
          else if (m.type === 'interval') {
            const hist = decodeHistogram({ encoding: 'hdr-base64', unit: 'us', data: m.report.hist });
            live.add(hist);
            const slot = intervals.get(m.report.idx) ?? { report: emptyReport(m.report.idx), hists: [] };
            addReport(slot.report, m.report);
            slot.hists.push(hist);
            intervals.set(m.report.idx, slot);
          } else if (++doneCount === count) onAllDone();
        });
        w.on('error', (err) => {
          failure ??= err;
          reject(err);
          onAllDone();
        });
      }),
    );
  }
  const terminateAll = () => Promise.all(workers.map((w) => w.terminate()));
  try {
    await withTimeout(Promise.all(ready), BOOT_TIMEOUT_MS, 'load workers did not start');
  } catch (e) {
    await terminateAll();
    throw e;
  }

  const cpu0 = process.cpuUsage();
  const startAtEpochMs = performance.timeOrigin + performance.now() + START_DELAY_MS;
  const stopProgress = startProgress(plan.progress, () => {
    const elapsedS = (performance.timeOrigin + performance.now() - startAtEpochMs) / 1000;
    let responses = 0;
    let errors = 0;
    for (const { report } of intervals.values()) {
      responses += report.responses;
      errors += report.errors;
    }
    const measuredS = elapsedS - plan.warmupS;
    return { elapsedS, rps: measuredS > 0 ? responses / measuredS : 0, p99Ms: summarize(live).p99, errors };
  });
  for (const w of workers) w.postMessage({ type: 'start', startAtEpochMs } satisfies ToWorker);

  let interrupted = false;
  const onAbort = () => {
    interrupted = true;
    for (const w of workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
  };
  if (opts.signal?.aborted) onAbort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });

  const plannedMs = (plan.warmupS + measuredDurationS(plan.executor)) * 1000 + plan.timeoutMs + START_DELAY_MS;
  try {
    // Normally every worker reports done; the deadline only guards against a wedged worker.
    const finished = await Promise.race([allDone.then(() => true), sleep(plannedMs + 10_000).then(() => false)]);
    if (!finished && !interrupted) {
      onAbort();
      await Promise.race([allDone, sleep(STOP_GRACE_MS)]);
    } else if (interrupted) {
      await Promise.race([allDone, sleep(STOP_GRACE_MS)]);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    stopProgress();
  }
  const endEpochMs = performance.timeOrigin + performance.now();
  const cpu = process.cpuUsage(cpu0);
  await terminateAll();
  if (failure) throw failure;

  const wallMs = endEpochMs - startAtEpochMs;
  const driverCpuPercent = ((cpu.user + cpu.system) / 1000 / wallMs / os.availableParallelism()) * 100;
  const plannedS = measuredDurationS(plan.executor);
  const durationS = interrupted ? clamp((endEpochMs - startAtEpochMs) / 1000 - plan.warmupS, 0, plannedS) : plannedS;
  return buildOutcome(plan, intervals, durationS, driverCpuPercent, interrupted);
}

function buildOutcome(
  plan: LoadPlan,
  intervals: Map<number, { report: IntervalReport; hists: Histogram[] }>,
  durationS: number,
  driverCpuPercent: number,
  interrupted: boolean,
): LoadOutcome {
  const total = emptyReport(0);
  let maxConcurrent = 0;
  const throughput: ThroughputPoint[] = [];
  const ordered = [...intervals.values()].sort((a, b) => a.report.idx - b.report.idx);
  for (const { report, hists } of ordered) {
    addReport(total, report);
    maxConcurrent = Math.max(maxConcurrent, report.maxConnections);
    const start = report.idx * plan.intervalS;
    const length = Math.min(plan.intervalS, Math.max(durationS - start, 0));
    if (length <= 0) continue;
    throughput.push({
      t: start + length,
      rps: report.responses / length,
      ...pick(summarize(mergeHistograms(hists))),
      errors: report.errors,
    });
  }
  const hist = mergeHistograms(ordered.flatMap((s) => s.hists));
  const closedModel = plan.executor.kind === 'constant-vus';
  const target = targetRps(plan.executor);
  const achievedRps = durationS > 0 ? total.responses / durationS : 0;
  const transportErrors = total.errors - total.errorsByKind.status4xx - total.errorsByKind.status5xx;
  const requests = total.responses + transportErrors;
  const observedOther = Object.entries(total.ipOther)
    .map(([ip, count]) => ({ ip, count }))
    .sort((a, b) => b.count - a.count)
    .slice(0, 10);
  return {
    driver: 'builtin',
    executor: plan.executor.kind,
    closedModel,
    targetRps: target,
    achievedRps,
    durationS,
    requests,
    errors: total.errors,
    errorsByKind: total.errorsByKind,
    latencyMs: summarize(hist),
    histogram: encodeHistogram(hist),
    throughput,
    bytesSent: total.bytesSent,
    bytesReceived: total.bytesReceived,
    newConnections: total.newConnections,
    maxConcurrentConnections: maxConcurrent,
    clientIp: { checked: total.ipChecked, retained: total.ipRetained, observedOther },
    tallies: total.tallies,
    validity: judge({
      closedModel,
      targetRps: target,
      achievedRps,
      scheduled: requests + total.unsent,
      errors: total.errors,
      late: total.late,
      unsent: total.unsent,
      maxSendLagMs: total.maxLagMs,
      driverCpuPercent,
      interrupted,
      // Lateness is judged against the latencies this run measured (the bias a late send can cause).
      latencyAtMs: hist.totalCount > 0 ? (q: number) => hist.getValueAtPercentile(q * 100) / 1000 : undefined,
    }),
    interrupted,
  };
}

function checkPlan(plan: LoadPlan): void {
  const problems: string[] = [];
  // No sources: the operating system picks the source address (a run from outside this lab, e.g. against EKS).
  for (const s of plan.sources) if (!isLoopback(s)) problems.push(`source ${s} is not in 127.0.0.0/8`);
  if (!(plan.requestsPerSource >= 1)) problems.push('requestsPerSource must be >= 1');
  if (!(plan.intervalS > 0)) problems.push('intervalS must be > 0');
  if (!(plan.timeoutMs > 0)) problems.push('timeoutMs must be > 0');
  if (!(plan.maxConnections >= 1)) problems.push('maxConnections must be >= 1');
  if (problems.length > 0) throw new Error(`invalid load plan:\n  - ${problems.join('\n  - ')}`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** The per-interval percentiles kept in the timeline (the regression gate ranks them across intervals). */
function pick(l: { p50: number; p99: number }): { p50Ms: number; p99Ms: number } {
  return { p50Ms: l.p50, p99Ms: l.p99 };
}
