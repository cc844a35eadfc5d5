// The shape of one CLI command: thin (parse, call, print). Commands register in cli/commands/index.ts.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../lib/errors.ts';

export interface Command {
  name: string;
  /** One line for `exposure-lab --help`. */
  summary: string;
  /** Full help: usage, every option with its default, an example. */
  help: string;
  /** Returns the process exit code. Throw UserError for bad input. */
  run(argv: string[]): Promise<number>;
}

/** node:util parseArgs with errors turned into UserError naming the command. */
export function parseOptions<T extends ParseArgsConfig['options']>(command: string, argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UserError(`${command}: ${(e as Error).message}`, `see: exposure-lab ${command} --help`);
  }
}

export function numberOption(command: string, name: string, raw: string | undefined, fallback: number, min = 0): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UserError(`${command}: --${name} must be a number >= ${min}, got "${raw}"`, `e.g. --${name} ${fallback}`);
  return n;
}
