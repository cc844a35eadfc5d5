// Past one machine: the k6-operator runs the same script on N runner pods (TestRun, parallelism N), each with
// the execution segment of its index (segments.ts). k6 aggregates nothing across runners, so the lab merges the
// runners' raw samples itself (outcome.ts).
//
// How the samples come home: every runner streams its samples on stdout (`--out csv`, the same stream a
// local runner gives), so they are in the runner pod's log. The lab follows each runner pod's log from the
// moment its container runs until it exits (following, not reading afterwards, so kubelet log rotation cannot
// drop the beginning of a long run), reads it with the same reader as local stdout, checks every runner's
// sample count against the count k6 itself prints last, and only then deletes the TestRun. The TestRun has
// no `cleanup: post`, because the operator would delete the pods, and their logs, as soon as the runners
// finish. A runner whose stream is cut, or that failed or lagged, is named and the run marked incomplete.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LoadOutcome, LoadPlan } from '../types.ts';
import { writeK6Script, type K6ScriptMeta } from './script.ts';
import { CSV_STDOUT_ARGS, k6Image } from './run.ts';
import { K6SampleReader } from './samples.ts';
import { outcomeFromRunners, type RunnerRun } from './outcome.ts';
import { operatorSegments } from './segments.ts';
import { loadManifest } from '../../tools/manifest.ts';

const SCHEMA_URL = new URL('../../../infra/k6-operator/testrun.schema.json', import.meta.url);
let testRunSchema: z.ZodType | null = null;

/** The runner pods' labels the operator sets (its jobs.newLabels plus runner=true). */
export function runnerSelector(name: string): string {
  return `app=k6,k6_cr=${name},runner=true`;
}

export interface TestRunOptions {
  name: string;
  namespace?: string;
  parallelism: number;
  /** Put each runner on its own node: the operator's `separate` (it sets the anti-affinity itself). */
  separateNodes?: boolean;
  nodeSelector?: Record<string, string>;
  image?: string;
}

/** The ConfigMap holding the script and the TestRun that runs it. */
export function testRunManifests(plan: LoadPlan, meta: K6ScriptMeta, opts: TestRunOptions): [Record<string, unknown>, Record<string, unknown>] {
  const file = 'test.js';
  const metadata = { name: opts.name, ...(opts.namespace ? { namespace: opts.namespace } : {}), labels: { 'app.kubernetes.io/part-of': 'exposure-lab' } };
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { [file]: writeK6Script(plan, { ...meta, runners: opts.parallelism }) } };
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata,
    spec: {
      parallelism: opts.parallelism,
      separate: opts.separateNodes ?? true,
      script: { configMap: { name: opts.name, file } },
      // Every sample on stdout, so it reaches the lab through the pod log (see the header comment).
      arguments: [...CSV_STDOUT_ARGS, '--no-color'].join(' '),
      quiet: 'true',
      runner: {
        image: opts.image ?? k6Image(loadManifest().tools.k6.version),
        metadata: { labels: { 'exposure-lab/testrun': opts.name } },
        ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
      },
    },
  };
  return [configMap, testRun];
}

/**
 * Problems with a TestRun document against infra/k6-operator/testrun.schema.json (empty when valid). That schema
 * is hand-written from the operator's documented CRD (the k6-operator module is not served here, so its CRD
 * cannot be generated); it is stricter than the CRD so a typo fails here rather than in a cluster.
 */
export function validateTestRun(doc: unknown): string[] {
  testRunSchema ??= z.fromJSONSchema(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
  const r = testRunSchema.safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/** A runner pod as the collector needs it. */
export interface RunnerPod {
  name: string;
  /** The operator's runner index, from the Job name <testrun>-<index>. */
  index: number;
  /** The k6 container: not yet started, running, or exited with a code. */
  state: 'waiting' | 'running' | 'terminated';
  exitCode?: number;
  reason?: string;
}

/** What the collector asks of a cluster; kubeTestRunApi implements it with @kubernetes/client-node. */
export interface TestRunApi {
  runnerPods(): Promise<RunnerPod[]>;
  /** The TestRun's status.stage (initialization ... finished, error), undefined when unset or gone. */
  stage(): Promise<string | undefined>;
  /** Follows the k6 container's log from its start; resolves when the container exits and the stream ends. */
  followLog(pod: string, onChunk: (text: string) => void, signal: AbortSignal): Promise<void>;
  /** Deletes the TestRun and the script ConfigMap (the operator then deletes the jobs and pods). */
  deleteTestRun(): Promise<void>;
}

export interface CollectOptions {
  plan: LoadPlan;
  parallelism: number;
  /** "v2.2.0": the runner image's k6 version, recorded as the driver. */
  k6Version: string;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Give up when the runners have not all finished by then (default: the plan's length + 5 minutes). */
  timeoutMs?: number;
  pollMs?: number;
}

/**
 * Follows every runner pod's log until its container exits, then deletes the TestRun (always, also on failure
 * or abort) and returns the merged outcome. The caller has applied the ConfigMap and TestRun already.
 */
export async function collectTestRun(api: TestRunApi, o: CollectOptions): Promise<LoadOutcome> {
  const log = o.log ?? (() => {});
  const segments = operatorSegments(o.parallelism);
  const readers = new Map<number, K6SampleReader>(segments.map((s) => [s.index, new K6SampleReader({ intervalS: o.plan.intervalS })]));
  const follows = new Map<number, Promise<string | null>>();
  const pods = new Map<number, RunnerPod>();
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const planS = o.plan.warmupS + (o.plan.executor.kind === 'ramping-arrival-rate' ? o.plan.executor.stages.reduce((a, s) => a + s.durationS, 0) : o.plan.executor.durationS);
  const timeoutMs = o.timeoutMs ?? (planS + 300) * 1000;
  const deadline = Date.now() + timeoutMs;
  let problem: string | null = null;
  try {
    for (;;) {
      if (stop.signal.aborted) break;
      for (const p of await api.runnerPods()) {
        if (!readers.has(p.index)) continue;
        pods.set(p.index, p);
        if (p.state !== 'waiting' && !follows.has(p.index)) {
          const reader = readers.get(p.index)!;
          log(`k6-operator: following the log of runner pod ${p.name}`);
          follows.set(
            p.index,
            api.followLog(p.name, (t) => reader.push(t), stop.signal).then(
              () => null,
              (e: Error) => `its log stream failed: ${e.message}`,
            ),
          );
        }
      }
      const stage = await api.stage();
      const allDone = segments.every((s) => pods.get(s.index)?.state === 'terminated' && follows.has(s.index));
      if (allDone) break;
      if (stage === 'error') {
        problem = 'the TestRun reached stage "error" (see the operator\'s log and the initializer pod)';
        break;
      }
      if (Date.now() > deadline) {
        problem = `runners had not all finished after ${Math.round(timeoutMs / 1000)} s`;
        break;
      }
      await new Promise((r) => setTimeout(r, o.pollMs ?? 2000));
    }
    const streamErrors = new Map<number, string | null>();
    for (const [i, f] of follows) streamErrors.set(i, await f);
    const runs: RunnerRun[] = segments.map((seg) => {
      const pod = pods.get(seg.index);
      const samples = readers.get(seg.index)!.end();
      const name = pod?.name ?? `runner ${seg.index} (no pod)`;
      let failure: string | null = null;
      if (!pod) failure = problem ?? 'its pod never appeared';
      else if (!follows.has(seg.index)) failure = problem ?? `its container never ran (${pod.reason ?? 'waiting'})`;
      else if (streamErrors.get(seg.index)) failure = streamErrors.get(seg.index)!;
      else if (pod.state === 'terminated' && pod.exitCode !== 0 && pod.exitCode !== 99) {
        const tail = samples.logTail.slice(-4);
        failure = `k6 exited with code ${pod.exitCode}${pod.reason ? ` (${pod.reason})` : ''}${tail.length ? `; its log ends with: ${tail.join(' | ')}` : ''}`;
      } else if (pod.state !== 'terminated' && !stop.signal.aborted) failure = problem ?? 'still running when the lab stopped collecting';
      return { runner: name, segment: seg.segment, share: seg.share, sources: 0, samples, failure, interrupted: stop.signal.aborted && !failure };
    });
    return outcomeFromRunners(o.plan, runs, { driver: `k6 ${o.k6Version} (k6-operator, ${o.parallelism} runners)`, interrupted: stop.signal.aborted });
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    stop.abort();
    await api.deleteTestRun();
    log('k6-operator: TestRun deleted after its runners\' logs were read');
  }
}

/** TestRunApi on a real cluster, through @kubernetes/client-node. */
export async function kubeTestRunApi(kc: import('@kubernetes/client-node').KubeConfig, namespace: string, name: string): Promise<TestRunApi> {
  const k8s = await import('@kubernetes/client-node');
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const logs = new k8s.Log(kc);
  const jobPrefix = `${name}-`;
  return {
    async runnerPods() {
      const list = await core.listNamespacedPod({ namespace, labelSelector: runnerSelector(name) });
      return list.items.flatMap((p): RunnerPod[] => {
        const job = p.metadata?.labels?.['job-name'] ?? '';
        const index = Number(job.startsWith(jobPrefix) ? job.slice(jobPrefix.length) : NaN);
        if (!Number.isInteger(index)) return [];
        const c = p.status?.containerStatuses?.find((s) => s.name === 'k6');
        const t = c?.state?.terminated;
        if (t) return [{ name: p.metadata!.name!, index, state: 'terminated', exitCode: t.exitCode, reason: t.reason }];
        if (c?.state?.running) return [{ name: p.metadata!.name!, index, state: 'running' }];
        return [{ name: p.metadata!.name!, index, state: 'waiting', reason: c?.state?.waiting?.reason ?? p.status?.phase }];
      });
    },
    async stage() {
      try {
        const tr = (await custom.getNamespacedCustomObject({ group: 'k6.io', version: 'v1alpha1', namespace, plural: 'testruns', name })) as { status?: { stage?: string } };
        return tr.status?.stage;
      } catch {
        return undefined;
      }
    },
    async followLog(pod, onChunk, signal) {
      const { PassThrough } = await import('node:stream');
      const out = new PassThrough();
      out.setEncoding('utf8');
      out.on('data', (t: string) => onChunk(t));
      const ended = new Promise<void>((resolve, reject) => {
        out.once('end', resolve);
        out.once('close', resolve);
        out.once('error', reject);
      });
      const req = await logs.log(namespace, pod, 'k6', out, { follow: true });
      signal.addEventListener('abort', () => req.abort(), { once: true });
      await ended;
    },
    async deleteTestRun() {
      await custom.deleteNamespacedCustomObject({ group: 'k6.io', version: 'v1alpha1', namespace, plural: 'testruns', name }).catch(() => undefined);
      await core.deleteNamespacedConfigMap({ namespace, name }).catch(() => undefined);
    },
  };
}
