// What the gate keeps of one run: the run-level figures it compares. The run, not the request or the
// 1-second interval, is the unit of evidence: most of the noise is between runs (machine state,
// scheduling, where the processes landed), so requests and intervals of one run are not independent.
import type { RunResult } from '../../result/types.ts';
import { decodeHistogram } from '../../load/histogram.ts';
import { MATERIAL_LATENESS_MS, MATERIAL_LATENESS_SHARE } from '../../load/builtin/validity.ts';

export interface RunSample {
  startedAt: string;
  /** Requests measured (responses + transport errors), warm-up excluded. */
  requests: number;
  durationS: number;
  targetRps: number;
  achievedRps: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Standard error of ln(p50) and ln(p99) from request-level sampling inside the run, from its histogram
   * (sqrt(q(1-q)/n) times the slope of ln Q at q). The variance model separates it from between-run noise.
   */
  withinSe?: { lnP50: number; lnP99: number };
  /** Validity verdict of the run (harness/load/builtin/validity.ts) and its reasons. */
  valid: boolean;
  reasons: string[];
  /**
   * The run is invalid for a cause in the measuring environment (late or unsent sends, a saturated driver,
   * an interruption, nothing measured), not in the system under test. Such a run says nothing about the
   * system; a gate with too few other runs is inconclusive, never passed.
   */
  environmentInvalid: boolean;
  /**
   * Which latency figures of the run are unbiased. A valid run: both. A run invalid only because of late
   * sends: the percentiles whose lateness bias bound (validity.latenessBiasMs) is immaterial, since late
   * sends only bias what they can reach (a p99 stretched by a stalled second leaves a p50 of thousands of
   * requests alone). Any other reason: neither. Absent (older files): the run's validity decides.
   */
  latencyUsable?: { p50: boolean; p99: boolean };
  clientIp: { checked: number; retained: number };
  /** Probes that found the path spoofable, or null when the run had no spoofing probes. */
  spoofable: string[] | null;
}

/** Minimum achieved share of the target rate and maximum error ratio of a valid run (validity.ts). */
const SYSTEM_RATE_RATIO = 0.99;
const SYSTEM_ERROR_RATIO = 0.01;

/** Within-run standard error of ln Q(q), from the histogram's slope around q. */
function lnQuantileSe(at: (q: number) => number, q: number, n: number): number | undefined {
  if (n < 2) return undefined;
  const h = Math.min(0.02, (1 - q) / 2, q / 2);
  const lo = at(q - h);
  const hi = at(q + h);
  if (!(lo > 0 && hi > 0)) return undefined;
  const slope = (Math.log(hi) - Math.log(lo)) / (2 * h);
  return Math.sqrt((q * (1 - q)) / n) * slope;
}

/** A lateness bias that passes both floors of the validity rule (10% of the percentile and 1 ms) is material. */
const immaterial = (biasMs: number, atMs: number) => biasMs <= Math.max(MATERIAL_LATENESS_MS, MATERIAL_LATENESS_SHARE * atMs);

/** The run-level figures of one result.json. */
export function runSample(r: RunResult): RunSample {
  const v = r.validity;
  let withinSe: RunSample['withinSe'];
  if (r.latencyMs.histogram && r.load.requests > 1) {
    const h = decodeHistogram(r.latencyMs.histogram);
    const n = h.totalCount;
    const at = (q: number) => h.getValueAtPercentile(q * 100) / 1000;
    const s50 = lnQuantileSe(at, 0.5, n);
    const s99 = lnQuantileSe(at, 0.99, n);
    if (s50 !== undefined && s99 !== undefined) withinSe = { lnP50: s50, lnP99: s99 };
  }
  const errorRatio = v.errorRatio ?? (r.load.requests ? r.load.errors / r.load.requests : 0);
  const systemCause = v.achievedRatio < SYSTEM_RATE_RATIO || errorRatio > SYSTEM_ERROR_RATIO;
  const onlyLate = !v.valid && !systemCause && v.reasons.length === 1 && !!v.latenessBiasMs && /were sent more than/.test(v.reasons[0]);
  const latencyUsable = v.valid
    ? { p50: true, p99: true }
    : onlyLate
      ? { p50: immaterial(v.latenessBiasMs!.p50, r.latencyMs.p50), p99: immaterial(v.latenessBiasMs!.p99, r.latencyMs.p99) }
      : { p50: false, p99: false };
  return {
    startedAt: r.meta.startedAt,
    requests: r.load.requests,
    durationS: r.load.durationS,
    targetRps: r.load.targetRps,
    achievedRps: r.load.achievedRps,
    errors: r.load.errors,
    p50Ms: r.latencyMs.p50,
    p99Ms: r.latencyMs.p99,
    withinSe,
    valid: v.valid,
    reasons: [...v.reasons],
    environmentInvalid: !v.valid && !systemCause,
    latencyUsable,
    clientIp: { checked: r.clientIp.checked, retained: r.clientIp.retained },
    spoofable: r.spoofing ? r.spoofing.filter((s) => s.spoofable).map((s) => s.probe).sort() : null,
  };
}
