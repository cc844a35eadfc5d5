// Reading and writing run folders. result.json is the source of truth; every view is rendered from it.
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './types.ts';
import { UserError } from '../lib/errors.ts';
import { RESULT_SCHEMA_VERSION } from './types.ts';
import { resultIssues } from './schema.ts';

export function writeResult(dir: string, result: RunResult): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'result.json');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

/** The result.json a user means: the file itself, or the one inside a run folder. */
export function resultFile(pathOrDir: string): string {
  return existsSync(pathOrDir) && statSync(pathOrDir).isDirectory() ? join(pathOrDir, 'result.json') : pathOrDir;
}

/** Reads and validates result.json; every problem becomes a UserError naming the file and the field. */
export function readResult(pathOrDir: string): RunResult {
  const file = resultFile(pathOrDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UserError(`cannot read ${file}`, 'pass a run folder (reports/runs/<time>-<scenario>) or its result.json');
  }
  let data: RunResult;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`, 'pass a result.json written by exposure-lab');
  }
  if (typeof data?.schemaVersion !== 'number' || !data.scenario) {
    throw new UserError(`${file} is not an exposure-lab result (no schemaVersion/scenario)`, 'pass a result.json written by exposure-lab bench');
  }
  if (data.schemaVersion > RESULT_SCHEMA_VERSION) {
    throw new UserError(`${file} has schemaVersion ${data.schemaVersion}; this lab reads up to ${RESULT_SCHEMA_VERSION}`, 'upgrade exposure-lab, or re-run the scenario with this version');
  }
  const issues = resultIssues(data);
  if (issues.length) {
    const list = issues.slice(0, 8).map((i) => `${i.path}: ${i.message}`).join('; ');
    const more = issues.length > 8 ? ` (and ${issues.length - 8} more)` : '';
    throw new UserError(`${file} does not match the result.json schema v${RESULT_SCHEMA_VERSION}: ${list}${more}`, 'see docs/result-format.md and infra/schemas/result.schema.json; a file edited by hand or written by another tool must keep every required field');
  }
  // The original object is returned (not zod's output) so fields added later within the version survive a re-render.
  return data;
}
