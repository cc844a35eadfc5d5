// Inputs that never crash: 10,000 seeded mutants of the shipped traffic profiles through the profile loader
// (it shares the strict YAML code with scenarios and the tool manifest). Each must come back as a profile or
// as located errors, never as an exception. Mutation operators: test/helpers/yaml-mutate.ts.
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadProfileText } from '../../harness/cost/profile.ts';
import { PROJECT_ROOT } from '../../harness/lib/paths.ts';
import { availableRegions } from '../../harness/cost/prices.ts';
import { mutants, OPERATORS } from '../helpers/yaml-mutate.ts';
import { fuzzLoader } from '../helpers/fuzz-check.ts';

const CASES = 10_000;
const SEED = 23;

describe('profile loader fuzz', () => {
  // CPU-bound (the YAML parser): see fuzz-scenario-loader.test.ts for the time it takes.
  it(`${CASES} mutated profiles: a profile or located errors, never an exception`, { timeout: 300_000 }, () => {
    const dir = join(PROJECT_ROOT, 'profiles');
    const seeds = readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => readFileSync(join(dir, f), 'utf8'));
    expect(seeds.length).toBeGreaterThan(0);
    // Read once: the loader's default reads the price snapshot folder on every call.
    const regions = availableRegions();
    const { failures, codes, used, loaded } = fuzzLoader(mutants(seeds, CASES, SEED), 'mutant-profile.yaml', (bytes, file) => {
      const r = loadProfileText(bytes, file, regions);
      return { diagnostics: r.diagnostics, loaded: !!r.profile };
    });
    expect(failures.slice(0, 5)).toEqual([]);
    for (const op of [...OPERATORS.text, ...OPERATORS.data, ...OPERATORS.bytes]) expect(used.get(op) ?? 0, op).toBeGreaterThan(20);
    for (const code of ['yaml-syntax', 'yaml-alias-unknown', 'yaml-alias-expansion', 'yaml-too-deep', 'not-utf8', 'schema-unrecognized_keys', 'schema-invalid_type', 'schema-too_small', 'profile-method-mix-sum']) {
      expect(codes.get(code) ?? 0, code).toBeGreaterThan(0);
    }
    expect(loaded).toBeGreaterThan(100);
  });
});
