// Finding scenario files: a name from scenarios/ or a path, and loading them or failing with a clear error.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { PROJECT_ROOT } from '../lib/paths.ts';
import { loadScenarioFile } from './load.ts';
import { formatDiagnostic, type LocatedDiagnostic } from '../lib/diagnostics.ts';
import type { Scenario } from './model.ts';
import { closest } from '../lib/diagnostics.ts';

export { PROJECT_ROOT };
export const SCENARIO_DIR = join(PROJECT_ROOT, 'scenarios');

export function scenarioNames(dir = SCENARIO_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .map((f) => f.replace(/\.ya?ml$/, ''))
    .sort();
}

export function scenarioPath(nameOrPath: string): string {
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.yaml') || nameOrPath.endsWith('.yml')) {
    if (!existsSync(nameOrPath)) throw new UserError(`scenario file ${nameOrPath} does not exist`, 'check the path, or pass a name from `exposure-lab list`');
    return nameOrPath;
  }
  for (const ext of ['.yaml', '.yml']) {
    const p = join(SCENARIO_DIR, nameOrPath + ext);
    if (existsSync(p)) return p;
  }
  const names = scenarioNames();
  const near = closest(nameOrPath, names);
  throw new UserError(`no scenario named "${nameOrPath}"`, (near ? `did you mean "${near}"? ` : '') + `scenarios: ${names.join(', ')}`);
}

/** Loads and validates; on errors throws a UserError whose message lists every located problem. */
export function loadScenarioOrThrow(nameOrPath: string, warn: (d: LocatedDiagnostic) => void = () => {}): Scenario {
  const file = scenarioPath(nameOrPath);
  const { scenario, diagnostics } = loadScenarioFile(file);
  diagnostics.filter((d) => d.severity === 'warning').forEach(warn);
  if (!scenario) {
    const errs = diagnostics.filter((d) => d.severity === 'error');
    throw new UserError(`${file} has ${errs.length} error(s):\n${errs.map(formatDiagnostic).join('\n')}`, `fix them, then check with: exposure-lab validate ${file}`, 1);
  }
  return scenario;
}
