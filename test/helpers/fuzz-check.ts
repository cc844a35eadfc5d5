// What every strict loader owes a malformed input: a located problem, never an exception. Shared by the
// loader fuzz tests; a failure names the operators that produced the case and the first bytes of it.
import type { LocatedDiagnostic } from '../../harness/lib/diagnostics.ts';
import type { Mutant } from './yaml-mutate.ts';

export interface FuzzFailure {
  ops: string[];
  problem: string;
  head: string;
}

/** Lines of the input as the loader counts them (a located line must exist, or be one past the end). */
export function lineCount(bytes: Uint8Array): number {
  let n = 1;
  for (const b of bytes) if (b === 0x0a) n++;
  return n;
}

/** Problems with a loader's answer, or [] when it is one a user can act on. */
export function checkDiagnostics(ds: LocatedDiagnostic[], file: string, lines: number, loaded: boolean): string[] {
  const out: string[] = [];
  if (!loaded && !ds.some((d) => d.severity === 'error')) out.push('refused without an error');
  for (const d of ds) {
    if (d.file !== file) out.push(`diagnostic names file ${d.file}`);
    if (!Number.isInteger(d.line) || d.line < 1 || d.line > lines + 1) out.push(`line ${d.line} outside 1..${lines + 1}`);
    if (!Number.isInteger(d.column) || d.column < 1) out.push(`column ${d.column}`);
    if (typeof d.field !== 'string' || !d.field) out.push('no field');
    if (!d.message || !d.hint) out.push(`no message or hint (${d.code})`);
    if (/internal error|this is a bug|\n\s+at /.test(`${d.message}\n${d.hint}`)) out.push(`internal error text: ${d.message}`);
  }
  return out;
}

export function head(bytes: Uint8Array): string {
  return JSON.stringify(new TextDecoder().decode(bytes.subarray(0, 160)));
}

/** What a fuzz run saw: the failures, each diagnostic code's count, each operator's count, inputs accepted. */
export interface FuzzTally {
  failures: FuzzFailure[];
  codes: Map<string, number>;
  used: Map<string, number>;
  loaded: number;
}

/**
 * Feeds every mutant to a strict loader (named `file` in its diagnostics) and checks each answer with
 * checkDiagnostics; a throw is a failure. `load` says whether the input was accepted (and may go on with it,
 * e.g. to compile the scenario: what it throws is a failure too).
 */
export function fuzzLoader(cases: Iterable<Mutant>, file: string, load: (bytes: Uint8Array, file: string) => { diagnostics: LocatedDiagnostic[]; loaded: boolean }): FuzzTally {
  const t: FuzzTally = { failures: [], codes: new Map(), used: new Map(), loaded: 0 };
  for (const m of cases) {
    for (const op of m.ops) t.used.set(op, (t.used.get(op) ?? 0) + 1);
    try {
      const r = load(m.bytes, file);
      for (const d of r.diagnostics) t.codes.set(d.code, (t.codes.get(d.code) ?? 0) + 1);
      if (r.loaded) t.loaded++;
      for (const p of checkDiagnostics(r.diagnostics, file, lineCount(m.bytes), r.loaded)) t.failures.push({ ops: m.ops, problem: p, head: head(m.bytes) });
    } catch (e) {
      t.failures.push({ ops: m.ops, problem: `threw: ${(e as Error)?.stack ?? e}`, head: head(m.bytes) });
    }
  }
  return t;
}
