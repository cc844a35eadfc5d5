// The stored baseline of the gate: a history of sessions of runs (run-level figures only, a few hundred
// bytes per run) plus what they were measured under. Reading it is strict and every problem is located:
// file, line, column and the JSON path, so a truncated or hand-edited baseline fails with a message a user
// can act on (exit 2), never a stack trace.
import { findNodeAtLocation, parse as parseJsonc, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { UserError } from '../../lib/errors.ts';
import type { RunResult } from '../../result/types.ts';
import { resultIssues } from '../../result/schema.ts';
import { formatPath } from '../../lib/diagnostics.ts';
import { decodeHistogram } from '../../load/histogram.ts';
import { runMetadata, type RunMetadata } from './metadata.ts';
import { runSample, type RunSample } from './sample.ts';

export const BASELINE_KIND = 'exposure-lab/baseline-history';
export const BASELINE_FORMAT_VERSION = 1;

export interface BaselineSession {
  /** Unique within the history, e.g. the UTC time the session started. */
  id: string;
  metadata: RunMetadata;
  runs: RunSample[];
}

export interface BaselineHistory {
  kind: typeof BASELINE_KIND;
  formatVersion: number;
  scenario: string;
  /** Oldest first. The gate uses every session; `baseline record` appends one and keeps the newest few. */
  sessions: BaselineSession[];
}

const RunSampleSchema = z.object({
  startedAt: z.string(),
  requests: z.number().int().nonnegative(),
  durationS: z.number().nonnegative(),
  targetRps: z.number().nonnegative(),
  achievedRps: z.number().nonnegative(),
  errors: z.number().int().nonnegative(),
  p50Ms: z.number().nonnegative(),
  p99Ms: z.number().nonnegative(),
  withinSe: z.object({ lnP50: z.number(), lnP99: z.number() }).optional(),
  valid: z.boolean(),
  reasons: z.array(z.string()),
  environmentInvalid: z.boolean(),
  latencyUsable: z.object({ p50: z.boolean(), p99: z.boolean() }).optional(),
  clientIp: z.object({ checked: z.number().int().nonnegative(), retained: z.number().int().nonnegative() }),
  spoofable: z.array(z.string()).nullable(),
});

const RunMetadataSchema = z.object({
  scenario: z.string(),
  scenarioSha256: z.string(),
  provider: z.string(),
  labVersion: z.string(),
  gitRevision: z.string().nullable(),
  resultSchemaVersion: z.number().int(),
  machine: z.object({ platform: z.string(), cpus: z.number().int().positive(), cpuModel: z.string().optional(), node: z.string() }),
  load: z.object({
    driver: z.string(),
    executor: z.string(),
    targetRps: z.number().nonnegative(),
    durationS: z.number().nonnegative(),
    warmupS: z.number().nonnegative(),
    connectionMode: z.string(),
    sources: z.number().int().nonnegative(),
    injectLatency: z.boolean().nullable(),
  }),
  latencyFidelity: z.string(),
  realization: z.array(z.object({ hop: z.string(), component: z.string(), realizedBy: z.string() })),
});

const BaselineHistorySchema = z.object({
  kind: z.literal(BASELINE_KIND),
  formatVersion: z.number().int().positive(),
  scenario: z.string().min(1),
  sessions: z.array(z.object({ id: z.string().min(1), metadata: RunMetadataSchema, runs: z.array(RunSampleSchema).min(1) })).min(1),
});

/** A problem in a baseline file, located. Exit code 2 (bad input) like every UserError. */
export class BaselineFileError extends UserError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly jsonPath: string,
    problem: string,
    hint: string,
  ) {
    super(`${file}:${line}:${column}: ${jsonPath === '(document)' ? '' : `${jsonPath}: `}${problem}`, hint);
    this.name = 'BaselineFileError';
  }
}

const HINT_CORRUPT = 'the file is damaged (cut off or edited by hand): restore it from git (git checkout -- <file>) or record the baseline again (exposure-lab baseline record <scenario>)';

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Offset of the node at `path`, or of its deepest existing ancestor (a missing key is reported at its object). */
function offsetOf(text: string, path: ReadonlyArray<PropertyKey>): number {
  const root = parseTree(text);
  if (!root) return 0;
  for (let n = path.length; n >= 0; n--) {
    const node = findNodeAtLocation(root, path.slice(0, n) as Array<string | number>);
    if (node) return node.parent?.type === 'property' && n === path.length ? node.parent.offset : node.offset;
  }
  return 0;
}

const SYNTAX: Record<string, string> = {
  InvalidSymbol: 'an unexpected character',
  ValueExpected: 'a value is missing',
  ColonExpected: 'a ":" is missing',
  CommaExpected: 'a "," is missing',
  CloseBraceExpected: 'a "}" is missing',
  CloseBracketExpected: 'a "]" is missing',
  PropertyNameExpected: 'a property name in double quotes is missing',
  EndOfFileExpected: 'there is text after the end of the JSON document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'a string is not closed',
  UnexpectedEndOfNumber: 'a number is cut off',
  InvalidUnicode: 'an invalid \\u escape',
  InvalidEscapeCharacter: 'an invalid escape character',
  InvalidCharacter: 'an invalid character in a string',
};

/**
 * Parses a baseline: a baseline history, or (for baselines stored before histories existed) a single
 * result.json, which becomes a history of one session of one run. Throws BaselineFileError with the
 * position of the first problems.
 */
export function parseBaseline(text: string, file: string): { history: BaselineHistory; legacy: boolean } {
  const errors: ParseError[] = [];
  const data: unknown = parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length) {
    const first = errors[0];
    const { line, column } = lineColumn(text, first.offset);
    // Cut mid-string, the error sits where the string opens: the file still ends early if nothing closes it.
    const openString = printParseErrorCode(first.error) === 'UnexpectedEndOfString' && !text.slice(first.offset + 1).includes('"');
    const truncated = first.offset >= text.trimEnd().length || openString;
    const what = SYNTAX[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error);
    throw new BaselineFileError(file, line, column, '(document)', truncated ? `the JSON ends early (${text.length} bytes): the file is truncated` : `not valid JSON: ${what}`, HINT_CORRUPT);
  }
  const locateIssues = (issues: Array<{ path: ReadonlyArray<PropertyKey>; message: string }>, hint: string): never => {
    const first = issues[0];
    const pos = lineColumn(text, offsetOf(text, first.path));
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more: ${issues.slice(1, 4).map((i) => formatPath(i.path)).join(', ')}${issues.length > 4 ? ', ...' : ''})` : '';
    throw new BaselineFileError(file, pos.line, pos.column, formatPath(first.path), `${first.message}${more}`, hint);
  };
  if (data && typeof data === 'object' && !Array.isArray(data) && (data as { kind?: unknown }).kind === BASELINE_KIND) {
    const parsed = BaselineHistorySchema.safeParse(data);
    if (!parsed.success) {
      locateIssues(
        parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
        `${HINT_CORRUPT}; the format is described in docs/regression-gate.md`,
      );
    }
    const h = data as BaselineHistory;
    if (h.formatVersion > BASELINE_FORMAT_VERSION) {
      throw new BaselineFileError(file, lineColumn(text, text.indexOf('"formatVersion"')).line, 1, 'formatVersion', `format version ${h.formatVersion} is newer than this lab reads (${BASELINE_FORMAT_VERSION})`, 'upgrade exposure-lab, or record the baseline again with this version');
    }
    const ids = new Set<string>();
    h.sessions.forEach((s, i) => {
      if (ids.has(s.id)) locateIssues([{ path: ['sessions', i, 'id'], message: `session id "${s.id}" appears twice` }], HINT_CORRUPT);
      ids.add(s.id);
      if (s.metadata.scenario !== h.scenario) locateIssues([{ path: ['sessions', i, 'metadata', 'scenario'], message: `session of scenario "${s.metadata.scenario}" in the history of "${h.scenario}"` }], 'keep one history per scenario: remove the session or move it to its own baseline file');
    });
    return { history: h, legacy: false };
  }
  // A result.json stored as a baseline before histories existed.
  if (data && typeof data === 'object' && typeof (data as { schemaVersion?: unknown }).schemaVersion === 'number') {
    const issues = resultIssues(data);
    if (issues.length) {
      locateIssues(
        issues.map((i) => ({ path: i.path.split(/\.|\[|\]/).filter((seg) => seg && seg !== '(root)').map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg)), message: i.message })),
        'this looks like a result.json that was damaged or edited: restore it from git, or record the baseline again',
      );
    }
    // The schema sees the histogram as a string; a damaged one must be located here, not thrown later.
    const hist = (data as RunResult).latencyMs?.histogram;
    if (hist) {
      try {
        decodeHistogram(hist);
      } catch (e) {
        locateIssues([{ path: ['latencyMs', 'histogram', 'data'], message: `the latency histogram does not decode (${(e as Error).message})` }], 'this looks like a result.json that was damaged or edited: restore it from git, or record the baseline again');
      }
    }
    return { history: historyFromResults([data as RunResult]), legacy: true };
  }
  return locateIssues([{ path: [], message: `neither a baseline history (kind "${BASELINE_KIND}") nor a result.json (schemaVersion)` }], 'pass a baseline written by exposure-lab (reports/baselines/<scenario>.json)');
}

/** A history of one session from the result.json files of one session's runs (same scenario). */
export function historyFromResults(results: RunResult[], sessionId?: string): BaselineHistory {
  if (!results.length) throw new Error('historyFromResults: no runs');
  const scenario = results[0].scenario;
  const other = results.find((r) => r.scenario !== scenario);
  if (other) throw new UserError(`runs of two scenarios in one baseline session: ${scenario} and ${other.scenario}`, 'record each scenario into its own baseline');
  return {
    kind: BASELINE_KIND,
    formatVersion: BASELINE_FORMAT_VERSION,
    scenario,
    sessions: [{ id: sessionId ?? results[0].meta.startedAt, metadata: runMetadata(results[results.length - 1]), runs: results.map(runSample) }],
  };
}

/** Appends a session and keeps the newest `keep` sessions (the learned drift needs several). */
export function appendSession(h: BaselineHistory, s: BaselineSession, keep = 5): BaselineHistory {
  if (s.metadata.scenario !== h.scenario) throw new UserError(`cannot add a session of ${s.metadata.scenario} to the baseline of ${h.scenario}`, 'record each scenario into its own baseline');
  return { ...h, sessions: [...h.sessions.filter((x) => x.id !== s.id), s].slice(-keep) };
}

/** The gate's view of a history: every run with its session id. */
export function historyRuns(h: BaselineHistory): { runs: RunSample[]; sessions: string[] } {
  const runs: RunSample[] = [];
  const sessions: string[] = [];
  for (const s of h.sessions) {
    for (const r of s.runs) {
      runs.push(r);
      sessions.push(s.id);
    }
  }
  return { runs, sessions };
}
