import type { Command } from '../command.ts';
import { numberOption, parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { BENCH_DEFAULTS } from '../../run/bench.ts';
import { COMPARE_DEFAULTS, runCompare } from '../../run/compare.ts';
import { compareFindings, compareRows } from '../../analysis/compare.ts';
import { interruptible } from '../interrupt.ts';
import { RUN_OPTIONS, runOptions } from '../run-options.ts';


export const compare: Command = {
  name: 'compare',
  summary: 'architecture-review report across scenarios under the same load; writes reports/compare/<UTC time>/ (folder printed last)',
  help: `Usage: exposure-lab compare <scenario> <scenario>... [options]

Benches every scenario under the same load and cost profile, one after the other (never in parallel), each
--repeat times (interleaved: a b c, a b c), then writes one report folder with compare.json (every run's
result.json embedded), report.md, report.html and charts/*.svg: a side-by-side table (p50/p99 with 95%
intervals across repeats, achieved rate, errors, client IP retained, spoofable, monthly cost, cost per
million requests, features), the charts, and findings derived from the data. The folder is the last line
on stdout. Ctrl-C stops the current run and still writes what completed.

Options (defaults in brackets):
  --provider <local|kind|cluster|eks|model>   where to realize the scenarios [${BENCH_DEFAULTS.provider}]
  --rate <req/s>                      target arrival rate of every run [${BENCH_DEFAULTS.rate}]
  --duration <s>                      measured duration of every run [${BENCH_DEFAULTS.durationS}]
  --warmup <s>                        warm-up excluded from results [${BENCH_DEFAULTS.warmupS}]
  --profile <file>                    traffic profile for cost and the cost-vs-rate sweep [${BENCH_DEFAULTS.profile}]
  --repeat <n>                        runs per scenario; n >= 2 gives confidence intervals [${COMPARE_DEFAULTS.repeat}]
  --no-latency                        inject no modeled latency [inject]
  --seed <n>                          seed of the first repeat (repeat k uses seed + k - 1) [${BENCH_DEFAULTS.seed}]
  --out <dir>                         parent folder of comparison folders [${COMPARE_DEFAULTS.outDir}]

Example: exposure-lab compare public-nlb alb-nlb-gateway apigw-nlb-gateway --duration 20 --repeat 3`,
  async run(argv) {
    const { values, positionals } = parseOptions('compare', argv, {
      ...RUN_OPTIONS,
      repeat: { type: 'string' },
      out: { type: 'string' },
    });
    // `make compare SCENARIOS="a b c"` may pass them as one word.
    const scenarios = positionals.flatMap((p) => p.split(/\s+/)).filter(Boolean);
    if (!scenarios.length) throw new UserError('compare: which scenarios?', 'exposure-lab compare public-nlb alb-nlb-gateway (names: exposure-lab list)');
    if (new Set(scenarios).size !== scenarios.length) throw new UserError('compare: a scenario is named twice', 'use --repeat N to run a scenario several times');
    const run = runOptions('compare', values);
    const repeat = numberOption('compare', 'repeat', values.repeat, COMPARE_DEFAULTS.repeat, 1);
    if (!Number.isInteger(repeat) || repeat > 50) throw new UserError(`compare: --repeat must be a whole number from 1 to 50, got ${repeat}`, 'e.g. --repeat 3');
    const log = (s: string) => console.error(s);
    const intr = interruptible(log);
    try {
      const { dir, doc } = await runCompare({
        scenarios,
        provider: run.provider ?? BENCH_DEFAULTS.provider,
        driver: 'builtin',
        rate: run.rate ?? BENCH_DEFAULTS.rate,
        durationS: run.durationS ?? BENCH_DEFAULTS.durationS,
        warmupS: run.warmupS ?? BENCH_DEFAULTS.warmupS,
        profile: run.profile ?? BENCH_DEFAULTS.profile,
        repeat,
        injectLatency: run.injectLatency ?? true,
        seed: run.seed ?? BENCH_DEFAULTS.seed,
        outDir: values.out || COMPARE_DEFAULTS.outDir,
        signal: intr.signal,
        log,
        progress: true,
      });
      for (const f of compareFindings(doc, compareRows(doc))) console.log(`${f.severity === 'info' ? '-' : f.severity.toUpperCase()}: ${f.text}`);
      console.log(dir);
      if (doc.interrupted) return 130;
      return doc.failed.length ? 1 : 0;
    } finally {
      intr.dispose();
    }
  },
};
