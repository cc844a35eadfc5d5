// What a worker reports for one throughput interval. Every figure of the outcome is a sum of these, so a
// run stopped early still has everything measured up to its last report, and merging is exact.
import type { ErrorsByKind } from '../../result/types.ts';

export interface IntervalReport {
  /** Interval index from the start of measurement (warm-up excluded). */
  idx: number;
  /** HdrHistogram (us) of the responses completed in the interval, base64 compressed. */
  hist: string;
  responses: number;
  errors: number;
  errorsByKind: ErrorsByKind;
  bytesSent: number;
  bytesReceived: number;
  newConnections: number;
  /** Highest number of open connections of this worker during the interval. */
  maxConnections: number;
  /** Requests sent more than the lateness threshold after their intended time. */
  late: number;
  /** Largest send lag seen (ms), for the validity explanation. */
  maxLagMs: number;
  /** Requests never sent: no connection freed before their deadline, or the run was stopped. */
  unsent: number;
  ipChecked: number;
  ipRetained: number;
  ipOther: Record<string, number>;
  tallies: Record<string, Record<string, number>>;
}

export function emptyErrors(): ErrorsByKind {
  return { connect: 0, timeout: 0, reset: 0, status4xx: 0, status5xx: 0, other: 0, byStatus: {} };
}

export function emptyReport(idx: number): IntervalReport {
  return {
    idx,
    hist: '',
    responses: 0,
    errors: 0,
    errorsByKind: emptyErrors(),
    bytesSent: 0,
    bytesReceived: 0,
    newConnections: 0,
    maxConnections: 0,
    late: 0,
    maxLagMs: 0,
    unsent: 0,
    ipChecked: 0,
    ipRetained: 0,
    ipOther: {},
    tallies: {},
  };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

/**
 * Adds `from` into `into` (histograms are merged by the caller, which owns decoding). maxConnections adds
 * because reports of one interval come from different workers with disjoint connection pools.
 */
export function addReport(into: IntervalReport, from: IntervalReport): void {
  into.responses += from.responses;
  into.errors += from.errors;
  const e = into.errorsByKind;
  const f = from.errorsByKind;
  e.connect += f.connect;
  e.timeout += f.timeout;
  e.reset += f.reset;
  e.status4xx += f.status4xx;
  e.status5xx += f.status5xx;
  e.other += f.other;
  addCounts(e.byStatus, f.byStatus);
  into.bytesSent += from.bytesSent;
  into.bytesReceived += from.bytesReceived;
  into.newConnections += from.newConnections;
  into.maxConnections += from.maxConnections;
  into.late += from.late;
  into.maxLagMs = Math.max(into.maxLagMs, from.maxLagMs);
  into.unsent += from.unsent;
  into.ipChecked += from.ipChecked;
  into.ipRetained += from.ipRetained;
  addCounts(into.ipOther, from.ipOther);
  for (const [h, values] of Object.entries(from.tallies)) addCounts((into.tallies[h] ??= {}), values);
}
