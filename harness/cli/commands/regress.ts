import type { Command } from '../command.ts';
import { numberOption, parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { DEFAULT_GATE_SETTINGS, type DifferenceKey, type GateSettings } from '../../analysis/gate/index.ts';
import { renderGateText } from '../../report/gate-render.ts';
import { runRegress } from '../../run/regress.ts';
import { interruptible } from '../interrupt.ts';
import { RUN_OPTIONS, runOptions } from '../run-options.ts';

const OUT = 'reports/regress';
const s = DEFAULT_GATE_SETTINGS;
const ALLOW_KEYS: DifferenceKey[] = ['scenario', 'provider', 'lab-version', 'machine', 'load', 'fidelity', 'realization'];

/** "5%" -> 0.05; "off" -> 0. */
export function relativeOption(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'off') return 0;
  const n = Number(raw.replace(/%$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new UserError(`regress: --${name} must be a percentage such as 10% (or off), got "${raw}"`, `e.g. --${name} ${(fallback * 100).toFixed(0)}%`, 2);
  return n / 100;
}

/** "0.5" or "0.5ms" -> 0.5; "off" -> 0. */
export function absoluteOption(name: string, raw: string | undefined, fallback: number, unit: string): number {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'off') return 0;
  const n = Number(raw.replace(new RegExp(`${unit}$`), ''));
  if (!Number.isFinite(n) || n < 0) throw new UserError(`regress: --${name} must be a number of ${unit} (or off), got "${raw}"`, `e.g. --${name} ${fallback}`, 2);
  return n;
}

export const regressCommand: Command = {
  name: 'regress',
  summary: 'CI gate over several short runs per side (rank tests over run-level figures); JUnit XML, markdown; exit 1 on regression',
  help: `Usage: exposure-lab regress --baseline <history.json> [--scenario <name|file>] [options]        stored baseline
       exposure-lab regress --baseline-scenario <file> --scenario <file> [options]              both sides run now

The gate's evidence is runs, not requests: most noise is between runs. It runs several short windows per side
and compares run-level p50, p99, error rate and throughput with exact rank tests (one-sided, alpha per metric),
client IP retention and spoofable probes exactly. A metric is a REGRESSION only when the test says so AND the
change passes both its relative and its absolute threshold. Every metric states the smallest change the
settings used can see ("this gate can see a p50 change of +0.14 ms (+11%) or more"); when that is more than
the gate promises (+1 ms at p50, +20% at p99), the metric is inconclusive rather than passed.

Designs (docs/regression-gate.md):
  --baseline-scenario A --scenario B   fresh interleaved: ${s.runs.interleaved.perSide} pairs x ${s.runs.interleaved.durationS} s (+${s.runs.interleaved.warmupS} s warm-up), A B A B ...
                                       (recommended: both sides share the machine's state)
  --baseline <history.json>            stored history (exposure-lab baseline record): ${s.runs.history.perSide} fresh runs x the
                                       baseline's run length and rate; the drift between sessions counts as noise
A baseline from another scenario, provider, lab version, machine class or load is refused (exit 2) with what
differs and what to do; --allow <key> accepts a difference on purpose. A damaged baseline file: exit 2 with
the file, line and field.

Writes verdict.json, summary.md, junit.xml (one test case per metric) and current-runs.json (the current run
set in the baseline format) into ${OUT}/<UTC time>-<scenario>/ (the folder is the last line on stdout).
Exit code: 0 pass (and inconclusive, with its warning), 1 regression, 2 bad input, 3 inconclusive with
--fail-inconclusive.

Options (defaults in brackets):
  --baseline <file>          baseline history, e.g. reports/baselines/public-nlb.json
  --baseline-scenario <ref>  run this configuration now as the baseline side
  --scenario <ref>           current side [the baseline's scenario]
  --current <file>           a recorded run set (current-runs.json of an earlier regress) instead of running
  --runs <n>                 runs per side [${s.runs.interleaved.perSide} interleaved, ${s.runs.history.perSide} stored]
  --provider, --rate, --duration, --warmup, --seed, --no-latency   run settings [the baseline's; interleaved: local, 200 req/s, ${s.runs.interleaved.durationS} s, ${s.runs.interleaved.warmupS} s]
  --p50 <pct>, --p50-ms <ms>   smallest p50 increase that counts [${s.p50.minRelative * 100}%, ${s.p50.minAbsolute} ms]
  --p99 <pct>, --p99-ms <ms>   smallest p99 increase that counts [${s.p99.minRelative * 100}%, ${s.p99.minAbsolute} ms]
  --errors <pp>              smallest error-rate increase, percentage points [${s.errorRate.minAbsolute * 100}]
  --throughput <pct>         smallest achieved/target drop, points [${s.throughput.minAbsolute * 100}]
  --alpha <p>                one-sided significance level per metric [${s.alpha}]
  --allow <key,...>          accept a refused difference: ${ALLOW_KEYS.join(', ')}
  --accept                   after a human decision: append the current run set to the --baseline history
  --fail-inconclusive        exit 3 when the verdict is inconclusive [exit 0 with a warning]
  --junit <file>             where to write the JUnit XML [<out folder>/junit.xml]
  --out <dir>                parent of the verdict folder [${OUT}]

Examples:
  exposure-lab regress --baseline reports/baselines/public-nlb.json
  exposure-lab regress --baseline-scenario examples/gateway-change/gateway-change.yaml \\
      --scenario examples/gateway-change/after-trusted-hops/gateway-change.yaml`,
  async run(argv) {
    const { values } = parseOptions(
      'regress',
      argv,
      {
        baseline: { type: 'string' },
        'baseline-scenario': { type: 'string' },
        current: { type: 'string' },
        scenario: { type: 'string' },
        runs: { type: 'string' },
        ...RUN_OPTIONS,
        p50: { type: 'string' },
        'p50-ms': { type: 'string' },
        p99: { type: 'string' },
        'p99-ms': { type: 'string' },
        errors: { type: 'string' },
        throughput: { type: 'string' },
        alpha: { type: 'string' },
        allow: { type: 'string' },
        accept: { type: 'boolean' },
        'fail-inconclusive': { type: 'boolean' },
        junit: { type: 'string' },
        out: { type: 'string' },
      },
      false,
    );
    const alpha = numberOption('regress', 'alpha', values.alpha, s.alpha, 0.0001);
    if (alpha >= 0.5) throw new UserError('regress: --alpha must be below 0.5', 'e.g. --alpha 0.0025', 2);
    const settings: GateSettings = {
      ...s,
      alpha,
      p50: { ...s.p50, minRelative: relativeOption('p50', values.p50, s.p50.minRelative), minAbsolute: absoluteOption('p50-ms', values['p50-ms'], s.p50.minAbsolute, 'ms') },
      p99: { ...s.p99, minRelative: relativeOption('p99', values.p99, s.p99.minRelative), minAbsolute: absoluteOption('p99-ms', values['p99-ms'], s.p99.minAbsolute, 'ms') },
      errorRate: { ...s.errorRate, minAbsolute: absoluteOption('errors', values.errors, s.errorRate.minAbsolute * 100, 'pp') / 100 },
      throughput: { ...s.throughput, minAbsolute: relativeOption('throughput', values.throughput, s.throughput.minAbsolute), minRelative: relativeOption('throughput', values.throughput, s.throughput.minRelative) },
    };
    const allow = (values.allow ?? '').split(',').map((x) => x.trim()).filter(Boolean);
    for (const k of allow) if (!ALLOW_KEYS.includes(k as DifferenceKey)) throw new UserError(`regress: --allow ${k}: not a difference the gate can accept`, `use one or more of: ${ALLOW_KEYS.join(', ')}`, 2);
    const runs = values.runs === undefined ? undefined : numberOption('regress', 'runs', values.runs, 0, 2);
    if (runs !== undefined && !Number.isInteger(runs)) throw new UserError('regress: --runs must be a whole number', 'e.g. --runs 9', 2);
    const log = (line: string) => console.error(line);
    const intr = interruptible(log);
    try {
      const run = runOptions('regress', values);
      const r = await runRegress({
        baseline: values.baseline,
        baselineScenario: values['baseline-scenario'],
        scenario: values.scenario,
        current: values.current,
        provider: run.provider,
        rate: run.rate,
        durationS: run.durationS,
        warmupS: run.warmupS,
        seed: run.seed,
        injectLatency: run.injectLatency,
        runs,
        settings,
        allow: allow as DifferenceKey[],
        accept: values.accept,
        failInconclusive: values['fail-inconclusive'],
        outDir: values.out || OUT,
        junit: values.junit,
        signal: intr.signal,
        log,
      });
      console.log(renderGateText(r.verdict, r.context));
      for (const w of r.admission.warnings) console.error(`warning: ${w.field}: baseline ${w.baseline}, current ${w.current}: ${w.why}`);
      if (r.verdict.verdict === 'inconclusive') console.error('warning: inconclusive: the settings used cannot see the change the gate promises (see "this gate can see" above)');
      for (const f of r.files) console.error(`wrote ${f}`);
      console.log(r.dir);
      return r.exitCode;
    } finally {
      intr.dispose();
    }
  },
};
