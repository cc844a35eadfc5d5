import type { Command } from '../command.ts';
import { numberOption, parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { readResult, resultFile } from '../../result/store.ts';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendSession, DEFAULT_GATE_SETTINGS, historyFromResults, historyRuns, parseBaseline, type BaselineHistory } from '../../analysis/gate/index.ts';
import { runWindows } from '../../run/windows.ts';
import { BENCH_DEFAULTS } from '../../run/bench.ts';
import { runStamp } from '../../run/ids.ts';
import { interruptible } from '../interrupt.ts';
import { RUN_OPTIONS, runOptions } from '../run-options.ts';

const DIR = 'reports/baselines';
const RECORD_RUNS = 20;
const h = DEFAULT_GATE_SETTINGS.runs.history;

/** Adds a history's sessions to the baseline file (created when absent), keeping the newest five. */
function addToBaseline(dest: string, add: BaselineHistory): BaselineHistory {
  let merged = add;
  if (existsSync(dest)) {
    const old = parseBaseline(readFileSync(dest, 'utf8'), dest);
    if (!old.legacy) merged = add.sessions.reduce((acc, s) => appendSession(acc, s), old.history);
  }
  writeFileSync(dest, JSON.stringify(merged, null, 2) + '\n');
  return merged;
}

function plainName(name: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UserError(`baseline: --name "${name}" is not a plain file name`, 'use letters, digits, dot, dash, underscore');
  return name;
}

export const baseline: Command = {
  name: 'baseline',
  summary: 'record a regression baseline (K short runs into reports/baselines/<scenario>.json), promote a run set, or list baselines',
  help: `Usage: exposure-lab baseline record <scenario> [--runs ${RECORD_RUNS}] [--duration ${h.durationS}] [--warmup ${h.warmupS}] [--rate 200] [--provider local] [--name <name>] [--dir <dir>]
       exposure-lab baseline promote <current-runs.json | run folder | result.json> [--name <name>] [--force] [--dir <dir>]
       exposure-lab baseline list [--dir <dir>]

A baseline is a history of sessions of short runs (format: docs/regression-gate.md), the file
\`make regress\` reads (BASELINE=reports/baselines/$(SCENARIO).json). Commit it so CI gates on it.
  record    runs the scenario K times in one session (one realization per run) and adds the session to
            <dir>/<name>.json (a new file, or the newest of at most 5 sessions: the gate learns the drift
            between sessions once there are 3).
  promote   adds a run set someone decided is the new normal: the current-runs.json of a regress folder
            (what \`regress --accept\` does), or a single run (one run cannot separate a change from noise:
            latency then stays inconclusive until runs are recorded). An invalid single run is refused unless
            --force.

Options (defaults in brackets):
  --runs <n>      runs per recorded session [${RECORD_RUNS}]
  --duration, --warmup, --rate, --provider, --seed, --no-latency   run settings [${h.durationS} s, ${h.warmupS} s, ${BENCH_DEFAULTS.rate} req/s, local]
  --name <name>   baseline file name without .json [the scenario]
  --force         promote an invalid single run (reasons stay in the file) [off]
  --dir <dir>     baselines folder [${DIR}]

Example: exposure-lab baseline record public-nlb && git add reports/baselines/public-nlb.json`,
  async run(argv) {
    const { values, positionals } = parseOptions('baseline', argv, { name: { type: 'string' }, force: { type: 'boolean' }, dir: { type: 'string' }, runs: { type: 'string' }, ...RUN_OPTIONS });
    const [sub, target] = positionals;
    const dir = values.dir || DIR;
    if (sub === 'list') {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
      for (const f of files) {
        const p = join(dir, f);
        const { history, legacy } = parseBaseline(readFileSync(p, 'utf8'), p);
        const m = history.sessions[history.sessions.length - 1].metadata;
        console.log(`${p}  ${history.scenario} (${m.provider}) ${history.sessions.length} session(s), ${historyRuns(history).runs.length} runs at ${m.load.targetRps} req/s x ${m.load.durationS} s${legacy ? ' [single result.json]' : ''}`);
      }
      if (!files.length) console.error(`no baselines in ${dir}`);
      return 0;
    }
    if (sub === 'record') {
      if (!target) throw new UserError('baseline record: which scenario?', 'exposure-lab baseline record public-nlb');
      const run = runOptions('baseline', values);
      const n = numberOption('baseline', 'runs', values.runs, RECORD_RUNS, 2);
      const log = (l: string) => console.error(l);
      const intr = interruptible(log);
      try {
        const out = join('reports/runs', `${runStamp()}-baseline-record`);
        const w = await runWindows({
          sides: [target],
          labels: ['run'],
          order: Array.from({ length: Math.round(n) }, () => 0),
          provider: run.provider ?? BENCH_DEFAULTS.provider,
          driver: 'builtin',
          rate: run.rate ?? BENCH_DEFAULTS.rate,
          durationS: run.durationS ?? h.durationS,
          warmupS: run.warmupS ?? h.warmupS,
          injectLatency: run.injectLatency ?? true,
          seed: run.seed ?? BENCH_DEFAULTS.seed,
          outDir: out,
          signal: intr.signal,
          log,
        });
        const results = w.results[0];
        if (!results.length) throw new UserError('baseline record: no run completed', 'see the log above');
        const valid = results.filter((r) => r.validity.valid).length;
        const session = historyFromResults(results);
        const name = plainName(values.name || session.scenario);
        mkdirSync(dir, { recursive: true });
        const dest = join(dir, `${name}.json`);
        const merged = addToBaseline(dest, session);
        console.error(`recorded ${results.length} runs (${valid} valid) of ${session.scenario} into ${dest}: ${merged.sessions.length} session(s); the runs' result.json files are in ${out}/runs; commit ${dest} so CI gates against it`);
        if (valid < results.length / 2) console.error('warning: most runs are invalid (see their reasons): the machine was probably busy; record again when it is quiet');
        console.log(dest);
        return 0;
      } finally {
        intr.dispose();
      }
    }
    if (sub !== 'promote') throw new UserError(`baseline: unknown subcommand "${sub ?? ''}"`, 'use: exposure-lab baseline record <scenario> | promote <current-runs.json> | list');
    if (!target) throw new UserError('baseline promote: which run set?', 'exposure-lab baseline promote reports/regress/<time>-<scenario>/current-runs.json');
    let add: BaselineHistory;
    const isFile = existsSync(target) && statSync(target).isFile();
    const text = isFile ? readFileSync(target, 'utf8') : '';
    if (isFile && text.includes('"exposure-lab/baseline-history"')) {
      add = parseBaseline(text, target).history;
    } else {
      const r = readResult(target);
      if (!r.validity.valid && !values.force) throw new UserError(`baseline promote: the run is invalid (${r.validity.reasons.join('; ')})`, 'promote a valid run, or pass --force if you know why');
      add = historyFromResults([r]);
      console.error(`note: ${resultFile(target)} is one run: latency stays inconclusive against it; exposure-lab baseline record ${r.scenario} records a history of runs`);
    }
    const name = plainName(values.name || add.scenario);
    mkdirSync(dir, { recursive: true });
    const dest = join(dir, `${name}.json`);
    const merged = addToBaseline(dest, add);
    console.error(`promoted ${target} (${add.scenario}) into ${dest}: ${merged.sessions.length} session(s), ${historyRuns(merged).runs.length} runs; commit it so CI gates against it`);
    console.log(dest);
    return 0;
  },
};
