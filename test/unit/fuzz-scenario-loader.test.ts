// Inputs that never crash: 10,000 seeded mutants of the shipped scenarios through the scenario loader. Each
// must come back as a scenario or as located errors (file, line, column, field, message, hint), never as an
// exception; a scenario that loads must also compile into the model's path (the first consumer of what the
// loader accepts). Mutation operators: test/helpers/yaml-mutate.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioText } from '../../harness/scenario/load.ts';
import { scenarioNames, SCENARIO_DIR } from '../../harness/scenario/resolve.ts';
import { compilePath } from '../../harness/providers/model/path.ts';
import { mutants, OPERATORS } from '../helpers/yaml-mutate.ts';
import { fuzzLoader } from '../helpers/fuzz-check.ts';

const CASES = 10_000;
const SEED = 17;

describe('scenario loader fuzz', () => {
  // CPU-bound (the YAML parser): about 5-10 s on this 2-core machine when it is quiet, several times that
  // when other suites share it; the timeout only guards against a hang.
  it(`${CASES} mutated scenarios: a scenario or located errors, never an exception`, { timeout: 300_000 }, () => {
    const seeds = scenarioNames().map((n) => readFileSync(join(SEED_DIR(), `${n}.yaml`), 'utf8'));
    // Schema-valid mutants reach the rules and the model too.
    const { failures, codes, used, loaded } = fuzzLoader(mutants(seeds, CASES, SEED), 'mutant.yaml', (bytes, file) => {
      const r = loadScenarioText(bytes, file);
      if (r.scenario) compilePath(r.scenario);
      return { diagnostics: r.diagnostics, loaded: !!r.scenario };
    });
    expect(failures.slice(0, 5)).toEqual([]);
    // The mutants exercised what they are meant to: every operator, and the loader's distinct refusals.
    for (const op of [...OPERATORS.text, ...OPERATORS.data, ...OPERATORS.bytes]) expect(used.get(op) ?? 0, op).toBeGreaterThan(20);
    for (const code of ['yaml-syntax', 'yaml-alias-unknown', 'yaml-alias-expansion', 'yaml-too-deep', 'not-utf8', 'schema-unrecognized_keys', 'schema-invalid_type', 'schema-invalid_value', 'schema-too_small']) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    expect(loaded).toBeGreaterThan(100); // schema-valid mutants reach the rules and the model too
  });
});

function SEED_DIR(): string {
  return SCENARIO_DIR;
}
