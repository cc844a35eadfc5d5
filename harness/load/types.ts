// Contract between the harness and a load driver (built-in or k6). A driver takes a LoadPlan and returns a
// LoadOutcome; the harness turns it into the `load`, `latencyMs`, `throughput` and `clientIp` parts of result.json.
import type { ErrorsByKind, EncodedHistogram, LatencySummary, MergeReport, RunnerReport, ThroughputPoint, Validity } from '../result/types.ts';
import type { PathDelayPlan } from './path-delay.ts';

export type { MergeReport, RunnerReport };

export type Executor =
  | { kind: 'constant-arrival-rate'; rate: number; durationS: number }
  | { kind: 'ramping-arrival-rate'; startRate: number; stages: Array<{ durationS: number; target: number }> }
  /** Closed model: N virtual users each sending back-to-back. Latency from it hides queueing; reports say so. */
  | { kind: 'constant-vus'; vus: number; durationS: number };

export interface LoadTarget {
  host: string; // a 127.x.y.z address
  port: number;
  path: string;
  /** HTTP Host header value. */
  hostHeader?: string;
  tls?: { servername?: string; rejectUnauthorized: false } | null;
}

/** What a run asks of the load, whatever realizes the scenario (a simulator takes only this). */
export interface LoadShape {
  executor: Executor;
  /** Excluded from every result figure. */
  warmupS: number;
  /** How many consecutive requests use one source before moving to the next. */
  requestsPerSource: number;
  connectionMode: 'keep-alive' | 'new-connection';
  method: 'GET' | 'POST';
  requestBodyBytes: number;
  /** Extra headers on every request (e.g. a forged X-Forwarded-For probe). */
  headers?: Record<string, string>;
  timeoutMs: number;
  /** Worker threads; 0 = auto (cores - 1, at least 1). */
  workers: number;
  /** Upper bound on concurrent in-flight requests/connections (bounded resource use). */
  maxConnections: number;
  /** Throughput timeline resolution. */
  intervalS: number;
  /** Live progress on stderr (only when it is a TTY). */
  progress?: boolean;
}

/** A load shape aimed at what a provider realized: where to send, from which sources, what to read back. */
export interface LoadPlan extends LoadShape {
  target: LoadTarget;
  /** Source address pool in 127.0.0.0/8; requests rotate across it (see requestsPerSource). */
  sources: string[];
  /**
   * Response headers to read. clientIpHeader: the echo service's view of the client IP, compared with the
   * request's true source address. tallyHeaders: counted per value (e.g. service version for weighted routing).
   */
  observe?: { clientIpHeader?: string; tallyHeaders?: string[] };
  /**
   * The path's modeled delays the driver holds each request for before writing it (load/path-delay.ts). Only a
   * driver that can hold requests takes it; others send to the realization's delay stage instead.
   */
  pathDelay?: PathDelayPlan | null;
}

export interface LoadOutcome {
  driver: string; // "builtin" | "k6 v0.x"
  executor: Executor['kind'];
  closedModel: boolean;
  targetRps: number;
  achievedRps: number;
  /** Measurement window (warm-up excluded). */
  durationS: number;
  requests: number;
  errors: number;
  errorsByKind: ErrorsByKind;
  latencyMs: LatencySummary;
  histogram: EncodedHistogram;
  throughput: ThroughputPoint[];
  bytesSent: number;
  bytesReceived: number;
  newConnections: number;
  maxConcurrentConnections: number;
  clientIp: { checked: number; retained: number; observedOther: Array<{ ip: string; count: number }> };
  tallies: Record<string, Record<string, number>>;
  validity: Validity;
  /** True when the run was stopped early (Ctrl-C, abort signal); figures cover what completed. */
  interrupted: boolean;
  /** Figures this driver cannot provide; their fields are left at 0 / empty and reports show them as unavailable. */
  missing?: string[];
  /** Distributed runs: one entry per runner (k6 --runners N, or a k6-operator TestRun's runner pods). */
  runners?: RunnerReport[];
  /** Distributed runs: the exact p99 of all samples next to what averaging the runners' own p99s would claim. */
  merge?: MergeReport;
  /** Runners that failed or lagged: the run is incomplete and invalid, and these say which and why. */
  incomplete?: string[];
}
