// Past one machine: the k6-operator runs the same script on N runner pods (TestRun, parallelism N), each
// taking an equal execution segment. k6 aggregates nothing across runners, so the lab merges per-runner
// latency data itself: histograms add bucket by bucket, which keeps every percentile exact. Averaging
// per-runner percentiles is not a percentile of anything and is never done here.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LoadPlan } from '../types.ts';
import type { EncodedHistogram, LatencySummary } from '../../result/types.ts';
import { decodeHistogram, encodeHistogram, mergeHistograms, newHistogram, recordMs, summarize, type Histogram } from '../histogram.ts';
import { writeK6Script, type K6ScriptMeta, MEASURE_TAG } from './script.ts';
import { K6_IMAGE } from './run.ts';

const SCHEMA_URL = new URL('../../../infra/k6-operator/testrun.schema.json', import.meta.url);
let testRunSchema: z.ZodType | null = null;

export interface TestRunOptions {
  name: string;
  namespace?: string;
  parallelism: number;
  /** Put each runner on its own node (the operator's `separate`) and repel runners from each other. */
  separateNodes?: boolean;
  nodeSelector?: Record<string, string>;
  image?: string;
}

export function testRunManifests(plan: LoadPlan, meta: K6ScriptMeta, opts: TestRunOptions): [Record<string, unknown>, Record<string, unknown>] {
  const file = 'test.js';
  const metadata = { name: opts.name, ...(opts.namespace ? { namespace: opts.namespace } : {}), labels: { 'app.kubernetes.io/part-of': 'exposure-lab' } };
  const runnerLabels = { 'exposure-lab/testrun': opts.name };
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { [file]: writeK6Script(plan, meta) } };
  const separate = opts.separateNodes ?? true;
  const testRun = {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata,
    spec: {
      parallelism: opts.parallelism,
      separate,
      script: { configMap: { name: opts.name, file } },
      // Each runner writes every sample to CSV so mergeRunnerResults can rebuild one exact histogram.
      arguments: `--out csv=/tmp/${opts.name}-samples.csv --tag testrun=${opts.name}`,
      cleanup: 'post',
      runner: {
        image: opts.image ?? K6_IMAGE,
        metadata: { labels: runnerLabels },
        ...(opts.nodeSelector ? { nodeSelector: opts.nodeSelector } : {}),
        ...(separate
          ? {
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: runnerLabels }, topologyKey: 'kubernetes.io/hostname' }],
                },
              },
            }
          : {}),
      },
    },
  };
  return [configMap, testRun];
}

/** Problems with a TestRun document against infra/k6-operator/testrun.schema.json (empty when valid). */
export function validateTestRun(doc: unknown): string[] {
  testRunSchema ??= z.fromJSONSchema(JSON.parse(readFileSync(SCHEMA_URL, 'utf8')));
  const r = testRunSchema.safeParse(doc);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

export interface RunnerResult {
  runner: string;
  /** The runner's HdrHistogram, when it exported one. */
  histogram?: EncodedHistogram;
  /** Or k6's CSV output (--out csv): rows of http_req_duration in ms are read, warm-up rows skipped. */
  samplesCsv?: string;
}

export interface MergedRunners {
  histogram: EncodedHistogram;
  latencyMs: LatencySummary;
  requests: number;
  perRunner: Array<{ runner: string; requests: number; latencyMs: LatencySummary }>;
}

export function mergeRunnerResults(perRunner: RunnerResult[]): MergedRunners {
  const hists = perRunner.map((r) => ({ runner: r.runner, hist: runnerHistogram(r) }));
  const merged = mergeHistograms(hists.map((h) => h.hist));
  return {
    histogram: encodeHistogram(merged),
    latencyMs: summarize(merged),
    requests: merged.totalCount,
    perRunner: hists.map(({ runner, hist }) => ({ runner, requests: hist.totalCount, latencyMs: summarize(hist) })),
  };
}

function runnerHistogram(r: RunnerResult): Histogram {
  if (r.histogram) return decodeHistogram(r.histogram);
  if (r.samplesCsv !== undefined) return histogramFromK6Csv(r.samplesCsv, r.runner);
  throw new Error(`runner ${r.runner}: neither a histogram nor a samples CSV`);
}

/** k6 CSV output: a header row naming metric_name and metric_value; custom tags sit in extra_tags as k=v&k=v. */
function histogramFromK6Csv(csv: string, runner: string): Histogram {
  const lines = csv.split(/\r?\n/).filter((l) => l.length > 0);
  const header = (lines.shift() ?? '').split(',');
  const [metric, value, extra] = ['metric_name', 'metric_value', 'extra_tags'].map((c) => header.indexOf(c));
  if (metric < 0 || value < 0) throw new Error(`runner ${runner}: CSV lacks metric_name/metric_value columns`);
  const [tagKey, tagValue] = MEASURE_TAG.split(':');
  const hist = newHistogram();
  for (const line of lines) {
    const cells = line.split(',');
    if (cells[metric] !== 'http_req_duration') continue;
    const tags = new URLSearchParams(extra >= 0 ? cells[extra] ?? '' : '');
    if (tags.has(tagKey) && tags.get(tagKey) !== tagValue) continue; // warm-up sample
    recordMs(hist, Number(cells[value]));
  }
  return hist;
}
