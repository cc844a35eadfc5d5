// The regression gate wired end to end on real traffic (local provider, real processes on loopback): the
// statistics themselves are tested on synthetic data (test/unit/gate-*.test.ts); here only the wiring. No
// assertion rests on one noisy comparison: the change below (+20 ms at the NLB on a ~2 ms path) cannot be
// missed by any run, and the A/A run asserts the format and the exit code's agreement with the verdict, not a
// statistical outcome. Short windows and alpha 0.05 keep it quick: this proves wiring, not the defaults.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRegress } from '../../harness/run/regress.ts';
import { runWindows } from '../../harness/run/windows.ts';
import { DEFAULT_GATE_SETTINGS, gateExitCode, historyFromResults, parseBaseline, type GateSettings } from '../../harness/analysis/gate/index.ts';
import { UserError } from '../../harness/lib/errors.ts';

const out = mkdtempSync(join(tmpdir(), 'regress-gate-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));
const WIRING: GateSettings = { ...DEFAULT_GATE_SETTINGS, alpha: 0.05 };
const quiet = () => {};

function slowVariant(): string {
  const src = readFileSync('scenarios/public-nlb.yaml', 'utf8');
  const anchor = 'settings: { scheme: internet-facing, targetType: instance, listener: TCP }';
  if (!src.includes(anchor)) throw new Error('scenarios/public-nlb.yaml changed: update the regression test anchor');
  const file = join(out, 'public-nlb-slow.yaml');
  writeFileSync(file, src.replace(anchor, `${anchor}\n      latency: { medianMs: 20.1, p99Ms: 30, basis: "regression test: +20 ms injected on purpose" }`));
  return file;
}

function junitCases(xml: string): Array<{ name: string; body: string }> {
  return [...xml.matchAll(/<testcase [^>]*name="([^"]+)">([\s\S]*?)<\/testcase>/g)].map((m) => ({ name: m[1], body: m[2] }));
}

const METRICS = ['p50 latency', 'p99 latency', 'error rate', 'throughput', 'client IP retention', 'spoofable probes'];

describe('regress wired to the run-level gate (public-nlb, real local runs)', () => {
  it('fresh interleaved A B A B: +20 ms on the NLB hop is a p50 REGRESSION, JUnit failure, exit 1', async () => {
    const r = await runRegress({ baselineScenario: 'public-nlb', scenario: slowVariant(), runs: 6, durationS: 2, warmupS: 1, rate: 100, settings: WIRING, allow: [], outDir: join(out, 'regress'), log: quiet });
    const p50 = r.verdict.metrics.find((m) => m.metric === 'p50 latency')!;
    const summary = readFileSync(r.files[1], 'utf8');
    expect(r.verdict.design).toBe('interleaved');
    expect(p50.status, summary).toBe('regression');
    expect(p50.effect!.absolute).toBeGreaterThan(10);
    expect(r.verdict.verdict).toBe('regression');
    expect(r.exitCode).toBe(1);
    const cases = junitCases(readFileSync(r.files[2], 'utf8'));
    expect(cases.map((c) => c.name)).toEqual(METRICS);
    expect(cases[0].body).toMatch(/<failure message="p50 latency regressed" type="regression">.*this gate can see a p50 (increase|change)/);
    expect(summary).toMatch(/\| p50 latency \| \*\*REGRESSION\*\* \|/);
    // Both run sets are kept in the baseline format, one run per window, interleaved in time.
    const base = parseBaseline(readFileSync(r.files[4], 'utf8'), r.files[4]).history;
    const cur = parseBaseline(readFileSync(r.files[3], 'utf8'), r.files[3]).history;
    expect(base.sessions[0].runs).toHaveLength(6);
    expect(cur.sessions[0].runs).toHaveLength(6);
    expect(base.sessions[0].runs[1].startedAt > cur.sessions[0].runs[0].startedAt).toBe(true);
  }, 240_000);

  it('stored history A/A: verdict, JUnit and exit code agree; --accept adds the run set as a session; bad baselines exit 2', async () => {
    const rec = await runWindows({ sides: ['public-nlb'], labels: ['run'], order: [0, 0, 0], provider: 'local', driver: 'builtin', rate: 100, durationS: 2, warmupS: 1, injectLatency: true, seed: 1, outDir: join(out, 'record'), log: quiet });
    const file = join(out, 'public-nlb.json');
    writeFileSync(file, JSON.stringify(historyFromResults(rec.results[0])));
    const r = await runRegress({ baseline: file, runs: 3, settings: WIRING, allow: [], accept: true, outDir: join(out, 'regress'), log: quiet });
    expect(r.verdict.design).toBe('history');
    expect(r.exitCode).toBe(gateExitCode(r.verdict));
    const cases = junitCases(readFileSync(r.files[2], 'utf8'));
    expect(cases.map((c) => c.name)).toEqual(METRICS);
    const v = r.verdict.metrics;
    cases.forEach((c, i) => expect(c.body).toMatch(v[i].status === 'regression' ? /<failure / : v[i].status === 'inconclusive' || v[i].status === 'skipped' ? /<skipped / : /<system-out>/));
    // Every metric with a test states what the settings could see (which figure depends on the noise).
    const summary = readFileSync(r.files[1], 'utf8');
    expect(summary).toMatch(/\| metric \| status \| baseline \| current \| change \[95% interval\] \| p \| threshold \| this gate can see \|/);
    for (const m of v) if (m.mde) expect(summary).toContain(m.mde.text);
    // The client IP and spoofing checks are deterministic: an unchanged scenario keeps them.
    expect(v.find((m) => m.metric === 'client IP retention')!.status).toBe('pass');
    expect(v.find((m) => m.metric === 'spoofable probes')!.status).toBe('pass');
    const after = parseBaseline(readFileSync(file, 'utf8'), file).history;
    expect(after.sessions).toHaveLength(2);

    // Bad input is refused before anything runs, with what differs and what to do (exit 2).
    const other = JSON.parse(readFileSync(file, 'utf8'));
    other.sessions.forEach((s: { metadata: { machine: { cpus: number } } }) => {
      s.metadata.machine.cpus = 64;
    });
    const otherFile = join(out, 'other.json');
    writeFileSync(otherFile, JSON.stringify(other, null, 2));
    const refused = await runRegress({ baseline: otherFile, scenario: 'nodeport', settings: WIRING, allow: [], outDir: join(out, 'regress'), log: quiet }).catch((e) => e);
    expect(refused).toBeInstanceOf(UserError);
    expect(refused.exitCode).toBe(2);
    expect(refused.message).toMatch(/- scenario: baseline public-nlb, current nodeport: the baseline measures another topology\. To fix: use the baseline of nodeport/);
    expect(refused.message).toMatch(/machine\.cpus: baseline 64, current \d+: .*To fix: record the baseline on the machine class CI uses/);
    // --allow turns the machine refusal into a warning, the scenario one stays.
    const still = await runRegress({ baseline: otherFile, scenario: 'nodeport', settings: WIRING, allow: ['machine'], outDir: join(out, 'regress'), log: quiet }).catch((e) => e);
    expect(still.message).toMatch(/does not compare with this run \(1 difference\):\n- scenario: baseline public-nlb/);
    expect(still.message).toMatch(/machine\.cpus: .*\(accepted with --allow machine\)/);
    const text = readFileSync(file, 'utf8');
    writeFileSync(otherFile, text.slice(0, Math.floor(text.length / 2)));
    const truncated = await runRegress({ baseline: otherFile, settings: WIRING, allow: [], outDir: join(out, 'regress'), log: quiet }).catch((e) => e);
    expect(truncated).toBeInstanceOf(UserError);
    expect(truncated.exitCode).toBe(2);
    expect(truncated.message).toMatch(/other\.json:\d+:\d+.*truncated/);
  }, 240_000);
});
