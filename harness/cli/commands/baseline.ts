import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { readResult, resultFile } from '../../result/store.ts';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'reports/baselines';

export const baseline: Command = {
  name: 'baseline',
  summary: 'promote a run to the regression baseline (reports/baselines/<scenario>.json), or list baselines',
  help: `Usage: exposure-lab baseline promote <run folder | result.json> [--name <name>] [--force] [--dir <dir>]
       exposure-lab baseline list [--dir <dir>]

promote copies the run's result.json (validated) to <dir>/<name>.json, the file \`make regress\` reads by
default (BASELINE=reports/baselines/$(SCENARIO).json). Commit it so CI gates on it. An invalid run is
refused unless --force: a gate against an invalid baseline always fails.

Options (defaults in brackets):
  --name <name>   baseline file name without .json [the run's scenario]
  --force         promote an invalid run (reasons stay in the file) [off]
  --dir <dir>     baselines folder [${DIR}]

Example: exposure-lab baseline promote reports/runs/20250101T120000Z-public-nlb`,
  async run(argv) {
    const { values, positionals } = parseOptions('baseline', argv, { name: { type: 'string' }, force: { type: 'boolean' }, dir: { type: 'string' } });
    const [sub, target] = positionals;
    const dir = values.dir || DIR;
    if (sub === 'list') {
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
      for (const f of files) {
        const r = readResult(join(dir, f));
        console.log(`${join(dir, f)}  ${r.scenario} (${r.provider}) ${r.meta.startedAt} ${r.load.targetRps} req/s ${r.validity.valid ? 'valid' : 'INVALID'}`);
      }
      if (!files.length) console.error(`no baselines in ${dir}`);
      return 0;
    }
    if (sub !== 'promote') throw new UserError(`baseline: unknown subcommand "${sub ?? ''}"`, 'use: exposure-lab baseline promote <run folder> | exposure-lab baseline list');
    if (!target) throw new UserError('baseline promote: which run?', 'exposure-lab baseline promote reports/runs/<time>-<scenario>');
    const r = readResult(target);
    if (!r.validity.valid && !values.force) throw new UserError(`baseline promote: the run is invalid (${r.validity.reasons.join('; ')})`, 'promote a valid run, or pass --force if you know why');
    const name = values.name || r.scenario;
    if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new UserError(`baseline promote: --name "${name}" is not a plain file name`, 'use letters, digits, dot, dash, underscore');
    mkdirSync(dir, { recursive: true });
    const dest = join(dir, `${name}.json`);
    copyFileSync(resultFile(target), dest);
    console.error(`promoted ${resultFile(target)} (${r.scenario}, ${r.meta.startedAt}) to ${dest}: commit it so CI gates against it`);
    console.log(dest);
    return 0;
  },
};
