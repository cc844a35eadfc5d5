// Reading and writing run folders. result.json is the source of truth; every view is rendered from it.
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../result/types.ts';
import { UserError } from '../lib/errors.ts';

export function writeResult(dir: string, result: RunResult): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'result.json');
  writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
  return file;
}

export function readResult(pathOrDir: string): RunResult {
  const file = existsSync(pathOrDir) && statSync(pathOrDir).isDirectory() ? join(pathOrDir, 'result.json') : pathOrDir;
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
  return data;
}
