// What every strict loader owes a malformed input: a located problem, never an exception. Shared by the
// loader fuzz tests; a failure names the operators that produced the case and the first bytes of it.
import type { LocatedDiagnostic } from '../../harness/lib/diagnostics.ts';

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
