import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { readResult, resultFile } from '../../result/store.ts';
import { writeRunFolder } from '../../report/run-folder.ts';
import { isCompareFolder, readCompare, writeCompareFolder } from '../../report/compare-folder.ts';
import { dirname, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';

export const report: Command = {
  name: 'report',
  summary: 're-render report.md, report.html and charts/*.svg of a run from its result.json alone',
  help: `Usage: exposure-lab report <run folder | result.json | compare folder> [--out <dir>]

Reads result.json (validated against infra/schemas/result.schema.json; a bad file is refused with the field
named), and writes report.md, report.html (self-contained, charts inline as SVG) and charts/*.svg.
result.json itself is not modified. A comparison folder (reports/compare/<time>/) is re-rendered from
its compare.json the same way. The output folder is the last line on stdout.

Options (defaults in brackets):
  --out <dir>   where to write the views [the folder holding result.json]

Example: exposure-lab report reports/runs/20250101T120000Z-public-nlb`,
  async run(argv) {
    const { values, positionals } = parseOptions('report', argv, { out: { type: 'string' } });
    const target = positionals[0];
    if (!target) throw new UserError('report: which run?', 'exposure-lab report reports/runs/<time>-<scenario> (or a path to result.json)');
    if (isCompareFolder(target)) {
      // A comparison folder re-renders from compare.json the same way.
      const dir = resolve(values.out || (target.endsWith('.json') ? dirname(target) : target));
      mkdirSync(dir, { recursive: true });
      const files = await writeCompareFolder(dir, readCompare(target), { rewriteJson: false });
      for (const f of files) console.error(`wrote ${f}`);
      console.log(dir);
      return 0;
    }
    const result = readResult(target);
    const dir = resolve(values.out || dirname(resultFile(target)));
    mkdirSync(dir, { recursive: true });
    // The stored result.json stays byte for byte as it was.
    const { files } = await writeRunFolder(dir, result, { rewriteResult: false });
    for (const f of files) console.error(`wrote ${f}`);
    console.log(dir);
    return 0;
  },
};
