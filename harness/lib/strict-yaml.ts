// Strict loading of a versioned YAML document against a zod schema: YAML syntax (duplicate keys included),
// then the schema. Every problem comes back located (file, line, column, field) with a hint. Scenarios and
// traffic profiles both load through it.
import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { explainIssue, type Refs } from './schema-messages.ts';
import { formatPath, type LocatedDiagnostic } from './diagnostics.ts';
import { locate } from './positions.ts';

export interface StrictParse<T> {
  /** Present when there is no error. */
  data?: T;
  doc: Document;
  lc: LineCounter;
  diagnostics: LocatedDiagnostic[];
}

export function parseStrictYaml<T>(
  source: string,
  file: string,
  schema: z.ZodType<T>,
  o: { startFrom: string } & Refs,
): StrictParse<T> {
  const lc = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const diagnostics: LocatedDiagnostic[] = [];
  for (const err of doc.errors) {
    const p = lc.linePos(err.pos[0]);
    diagnostics.push({
      severity: 'error', code: 'yaml-syntax', file, line: p.line, column: p.col, field: '(syntax)',
      message: err.message.split('\n')[0],
      hint: err.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key' : 'fix the YAML syntax (indentation with spaces, "key: value")',
    });
  }
  if (diagnostics.length) return { doc, lc, diagnostics };
  const raw = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.push({ severity: 'error', code: 'not-a-mapping', file, line: 1, column: 1, field: '(document)', message: 'the document is not a YAML mapping', hint: `start from ${o.startFrom}` });
    return { doc, lc, diagnostics };
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { data: parsed.data, doc, lc, diagnostics };
  for (const issue of parsed.error.issues) {
    for (const ex of explainIssue(issue, schema, raw, o)) {
      const path = ex.atKey ? [...issue.path, ex.atKey] : issue.path;
      const pos = locate(doc, lc, path, !!ex.atKey);
      diagnostics.push({ severity: 'error', code: `schema-${issue.code}`, file, line: pos.line, column: pos.column, field: formatPath(path), message: ex.message, hint: ex.hint });
    }
  }
  return { doc, lc, diagnostics: sortDiagnostics(diagnostics) };
}

export function sortDiagnostics(ds: LocatedDiagnostic[]): LocatedDiagnostic[] {
  return [...ds].sort((a, b) => a.line - b.line || a.column - b.column);
}
