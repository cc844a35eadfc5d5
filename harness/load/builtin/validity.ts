// The verdict on whether a run's latency figures can be trusted. Every threshold is named and explained
// here so that reports can quote it; a run failing any check is invalid and says why.
import type { Validity } from '../../result/types.ts';
import { LATE_THRESHOLD_MS } from './load-worker.ts';

/** Below this share of the target rate the system (or driver) did not sustain the offered load. */
export const MIN_ACHIEVED_RATIO = 0.99;
/** Late sends below this share of requests are not examined further (they cannot fill a p99 tail alone). */
export const MAX_LATE_FRACTION = 0.01;
/**
 * Lateness is material when the bias it can put on a reported percentile passes BOTH floors: this share of
 * the percentile (the gate's own material change for p99 is 10%) and this many ms beyond the 2 ms every
 * send may take anyway (timer granularity; a smaller excess is within the driver's resolution).
 */
export const MATERIAL_LATENESS_SHARE = 0.1;
export const MATERIAL_LATENESS_MS = 1;
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
  /**
   * The measured latency quantile function (q in 0..1 -> ms), e.g. from the run's histogram. With it, late
   * sends are judged by the bias they can cause on p50 and p99; without it, by their worst lag alone.
   */
  latencyAtMs?: (q: number) => number;
}

/** Quantiles whose bias decides whether lateness matters: what reports and the regression gate read. */
const JUDGED_QUANTILES = [0.5, 0.99] as const;

export interface BuiltinValidity extends Validity {
  lateThresholdMs: number;
  maxSendLagMs: number;
  errorRatio: number;
  notes: string[];
  /** Upper bound of the bias late sends can put on p50 and p99 beyond the accepted 2 ms, in ms. */
  latenessBiasMs?: { p50: number; p99: number };
}

/**
 * How much late sends can bias the reported percentiles. Latency is measured from the intended send time,
 * so a send lag is part of the latency (no coordinated omission), and every request may lag up to
 * LATE_THRESHOLD_MS anyway. Let Y be the latency with every lag capped at LATE_THRESHOLD_MS and X the
 * measured one; X >= Y, and X differs from Y only for the fraction f of requests that lagged more, by at
 * most L - LATE_THRESHOLD_MS. So P(X <= x) >= P(Y <= x) - f, hence Q_Y(q) >= Q_X(q - f), and the bias of
 * any quantile, Q_X(q) - Q_Y(q), is at most min(L - LATE_THRESHOLD_MS, Q_X(q) - Q_X(q - f)): both terms are
 * measured. The bias is material when it passes both floors.
 * Without the latency distribution only the first term is known, and the old count rule (more than 1% late)
 * is kept next to it.
 */
function latenessBias(v: ValidityInput): { material: boolean; boundMs: { p50: number; p99: number }; text: string } | null {
  if (!(v.scheduled > 0) || v.late === 0) return null;
  const f = v.late / v.scheduled;
  const excess = Math.max(0, v.maxSendLagMs - LATE_THRESHOLD_MS);
  const head = `${v.late} requests (${pct(f)}) were sent more than ${LATE_THRESHOLD_MS} ms after their intended time (worst lag ${v.maxSendLagMs.toFixed(1)} ms)`;
  const at = v.latencyAtMs;
  if (!at) {
    const material = f > MAX_LATE_FRACTION && excess > MATERIAL_LATENESS_MS;
    const why = material
      ? `more than ${pct(MAX_LATE_FRACTION)} late and up to ${excess.toFixed(1)} ms beyond the ${LATE_THRESHOLD_MS} ms any send may take: the driver (or the machine) held them back, and the latency figures carry it`
      : f > MAX_LATE_FRACTION
        ? `immaterial: at most ${excess.toFixed(1)} ms beyond the ${LATE_THRESHOLD_MS} ms any send may take (limit ${MATERIAL_LATENESS_MS} ms)`
        : `immaterial: at most ${pct(MAX_LATE_FRACTION)} of requests, too few to fill the p99 tail on their own`;
    return { material, boundMs: { p50: excess, p99: excess }, text: `${head}: ${why}` };
  }
  const bound = (q: number): number => Math.min(excess, Math.max(0, at(q) - at(Math.max(0, q - f))));
  const b = { p50: bound(0.5), p99: bound(0.99) };
  const floorMs = (q: number) => Math.max(MATERIAL_LATENESS_MS, MATERIAL_LATENESS_SHARE * at(q));
  const material = JUDGED_QUANTILES.some((q) => (q === 0.5 ? b.p50 : b.p99) > floorMs(q));
  const shown = `bias they can cause: p50 ${b.p50.toFixed(2)} of ${at(0.5).toFixed(2)} ms, p99 ${b.p99.toFixed(2)} of ${at(0.99).toFixed(2)} ms`;
  const text = material
    ? `${head}; ${shown}, more than ${pct(MATERIAL_LATENESS_SHARE)} and ${MATERIAL_LATENESS_MS} ms: the driver (or the machine) held them back, and the latency figures carry it`
    : `${head}; ${shown}: within ${pct(MATERIAL_LATENESS_SHARE)} or ${MATERIAL_LATENESS_MS} ms, immaterial`;
  return { material, boundMs: b, text };
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
  } else if (achievedRatio < MIN_ACHIEVED_RATIO && (1 - achievedRatio) * v.scheduled > 1) {
    // Short by more than one request: a single response that completed just past the window's end is counting granularity, not a system that fell behind.
    reasons.push(`achieved ${v.achievedRps.toFixed(1)} rps = ${pct(achievedRatio)} of the ${v.targetRps.toFixed(1)} rps target (minimum ${pct(MIN_ACHIEVED_RATIO)})`);
  }
  const lateness = latenessBias(v);
  if (lateness?.material) reasons.push(lateness.text);
  else if (lateness) notes.push(lateness.text);
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
    ...(lateness ? { latenessBiasMs: lateness.boundMs } : {}),
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
