// Inputs that never crash, lightly, for the other user-editable files: the tool manifest (it loads through
// the same strict YAML code as scenarios and profiles) and the regression gate's baseline history (JSON,
// its own located reader). Each mutant must load or come back as located problems, never as an exception.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MANIFEST_PATH, parseManifest } from '../../harness/tools/manifest.ts';
import { BaselineFileError, historyFromResults, historyRuns, parseBaseline } from '../../harness/analysis/gate/baseline-file.ts';
import { synthResult } from '../fixtures/results/synthetic.ts';
import { mutants } from '../helpers/yaml-mutate.ts';
import { checkDiagnostics, head, lineCount, type FuzzFailure } from '../helpers/fuzz-check.ts';

describe('other loaders fuzz', () => {
  it('120 mutated tool manifests (19 KB each: kept light): a manifest or located problems', () => {
    const failures: FuzzFailure[] = [];
    let refused = 0;
    for (const m of mutants([readFileSync(MANIFEST_PATH, 'utf8')], 120, 31)) {
      try {
        const r = parseManifest(m.bytes, 'tools.yaml');
        if (!r.manifest) refused++;
        for (const p of checkDiagnostics(r.diagnostics, 'tools.yaml', lineCount(m.bytes), !!r.manifest)) failures.push({ ops: m.ops, problem: p, head: head(m.bytes) });
      } catch (e) {
        failures.push({ ops: m.ops, problem: `threw: ${(e as Error)?.stack ?? e}`, head: head(m.bytes) });
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(refused).toBeGreaterThan(60);
  });

  it('2,000 mutated baseline histories: a history or a located BaselineFileError', () => {
    const runs = [1, 2, 3].map((seed) => synthResult({ seed, durationS: 2 }));
    const seeds = [JSON.stringify(historyFromResults(runs), null, 2), JSON.stringify(runs[0], null, 2)];
    const failures: FuzzFailure[] = [];
    let refused = 0;
    const dec = new TextDecoder();
    for (const m of mutants(seeds, 2000, 37, { json: true })) {
      const text = dec.decode(m.bytes);
      try {
        const { history } = parseBaseline(text, 'baseline.json');
        historyRuns(history); // what the gate reads next
      } catch (e) {
        if (!(e instanceof BaselineFileError)) {
          failures.push({ ops: m.ops, problem: `threw ${(e as Error)?.name}: ${(e as Error)?.stack ?? e}`, head: head(m.bytes) });
          continue;
        }
        refused++;
        const lines = text.split('\n').length;
        if (!(e.line >= 1 && e.line <= lines + 1 && e.column >= 1 && e.jsonPath && e.hint)) failures.push({ ops: m.ops, problem: `badly located: ${e.message}`, head: head(m.bytes) });
      }
    }
    expect(failures.slice(0, 5)).toEqual([]);
    expect(refused).toBeGreaterThan(500);
  });
});
