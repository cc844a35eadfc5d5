// Inputs that never crash, lightly, for the other user-editable files: the tool manifest and the calibration
// overlay (they load through the same strict YAML code as scenarios and profiles) and the regression gate's
// baseline history (JSON, its own located reader).
// Each mutant must load or come back as located problems, never as an exception.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { MANIFEST_PATH, parseManifest } from '../../harness/tools/manifest.ts';
import { BaselineFileError, historyFromResults, historyRuns, parseBaseline } from '../../harness/analysis/gate/baseline-file.ts';
import { synthResult } from '../fixtures/results/synthetic.ts';
import { mutants } from '../helpers/yaml-mutate.ts';
import { buildOverlay } from '../../harness/calibration/build.ts';
import { overlayYaml, parseOverlay } from '../../harness/calibration/overlay.ts';
import { fuzzLoader, head, type FuzzFailure } from '../helpers/fuzz-check.ts';

describe('other loaders fuzz', () => {
  // Each file is CPU-bound on the YAML parser; timeouts only guard against a hang on a loaded machine.
  it('80 mutated tool manifests (19 KB each: kept light): a manifest or located problems', { timeout: 180_000 }, () => {
    const { failures, loaded } = fuzzLoader(mutants([readFileSync(MANIFEST_PATH, 'utf8')], 80, 31), 'tools.yaml', (bytes, file) => {
      const r = parseManifest(bytes, file);
      return { diagnostics: r.diagnostics, loaded: !!r.manifest };
    });
    const refused = 80 - loaded;
    expect(failures.slice(0, 5)).toEqual([]);
    expect(refused).toBeGreaterThan(40);
  });

  it('600 mutated calibration overlays: an overlay or located problems', { timeout: 180_000 }, () => {
    // A real overlay to mutate: two synthetic runs of a ladder, fitted.
    const direct = synthResult({ scenario: 'direct', seed: 1, medianMs: 0.4, p99Ms: 1.2, durationS: 3 });
    const nodeport = synthResult({ scenario: 'nodeport', seed: 2, medianMs: 0.55, p99Ms: 1.6, durationS: 3 });
    direct.hops = [];
    nodeport.hops = [{ name: 'kube-proxy', component: 'kube-proxy', realizedBy: 'x', fidelity: 'measured' }];
    const seed = overlayYaml(buildOverlay([{ file: 'direct.json', result: direct }, { file: 'nodeport.json', result: nodeport }], { name: 'fuzz', createdAt: 'now' }).doc);
    expect(parseOverlay(seed, 'seed.yaml').diagnostics).toEqual([]);
    const { failures, loaded } = fuzzLoader(mutants([seed], 600, 41), 'overlay.yaml', (bytes, file) => {
      const r = parseOverlay(bytes, file);
      return { diagnostics: r.diagnostics, loaded: !!r.overlay };
    });
    const refused = 600 - loaded;
    expect(failures.slice(0, 5)).toEqual([]);
    expect(refused).toBeGreaterThan(300);
  });

  it('2,000 mutated baseline histories: a history or a located BaselineFileError', { timeout: 180_000 }, () => {
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
