// Regression gate benchmark: false-alarm rate and power of the gate's default settings, simulated from the
// run-to-run variance measured on this machine (bench/data/gate-variance.json). Figures are printed with
// 95% Wilson intervals, never asserted here (the unit tests assert on synthetic models).
//
// Usage:
//   npx tsx bench/gate-simulation.ts [--trials 10000] [--seed 1] [--model bench/data/gate-variance.json]
//   npx tsx bench/gate-simulation.ts --fit <session dir>... --name <model name> [--note "..."]
//     fits a model from run folders and stores it under that name in the data file (replacing one of the
//     same name): each <session dir> holds the run folders of one session
//     (e.g. made by repeated `npx exposure-lab bench public-nlb --duration 6 --rate 200 --out <session dir>`).
import { readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { readResult } from '../harness/result/store.ts';
import { runSample, type RunSample } from '../harness/analysis/gate/sample.ts';
import { fitVarianceModel, type VarianceModel } from '../harness/analysis/gate/variance-model.ts';
import { simulateGate, wilson, type SimDesign, type SimOutcome } from '../harness/analysis/gate/simulate.ts';
import { DEFAULT_GATE_SETTINGS, type GateSettings } from '../harness/analysis/gate/settings.ts';
import { gateBudgetS, DEFAULT_OVERHEADS } from '../harness/analysis/gate/budget.ts';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const modelFile = opt('model', 'bench/data/gate-variance.json');

if (args.includes('--fit')) {
  fit();
} else {
  simulate();
}

function fit(): void {
  const dirs: string[] = [];
  for (let i = args.indexOf('--fit') + 1; i < args.length && !args[i].startsWith('--'); i++) dirs.push(args[i]);
  if (!dirs.length) throw new Error('--fit needs at least one session folder');
  const runs: RunSample[] = [];
  const sessions: string[] = [];
  const settings = new Set<string>();
  const dates: string[] = [];
  const commits = new Set<string>();
  let invalid = 0;
  for (const dir of dirs) {
    // A session is a folder of run folders (bench), or of windows (runs/NN-<side>.json of `regress` and
    // `baseline record`, one realization per window).
    const windowDir = join(dir, 'runs');
    const entries = existsSync(windowDir) && statSync(windowDir).isDirectory()
      ? readdirSync(windowDir).filter((f) => f.endsWith('.json')).sort().map((f) => join(windowDir, f))
      : readdirSync(dir).sort().map((n) => join(dir, n)).filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'result.json')));
    for (const runDir of entries) {
      const r = readResult(runDir);
      const s = runSample(r);
      runs.push(s);
      sessions.push(basename(dir));
      settings.add(`${r.scenario} ${r.provider} ${r.load.targetRps} req/s ${r.load.durationS} s (+${r.load.warmupS} s warm-up)`);
      dates.push(r.meta.startedAt);
      if (r.meta.gitRevision) commits.add(r.meta.gitRevision);
      if (!s.valid) invalid++;
    }
  }
  if (settings.size > 1) throw new Error(`--fit: the runs differ in scenario or load; fit one setting at a time: ${[...settings].join(' | ')}`);
  dates.sort();
  const model = fitVarianceModel(runs, sessions, {
    what: [...settings][0],
    from: dates[0],
    to: dates[dates.length - 1],
    commits: [...commits],
    machine: `${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores`,
    runs: runs.length,
    rate: runs[0].targetRps,
    durationS: runs[0].durationS,
    invalidRuns: invalid,
    sessions: [...new Set(sessions)],
    how: 'back-to-back `npx exposure-lab bench` invocations, one run folder each; p50/p99 from result.json, within-run error from each histogram; fitted by bench/gate-simulation.ts --fit',
    note: opt('note', ''),
  });
  const name = opt('name', '');
  if (!name) throw new Error('--fit needs --name <model name>');
  const data: { about: string; models: Array<{ name: string; model: VarianceModel }> } = existsSync(modelFile)
    ? JSON.parse(readFileSync(modelFile, 'utf8'))
    : { about: 'Run-to-run variance models of the regression gate (harness/analysis/gate/variance-model.ts), read by bench/gate-simulation.ts', models: [] };
  data.models = [...data.models.filter((m) => m.name !== name), { name, model }];
  writeFileSync(modelFile, JSON.stringify(data, null, 2) + '\n');
  console.log(JSON.stringify(model, null, 2));
  console.log(`wrote model "${name}" to ${modelFile}`);
}

function pct(k: number, n: number): string {
  const w = wilson(k, n);
  return `${(w.p * 100).toFixed(2)}% [${(w.lo * 100).toFixed(2)}, ${(w.hi * 100).toFixed(2)}]`;
}

function simulate(): void {
  const trials = Number(opt('trials', '10000'));
  const seed = Number(opt('seed', '1'));
  const models: Array<{ name: string; model: VarianceModel }> = JSON.parse(readFileSync(modelFile, 'utf8')).models;
  const s: GateSettings = DEFAULT_GATE_SETTINGS;
  const rev = (() => {
    try {
      return execFileSync('git', ['rev-parse', '--short=12', 'HEAD']).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  console.log(`regression gate simulation: ${trials} A/A and ${trials} A/B comparisons per line, seed ${seed}, lab ${rev}`);
  const ri = s.runs.interleaved;
  const rh = s.runs.history;
  console.log(`defaults: alpha ${s.alpha} per metric, power ${s.power}; interleaved ${ri.perSide} pairs of ${ri.durationS} s (+${ri.warmupS} s warm-up); stored baseline vs ${rh.perSide} runs of ${rh.durationS} s (+${rh.warmupS} s)`);
  const budget = gateBudgetS(s.runs, DEFAULT_OVERHEADS);
  console.log(`time of \`make regress\` with defaults (estimate): stored baseline ${budget.history.toFixed(0)} s, fresh interleaved ${budget.interleaved.toFixed(0)} s (limit 120 s); ${budget.text}`);
  for (const { name, model } of models) {
    const m = model.measured as Record<string, unknown>;
    console.log(`\n== variance model "${name}": ${m.what ?? ''}, ${m.from ?? ''}..${m.to ?? ''}, ${m.runs ?? '?'} runs in ${(m.sessions as string[] | undefined)?.length ?? '?'} sessions`);
    console.log(`   p50 ${model.p50Ms.toFixed(2)} ms, p99 ${model.p99Ms.toFixed(2)} ms; between-run SD ln p50 ${model.between.lnP50.toFixed(3)}, ln p99 ${model.between.lnP99.toFixed(3)}; outliers ${(model.outliers.probability * 100).toFixed(0)}% of runs; drift ln p50 ${model.drift.lnP50.toFixed(3)}, ln p99 ${model.drift.lnP99.toFixed(3)}`);
    const rate = Number((m.rate as number | undefined) ?? 200);
    const runI = { rate, durationS: ri.durationS };
    const runH = { rate, durationS: rh.durationS };
    // A stored baseline with fewer than 3 sessions relies on the drift prior: once with the default one,
    // once with the prior this model's machine would have if it had been measured (calibrated).
    const calibrated: GateSettings = { ...s, driftPrior: { lnP50: model.drift.lnP50, lnP99: model.drift.lnP99, source: `model ${name}` } };
    const designs: Array<{ label: string; d: SimDesign; settings: GateSettings }> = [
      { label: `fresh interleaved, ${ri.perSide} pairs of ${ri.durationS} s`, d: { design: 'interleaved', runsPerSide: ri.perSide, run: runI }, settings: s },
      { label: `stored baseline (1 session x 20 runs) vs ${rh.perSide} runs of ${rh.durationS} s, default drift prior`, d: { design: 'history', runsPerSide: rh.perSide, historySessions: 1, historyRunsPerSession: 20, run: runH }, settings: s },
      { label: `stored baseline (1 session x 20 runs) vs ${rh.perSide} runs of ${rh.durationS} s, drift prior = this model's drift`, d: { design: 'history', runsPerSide: rh.perSide, historySessions: 1, historyRunsPerSession: 20, run: runH }, settings: calibrated },
      { label: `stored baseline (3 sessions x 10 runs, drift learned) vs ${rh.perSide} runs of ${rh.durationS} s`, d: { design: 'history', runsPerSide: rh.perSide, historySessions: 3, historyRunsPerSession: 10, run: runH }, settings: s },
    ];
    for (const { label, d, settings } of designs) {
      const aa = simulateGate(model, settings, d, null, trials, seed);
      const p50 = simulateGate(model, settings, d, { addMs: 1 }, trials, seed + 1);
      const p99 = simulateGate(model, settings, d, { p99Factor: 1.2 }, trials, seed + 2);
      console.log(`\n  ${label}`);
      console.log(`    false alarms (A/A, any metric REGRESSION): ${pct(aa.regression, trials)}   inconclusive ${pct(aa.inconclusive, trials)}`);
      console.log(`    power, +1 ms on one hop (p50 REGRESSION):  ${pct(p50.byMetric['p50 latency']!.regression, trials)}`);
      console.log(`    power, p99 x1.2 (p99 REGRESSION):          ${pct(p99.byMetric['p99 latency']!.regression, trials)}`);
      console.log(`    stated MDE (median over A/A): ${mdeText(aa)}`);
      console.log(`    verdict inconclusive under +1 ms / x1.2: ${pct(p50.inconclusive, trials)} / ${pct(p99.inconclusive, trials)}`);
    }
    const t = Math.min(trials, 2000);
    console.log(`\n  what the settings can see, by runs per side and rate (${t} trials each; FA = any metric REGRESSION on A/A; stored baseline: 1 session x 20 runs, drift prior = this model's):`);
    console.log('    design       N  rate   FA                     power +1 ms p50        power p99 x1.2         MDE p50 / p99');
    for (const design of ['interleaved', 'history'] as const) {
      for (const n of [6, 9, 12]) {
        for (const r of [200, 500, 1000]) {
          const plan = design === 'interleaved' ? ri : rh;
          const runAt = { rate: r, durationS: plan.durationS };
          const d: SimDesign = design === 'interleaved' ? { design, runsPerSide: n, run: runAt } : { design, runsPerSide: n, historySessions: 1, historyRunsPerSession: 20, run: runAt };
          const st = design === 'history' ? calibrated : s;
          const aa = simulateGate(model, st, d, null, t, seed);
          const a = simulateGate(model, st, d, { addMs: 1 }, t, seed + 1);
          const b = simulateGate(model, st, d, { p99Factor: 1.2 }, t, seed + 2);
          console.log(`    ${design.padEnd(11)} ${String(n).padStart(2)}  ${String(r).padStart(4)}   ${pct(aa.regression, t).padEnd(21)}  ${pct(a.byMetric['p50 latency']!.regression, t).padEnd(21)}  ${pct(b.byMetric['p99 latency']!.regression, t).padEnd(21)}  ${mdeText(aa)}`);
        }
      }
    }
  }
}

function mdeText(o: SimOutcome): string {
  const a = o.byMetric['p50 latency'];
  const b = o.byMetric['p99 latency'];
  const f = (x: number | undefined, unit: string) => (x === undefined || !Number.isFinite(x) ? 'none' : `${x.toFixed(2)} ${unit}`);
  return `p50 ${f(a?.medianMde, 'ms')} (${f((a?.medianMdeRelative ?? NaN) * 100, '%')}), p99 ${f(b?.medianMde, 'ms')} (${f((b?.medianMdeRelative ?? NaN) * 100, '%')})`;
}
