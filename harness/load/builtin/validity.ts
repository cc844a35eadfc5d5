// The verdict on whether a run's latency figures can be trusted. Every threshold is named and explained
// here so that reports can quote it; a run failing any check is invalid and says why.
import type { Validity } from '../../result/types.ts';
import { LATE_THRESHOLD_MS } from './load-worker.ts';

/** Below this share of the target rate the system (or driver) did not sustain the offered load. */
export const MIN_ACHIEVED_RATIO = 0.99;
/** More late sends than this means the driver's own delay is a visible part of the latency figures. */
export const MAX_LATE_FRACTION = 0.01;
/** Requests never sent are load that was not offered at all; more than 0.1% changes the experiment. */
export const MAX_UNSENT_FRACTION = 0.001;
/** Driver process CPU, percent of all cores: above this the driver competes with itself for CPU. */
export const MAX_DRIVER_CPU_PERCENT = 90;
/** Failed requests above this share make the latency a mix of failures and successes. */
export const MAX_ERROR_RATIO = 0.01;

export interface ValidityInput {
  closedModel: boolean;
  targetRps: number;
  achievedRps: number;
  /** Requests of the measurement window that were due: responses + transport errors + unsent. */
  scheduled: number;
  errors: number;
  late: number;
  unsent: number;
  maxSendLagMs: number;
  /** Undefined when the driver does not report it (k6 summaries): noted, not assumed fine. */
  driverCpuPercent?: number;
  interrupted: boolean;
}

export interface BuiltinValidity extends Validity {
  lateThresholdMs: number;
  maxSendLagMs: number;
  errorRatio: number;
  notes: string[];
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

export function judge(v: ValidityInput): BuiltinValidity {
  const reasons: string[] = [];
  const notes: string[] = [];
  const achievedRatio = v.closedModel ? 1 : v.targetRps > 0 ? v.achievedRps / v.targetRps : 0;
  const errorRatio = v.scheduled > 0 ? v.errors / v.scheduled : 0;
  if (v.interrupted) reasons.push('the run was interrupted before its planned end');
  if (v.scheduled === 0) reasons.push('no request was measured');
  if (v.closedModel) {
    notes.push('closed model (constant-vus): each user waits for its response, so latency hides queueing (coordinated omission); use an arrival-rate executor for latency');
  } else if (achievedRatio < MIN_ACHIEVED_RATIO) {
    reasons.push(`achieved ${v.achievedRps.toFixed(1)} rps = ${pct(achievedRatio)} of the ${v.targetRps.toFixed(1)} rps target (minimum ${pct(MIN_ACHIEVED_RATIO)})`);
  }
  if (v.scheduled > 0 && v.late / v.scheduled > MAX_LATE_FRACTION) {
    reasons.push(`${v.late} requests (${pct(v.late / v.scheduled)}) were sent more than ${LATE_THRESHOLD_MS} ms after their intended time (maximum ${pct(MAX_LATE_FRACTION)}; worst lag ${v.maxSendLagMs.toFixed(1)} ms): the driver or its connection limit held them back`);
  }
  if (v.scheduled > 0 && v.unsent / v.scheduled > MAX_UNSENT_FRACTION) {
    reasons.push(`${v.unsent} requests (${pct(v.unsent / v.scheduled)}) were never sent (maximum ${pct(MAX_UNSENT_FRACTION)}): raise maxConnections or lower the rate`);
  }
  if (v.driverCpuPercent === undefined) {
    notes.push('driver CPU was not measured: saturation of the load generator cannot be ruled out');
  } else if (v.driverCpuPercent > MAX_DRIVER_CPU_PERCENT) {
    reasons.push(`driver CPU ${v.driverCpuPercent.toFixed(0)}% of all cores (maximum ${MAX_DRIVER_CPU_PERCENT}%): the driver is saturated`);
  }
  if (errorRatio > MAX_ERROR_RATIO) {
    reasons.push(`${pct(errorRatio)} of requests failed (maximum ${pct(MAX_ERROR_RATIO)}): latency mixes failures with successes`);
  } else if (v.errors > 0) {
    notes.push(`${v.errors} requests failed (${pct(errorRatio)})`);
  }
  return {
    valid: reasons.length === 0,
    reasons,
    achievedRatio,
    lateRequests: v.late,
    unsentRequests: v.unsent,
    driverCpuPercent: v.driverCpuPercent,
    lateThresholdMs: LATE_THRESHOLD_MS,
    maxSendLagMs: v.maxSendLagMs,
    errorRatio,
    notes,
  };
}
