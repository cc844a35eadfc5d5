import type { Command } from '../command.ts';
import { numberOption, parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { DEFAULT_THRESHOLDS, exitCodeOf, type Thresholds } from '../../analysis/regress.ts';
import { renderRegressText } from '../../report/regress-markdown.ts';
import { runRegress } from '../../run/regress.ts';
import { interruptible } from '../interrupt.ts';
import { RUN_OPTIONS, runOptions } from '../run-options.ts';

const OUT = 'reports/regress';
const t = DEFAULT_THRESHOLDS;

/** "10%", "10" or "off" -> 10 / null. */
export function thresholdOption(name: string, raw: string | undefined, fallback: number | null): number | null {
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'off' || raw === 'none') return null;
  const n = Number(raw.replace(/%$/, '').replace(/pp$/, ''));
  if (!Number.isFinite(n) || n < 0) throw new UserError(`regress: --${name} must be a percentage such as 10% (or off), got "${raw}"`, `e.g. --${name} ${fallback ?? 10}%`);
  return n;
}

export const regressCommand: Command = {
  name: 'regress',
  summary: 'CI gate: compare a run with a baseline (threshold + significance test); JUnit XML, markdown; exit 1 on regression',
  help: `Usage: exposure-lab regress --baseline <result.json> (--current <result.json|run folder> | [--scenario <name>] [bench options]) [thresholds]

Compares the current run with the baseline metric by metric. A noisy metric (p99, p50, throughput, error
ratio) is a regression only when its change is past the threshold AND a one-sided test says it is not
run-to-run noise: p99 needs both a histogram bootstrap interval above 0 and a Mann-Whitney U test over the
per-interval p99 samples; p50 the bootstrap and the same rank test over per-interval p50s; throughput a Mann-Whitney U test over per-interval
rates; errors a two-proportion z-test. Cost (modeled, no noise) is compared exactly. Any loss of client IP
retention, any newly spoofable probe and an invalid run (current or baseline) always fail.
Without --current, a fresh bench of the baseline's scenario runs under the baseline's load (rate,
duration, warm-up, provider, seed), overridable below. Writes verdict.json, summary.md and junit.xml into
${OUT}/<UTC time>-<scenario>/ (the folder is the last line on stdout).
Exit code: 0 pass, 1 regression or invalid run, 2 bad input.

Options (defaults in brackets):
  --baseline <file>       baseline result.json, e.g. reports/baselines/public-nlb.json [required]
  --current <file|dir>    current result.json or run folder [run a fresh bench]
  --scenario <name>       scenario of the fresh bench [the baseline's]
  --provider, --rate, --duration, --warmup, --profile, --seed, --no-latency   fresh bench settings [the baseline's]
  --p99 <pct|off>         allowed p99 increase [${t.p99Pct}%]
  --p50 <pct|off>         allowed p50 increase [${t.p50Pct}%]
  --throughput <pct|off>  allowed achieved-throughput decrease [${t.throughputPct}%]
  --cost <pct|off>        allowed monthly cost increase [${t.costPct}%]
  --errors <pp|off>       allowed error-ratio increase, percentage points [${t.errorsPp}]
  --alpha <p>             significance level of the one-sided tests [${t.alpha}]
  --junit <file>          where to write the JUnit XML [<out folder>/junit.xml]
  --out <dir>             parent of the verdict folder [${OUT}]

Example: exposure-lab regress --baseline reports/baselines/public-nlb.json --p99 10% --throughput 5%`,
  async run(argv) {
    const { values } = parseOptions(
      'regress',
      argv,
      {
        baseline: { type: 'string' },
        current: { type: 'string' },
        scenario: { type: 'string' },
        ...RUN_OPTIONS,
        p99: { type: 'string' },
        p50: { type: 'string' },
        throughput: { type: 'string' },
        cost: { type: 'string' },
        errors: { type: 'string' },
        alpha: { type: 'string' },
        junit: { type: 'string' },
        out: { type: 'string' },
      },
      false,
    );
    if (!values.baseline) throw new UserError('regress: --baseline is required', 'promote a good run first: exposure-lab baseline promote reports/runs/<time>-<scenario>');
    const thresholds: Thresholds = {
      p99Pct: thresholdOption('p99', values.p99, t.p99Pct),
      p50Pct: thresholdOption('p50', values.p50, t.p50Pct),
      throughputPct: thresholdOption('throughput', values.throughput, t.throughputPct),
      costPct: thresholdOption('cost', values.cost, t.costPct),
      errorsPp: thresholdOption('errors', values.errors, t.errorsPp),
      alpha: numberOption('regress', 'alpha', values.alpha, t.alpha, 0.0001),
    };
    if (thresholds.alpha >= 1) throw new UserError('regress: --alpha must be below 1', 'e.g. --alpha 0.05');
    const log = (s: string) => console.error(s);
    const intr = interruptible(log);
    try {
      const r = await runRegress({
        baseline: values.baseline,
        current: values.current,
        bench: { scenario: values.scenario, ...runOptions('regress', values) },
        thresholds,
        outDir: values.out || OUT,
        junit: values.junit,
        signal: intr.signal,
        log,
      });
      console.log(renderRegressText(r.verdict));
      for (const f of r.files) console.error(`wrote ${f}`);
      console.log(r.dir);
      return exitCodeOf(r.verdict);
    } finally {
      intr.dispose();
    }
  },
};
