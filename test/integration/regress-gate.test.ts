// The regression gate on real traffic through the local provider: two identical runs must not trip it; a
// variant whose NLB hop injects +5 ms on purpose must. Real processes on loopback, short runs.
import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBench, type BenchOptions } from '../../harness/run/bench.ts';
import { runRegress } from '../../harness/run/regress.ts';
import { regress, DEFAULT_THRESHOLDS, exitCodeOf } from '../../harness/analysis/regress.ts';
import { renderRegressText } from '../../harness/report/regress-markdown.ts';
import type { RunResult } from '../../harness/result/types.ts';

const out = mkdtempSync(join(tmpdir(), 'regress-gate-'));
const bench = (scenario: string): Promise<{ dir: string; result: RunResult }> =>
  runBench({ scenario, provider: 'local', driver: 'builtin', rate: 150, durationS: 4, warmupS: 1, outDir: join(out, 'runs'), injectLatency: true, seed: 1, log: () => {} } satisfies BenchOptions);

function regressedVariant(): string {
  const src = readFileSync('scenarios/public-nlb.yaml', 'utf8');
  const anchor = 'settings: { scheme: internet-facing, targetType: instance, listener: TCP }';
  if (!src.includes(anchor)) throw new Error('scenarios/public-nlb.yaml changed: update the regression test anchor');
  const file = join(out, 'public-nlb-slow.yaml');
  writeFileSync(file, src.replace(anchor, `${anchor}\n      latency: { medianMs: 5.1, p99Ms: 15, basis: "regression test: +5 ms injected on purpose" }`));
  return file;
}

describe('regression gate on real local runs (public-nlb, 4 s at 150 req/s)', () => {
  let base: { dir: string; result: RunResult };
  beforeAll(async () => {
    base = await bench('public-nlb');
  }, 120_000);

  it('two identical runs: no metric regresses', async () => {
    const cur = await bench('public-nlb');
    const v = regress(base.result, cur.result, DEFAULT_THRESHOLDS);
    const text = renderRegressText(v);
    expect(base.result.load.requests).toBeGreaterThan(400);
    expect(cur.result.load.requests).toBeGreaterThan(400);
    // Validity (late sends on a busy machine) is the environment's verdict, reported separately; noise in
    // latency, throughput and client IP must not be read as a regression.
    expect(v.checks.filter((c) => c.status === 'regression').map((c) => c.metric), text).toEqual([]);
    expect(v.checks.find((c) => c.metric === 'p99 latency')!.test, text).toContain('Mann-Whitney');
  }, 120_000);

  it('+5 ms injected on the NLB hop: the gate catches it, writes JUnit with a failure and exits 1', async () => {
    const slow = await bench(regressedVariant());
    expect(slow.result.hops.find((h) => h.component === 'nlb')!.injectedLatency!.medianMs).toBe(5.1);
    const r = await runRegress({ baseline: base.dir, current: slow.dir, thresholds: DEFAULT_THRESHOLDS, outDir: join(out, 'regress'), log: () => {} });
    const text = renderRegressText(r.verdict);
    expect(r.verdict.checks.find((c) => c.metric === 'p50 latency')!.status, text).toBe('regression');
    expect(r.verdict.verdict, text).not.toBe('pass');
    expect(exitCodeOf(r.verdict)).toBe(1);
    const junit = readFileSync(r.files[2], 'utf8');
    expect(junit).toMatch(/<testcase [^>]*name="p50 latency">\s*<failure /);
    expect(readFileSync(r.files[1], 'utf8')).toMatch(/\| p50 latency \|.*REGRESSION/);
  }, 120_000);
});
