// Strict loading of a versioned YAML document against a zod schema: bytes (UTF-8 only), size and nesting
// guards, YAML syntax (duplicate keys, unknown tags, aliases to missing anchors, non-text keys), then the
// schema. Every problem comes back located (file, line, column, field) with a hint, never as an exception:
// scenarios, traffic profiles and the tool manifest all load through it, and a seeded fuzz test
// (test/unit/loader-fuzz.test.ts) holds it to that.
import { isAlias, isNode, LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { explainIssue, type Refs } from './schema-messages.ts';
import { formatPath, type LocatedDiagnostic } from './diagnostics.ts';
import { locate } from './positions.ts';

export interface StrictParse<T> {
  /** Present when there is no error. */
  data?: T;
  /** The document as plain data, when it got that far (schema errors): for loaders that explain them further. */
  raw?: unknown;
  doc: Document;
  lc: LineCounter;
  diagnostics: LocatedDiagnostic[];
}

/** Far above any real scenario, profile or manifest (a few KB); keeps a stray binary file from being parsed. */
export const MAX_DOCUMENT_BYTES = 1 << 20;
/** Nesting deeper than this is refused before parsing (the parser recurses; real documents nest < 10). */
export const MAX_NESTING = 64;
/** Aliases may repeat a value, not multiply it: a document expanding to more alias nodes is refused. */
const MAX_ALIAS_COUNT = 100;
/** One broken line can make the parser report hundreds of follow-on problems; the first ones locate it. */
export const MAX_DIAGNOSTICS = 50;

/** Decodes UTF-8 strictly; on bad bytes, the located problem instead of U+FFFD replacing them silently. */
export function decodeUtf8(bytes: Uint8Array, file: string): { text: string } | { diagnostic: LocatedDiagnostic } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = new TextDecoder('utf-8').decode(bytes.subarray(0, bad));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    return {
      diagnostic: {
        severity: 'error', code: 'not-utf8', file, line, column, field: '(file)',
        message: utf16 ? 'the file is UTF-16 text, not UTF-8' : `byte 0x${bytes[bad].toString(16).padStart(2, '0')} at offset ${bad} is not valid UTF-8`,
        hint: 'save the file as UTF-8 (YAML files here are plain UTF-8 text)',
      },
    };
  }
}

function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (i + k >= b.length || (b[i + k] & 0xc0) !== 0x80) return i;
    // Overlong, surrogate and out-of-range forms the decoder also refuses.
    if (n === 2 && ((c === 0xe0 && b[i + 1] < 0xa0) || (c === 0xed && b[i + 1] >= 0xa0))) return i;
    if (n === 3 && ((c === 0xf0 && b[i + 1] < 0x90) || (c === 0xf4 && b[i + 1] >= 0x90))) return i;
    i += n + 1;
  }
  return Math.max(0, b.length - 1);
}

/**
 * Where nesting first goes deeper than `max`, or null. A cheap scan ahead of the parser (which recurses):
 * flow brackets outside quotes and comments, and block levels by indentation. It can only over-count in
 * block scalars with more than `max` increasing indents, which no document here has.
 */
export function nestingTooDeep(text: string, max = MAX_NESTING): number | null {
  let flow = 0;
  let quote: '"' | "'" | null = null;
  const indents: number[] = [];
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (lineStart) {
      lineStart = false;
      if (flow === 0 && quote === null) {
        let j = i;
        while (text[j] === ' ' || text[j] === '-' && text[j + 1] === ' ') j += text[j] === '-' ? 2 : 1;
        if (j < text.length && text[j] !== '\n' && text[j] !== '#' && text[j] !== '\r') {
          const indent = j - i;
          while (indents.length && indents[indents.length - 1] >= indent) indents.pop();
          indents.push(indent);
          if (indents.length > max) return i;
        }
      }
    }
    if (ch === '\n') {
      lineStart = true;
      continue;
    }
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if ((ch === '"' || ch === "'") && flow > 0) quote = ch;
    else if (ch === '[' || ch === '{') {
      if (++flow > max) return i;
    } else if ((ch === ']' || ch === '}') && flow > 0) flow--;
  }
  return null;
}

export function parseStrictYaml<T>(
  source: string | Uint8Array,
  file: string,
  schema: z.ZodType<T>,
  o: { startFrom: string } & Refs,
): StrictParse<T> {
  const lc = new LineCounter();
  const fail = (d: LocatedDiagnostic[]): StrictParse<T> => ({ doc: parseDocument(''), lc, diagnostics: d });
  const at = (code: string, offset: number, message: string, hint: string, field = '(syntax)'): LocatedDiagnostic => {
    const p = lc.linePos(offset);
    return { severity: 'error', code, file, line: p.line, column: p.col, field, message, hint };
  };

  const size = typeof source === 'string' ? Buffer.byteLength(source) : source.length;
  if (size > MAX_DOCUMENT_BYTES) {
    return fail([{ severity: 'error', code: 'file-too-large', file, line: 1, column: 1, field: '(file)',
      message: `the file is ${size} bytes; documents here are at most ${MAX_DOCUMENT_BYTES} bytes`, hint: 'check that this is the YAML file you meant' }]);
  }
  let text: string;
  if (typeof source === 'string') text = source;
  else {
    const dec = decodeUtf8(source, file);
    if ('diagnostic' in dec) return fail([dec.diagnostic]);
    text = dec.text;
  }
  const deep = nestingTooDeep(text);
  if (deep !== null) {
    const before = text.slice(0, deep);
    return fail([{ severity: 'error', code: 'yaml-too-deep', file, line: before.split('\n').length, column: deep - before.lastIndexOf('\n'), field: '(syntax)',
      message: `nesting deeper than ${MAX_NESTING} levels`, hint: 'flatten the document: scenarios, profiles and manifests nest a few levels only' }]);
  }

  // stringKeys: a list or mapping used as a key is an error, not a key silently stringified.
  // resolveKnownTags off and merge off: YAML 1.1 types (!!binary, !!set, !!omap, !!timestamp) and `<<` merges
  // are not part of these formats; an unknown tag is reported instead of turning a value into something else.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, stringKeys: true, resolveKnownTags: false, merge: false });
  const diagnostics: LocatedDiagnostic[] = [];
  for (const err of [...doc.errors, ...doc.warnings]) {
    const hint =
      err.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key'
      : err.code === 'TAG_RESOLVE_FAILED' ? 'remove the tag (the text after "!"): values here are plain text, numbers, true/false, lists and mappings'
      : err.code === 'NON_STRING_KEY' ? 'write the key as plain text'
      : err.code === 'MULTIPLE_DOCS' ? 'keep one document per file (remove the "---" separators after the first)'
      : 'fix the YAML syntax (indentation with spaces, "key: value")';
    diagnostics.push(at('yaml-syntax', err.pos[0], err.message.split('\n')[0], hint));
  }
  if (diagnostics.length) return { doc, lc, diagnostics: capped(diagnostics, file) };

  // Aliases must name an anchor defined before them (the library would throw on them in toJS()). One pass
  // in document order: a node's anchor is seen before its children and before every later node.
  if (text.includes('*')) {
    const anchors = new Set<string>();
    visit(doc, (_key, node) => {
      if (isAlias(node)) {
        if (!anchors.has(node.source)) {
          diagnostics.push(at('yaml-alias-unknown', node.range?.[0] ?? 0, `alias *${node.source} refers to no anchor defined before it`,
            `define the anchor first (&${node.source} on an earlier value), or write the value out`));
        }
      } else if (isNode(node) && node.anchor) anchors.add(node.anchor);
    });
  }
  if (diagnostics.length) return { doc, lc, diagnostics: capped(diagnostics, file) };

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // The parser accepted the document but cannot build it (alias expansion past the guard, a tag's own
    // rule): located at the first alias when there is one, since that is what these failures involve.
    let pos = 0;
    visit(doc, { Alias(_k, node) { pos = node.range?.[0] ?? 0; return visit.BREAK; } });
    const msg = (e as Error).message ?? String(e);
    return {
      doc, lc,
      diagnostics: [/alias count/i.test(msg)
        ? at('yaml-alias-expansion', pos, `the aliases expand to more than ${MAX_ALIAS_COUNT} copies`, 'write the values out instead of nesting aliases of aliases')
        : at('yaml-unreadable', pos, `the YAML cannot be read: ${msg.split('\n')[0]}`, 'simplify the document: no aliases or tags are needed here')],
    };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    diagnostics.push({ severity: 'error', code: 'not-a-mapping', file, line: 1, column: 1, field: '(document)', message: 'the document is not a YAML mapping', hint: `start from ${o.startFrom}` });
    return { doc, lc, diagnostics };
  }
  const parsed = schema.safeParse(raw, { reportInput: true });
  if (parsed.success) return { data: parsed.data, raw, doc, lc, diagnostics };
  for (const issue of parsed.error.issues) {
    for (const ex of explainIssue(issue, schema, raw, o)) {
      const path = ex.atKey ? [...issue.path, ex.atKey] : issue.path;
      const pos = locate(doc, lc, path, !!ex.atKey);
      diagnostics.push({ severity: 'error', code: `schema-${issue.code}`, file, line: pos.line, column: pos.column, field: formatPath(path), message: ex.message, hint: ex.hint });
    }
  }
  return { raw, doc, lc, diagnostics: capped(sortDiagnostics(diagnostics), file) };
}

/** The first MAX_DIAGNOSTICS problems, and one line saying how many more there were. */
function capped(ds: LocatedDiagnostic[], file: string): LocatedDiagnostic[] {
  if (ds.length <= MAX_DIAGNOSTICS) return ds;
  const last = ds[MAX_DIAGNOSTICS - 1];
  return [
    ...ds.slice(0, MAX_DIAGNOSTICS),
    { severity: 'error', code: 'more-problems', file, line: last.line, column: last.column, field: '(document)',
      message: `${ds.length - MAX_DIAGNOSTICS} more problem(s) after these`, hint: 'fix the first ones: the rest often follow from them' },
  ];
}

export function sortDiagnostics(ds: LocatedDiagnostic[]): LocatedDiagnostic[] {
  return [...ds].sort((a, b) => a.line - b.line || a.column - b.column);
}
