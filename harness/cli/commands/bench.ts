import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { RUN_OPTIONS, runOptions } from '../run-options.ts';
import { UserError } from '../../lib/errors.ts';
import { BENCH_DEFAULTS, runBench } from '../../run/bench.ts';
import { interruptible } from '../interrupt.ts';
import { confirmOnTerminal } from '../confirm.ts';
import { ms, pct } from '../../report/format.ts';

export const bench: Command = {
  name: 'bench',
  summary: 'run one scenario under load and write reports/runs/<UTC time>-<scenario>/ (prints the folder last)',
  help: `Usage: exposure-lab bench <scenario|file> [options]

Realizes the scenario (default: on this machine; as root, inside a network namespace of its own where
L4 hops are kernel NAT, otherwise every hop a process on loopback), drives an open-model
constant-arrival-rate load (modeled delays applied once per request by the driver), measures latency,
throughput and client IP retention, probes for spoofing and each hop's added latency, prices the run,
and writes result.json + report.md (+ report.html). The run folder is the last line on stdout. Ctrl-C
stops the load, tears down every process (and the namespace) and still writes the result.
EXPOSURE_LAB_EMULATION=loopback|netns forces one realization (default auto).

Options (defaults in brackets):
  --provider <local|kind|cluster|eks|model>   where to realize it [${BENCH_DEFAULTS.provider}]
  --rate <req/s>                      target arrival rate [${BENCH_DEFAULTS.rate}]
  --duration <s>                      measured duration, after warm-up [${BENCH_DEFAULTS.durationS}]
  --warmup <s>                        warm-up excluded from results [${BENCH_DEFAULTS.warmupS}]
  --driver <builtin|k6>               load driver [${BENCH_DEFAULTS.driver}]
  --runners <n>                       k6: n k6 processes with the k6-operator's execution segments,
                                      each from its own source addresses; samples merged exactly [1]
  --connection <keep-alive|new-connection>   override the scenario client's mode [scenario's]
  --profile <file>                    traffic profile used to price the run [${BENCH_DEFAULTS.profile}]
  --no-latency                        inject no modeled latency: measures the lab's own overhead [inject]
  --seed <n>                          seed for latency samples and routing [${BENCH_DEFAULTS.seed}]
  --out <dir>                         parent folder of run folders [${BENCH_DEFAULTS.outDir}]
  --calibrate-from <result.json>      model provider: fit from measured runs (repeatable) [none]
  --calibration <file>                local, model: hop latency from a calibration overlay
                                      (exposure-lab calibrate) instead of the catalog [none]
  --yes                               eks: create the AWS resources without asking (after the prechecks) [ask]

Example: exposure-lab bench public-nlb --rate 300 --duration 20`,
  async run(argv) {
    const { values, positionals } = parseOptions('bench', argv, {
      ...RUN_OPTIONS,
      driver: { type: 'string' },
      runners: { type: 'string' },
      connection: { type: 'string' },
      out: { type: 'string' },
      'calibrate-from': { type: 'string', multiple: true },
      calibration: { type: 'string' },
      yes: { type: 'boolean' },
    });
    const scenario = positionals[0];
    if (!scenario) throw new UserError('bench: which scenario?', 'exposure-lab bench public-nlb (names: exposure-lab list)');
    const run = runOptions('bench', values);
    const driver = values.driver || BENCH_DEFAULTS.driver;
    if (driver !== 'builtin' && driver !== 'k6') throw new UserError(`bench: unknown driver "${driver}"`, 'use builtin or k6');
    const runners = values.runners === undefined ? 1 : Number(values.runners);
    if (!Number.isInteger(runners) || runners < 1 || runners > 64) throw new UserError(`bench: --runners must be an integer from 1 to 64 (got "${values.runners}")`, 'e.g. --driver k6 --runners 3');
    const connection = values.connection;
    if (connection && connection !== 'keep-alive' && connection !== 'new-connection') throw new UserError(`bench: unknown connection mode "${connection}"`, 'use keep-alive or new-connection');
    const log = (s: string) => console.error(s);
    const intr = interruptible(log);
    try {
      const { dir, result } = await runBench({
        scenario,
        provider: run.provider ?? BENCH_DEFAULTS.provider,
        driver,
        runners,
        rate: run.rate ?? BENCH_DEFAULTS.rate,
        durationS: run.durationS ?? BENCH_DEFAULTS.durationS,
        warmupS: run.warmupS ?? BENCH_DEFAULTS.warmupS,
        connectionMode: connection as 'keep-alive' | 'new-connection' | undefined,
        profile: run.profile ?? BENCH_DEFAULTS.profile,
        outDir: values.out || BENCH_DEFAULTS.outDir,
        injectLatency: run.injectLatency ?? true,
        seed: run.seed ?? BENCH_DEFAULTS.seed,
        signal: intr.signal,
        log,
        progress: true,
        calibrateFrom: values['calibrate-from'],
        calibration: values.calibration,
        yes: values.yes,
        confirm: confirmOnTerminal,
      });
      const l = result.latencyMs;
      console.log(`${result.scenario} (${result.provider}): ${result.load.requests} requests, ${result.load.achievedRps.toFixed(1)}/${result.load.targetRps} req/s, errors ${result.load.errors} (${result.load.fidelity})`);
      console.log(`latency ms (${l.fidelity}): p50 ${ms(l.p50)}  p90 ${ms(l.p90)}  p99 ${ms(l.p99)}  max ${ms(l.max)}`);
      const m = result.load.merge;
      if (m) console.log(`p99 of all ${m.runners} runners' samples (exact) ${ms(m.exactP99Ms)} ms; averaging the runners' own p99s would claim ${ms(m.averagedRunnerP99Ms)} ms`);
      for (const x of result.load.incomplete ?? []) console.log(`INCOMPLETE: ${x.split('\n')[0]}`);
      if (result.load.unavailable?.length) console.log(`unavailable from ${result.load.driver}: ${result.load.unavailable.map((u) => u.split(' (')[0]).join(', ')}`);
      console.log(`client IP retained (${result.clientIp.fidelity}): ${pct(result.clientIp.retentionRatio)} of ${result.clientIp.checked}`);
      if (result.weights?.length) {
        console.log(`weighted split (${l.fidelity}): ${result.weights.map((w) => `${w.version} ${pct(w.share)} [95% ${pct(w.ci95[0])}-${pct(w.ci95[1])}]${w.expected !== undefined ? ` expected ${pct(w.expected)}` : ''}`).join(', ')}`);
      }
      if (result.spoofing?.some((s) => s.spoofable)) console.log(`SPOOFABLE (${l.fidelity} path): ${result.spoofing.filter((s) => s.spoofable).map((s) => s.probe).join('; ')}`);
      if (result.cost) console.log(`monthly cost (${result.cost.fidelity}, profile ${result.cost.profile}): $${result.cost.monthlyUsd.toFixed(2)}`);
      if (!result.validity.valid) console.log(`INVALID RUN: ${result.validity.reasons.join('; ')}`);
      console.log(dir);
      if (result.meta.interrupted) return 130;
      return result.error ? 1 : 0;
    } finally {
      intr.dispose();
    }
  },
};
