// The shape of result.json: the single source of truth of a run. Every report view is rendered from it.
// Keep additions backward compatible within a schemaVersion; bump it on any breaking change.

export const RESULT_SCHEMA_VERSION = 1;

/** Where a number came from. Never mix them silently. */
export type Fidelity = 'measured' | 'emulated' | 'modeled';

export interface HopRealization {
  /** Hop name in the scenario (unique within it). */
  name: string;
  /** Catalog component kind, e.g. "nlb", "envoy-gateway". */
  component: string;
  /** What realized the hop: "builtin-l4-forwarder", "nginx 1.22.1", "haproxy 2.6", "envoy 1.31", "model". */
  realizedBy: string;
  fidelity: Fidelity;
  /** Modeled latency injected by the emulation (null when none is injected, e.g. a real data plane). */
  injectedLatency?: { medianMs: number; p99Ms: number; source: string; confidence: string } | null;
  /** Address(es) the hop listened on during the run (loopback for local). */
  listen?: string;
  notes?: string[];
  /** The hop process's own processing time (receive -> forward, injected delay excluded); filled at teardown. */
  overheadMs?: { p50: number; p99: number; max: number; count: number; fidelity: Fidelity; what: string };
  /** How late the emulation's delay scheduler fired (its own error), in ms. */
  schedulerLateMs?: { p50: number; p99: number; max: number; count: number };
  /** Event counters the hop process kept (connections, refusals, statuses, upstream errors). */
  counters?: Record<string, number>;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  p999?: number;
  max: number;
  mean: number;
  min?: number;
  stdev?: number;
}

/** HdrHistogram serialized (base64 of the compressed encoding), enough to recompute any percentile and to merge runs. */
export interface EncodedHistogram {
  encoding: 'hdr-base64';
  unit: 'us';
  data: string;
}

export interface ThroughputPoint {
  /** Seconds since measurement start (end of the interval). */
  t: number;
  /** Requests completed in the interval, per second. */
  rps: number;
  /** p50 of the interval (absent in results written before it was recorded). */
  p50Ms?: number;
  p99Ms: number;
  errors: number;
}

export interface ErrorsByKind {
  connect: number;
  timeout: number;
  reset: number;
  status4xx: number;
  status5xx: number;
  other: number;
  /** Detail per status code, e.g. { "429": 12 }. */
  byStatus: Record<string, number>;
}

export interface Validity {
  valid: boolean;
  reasons: string[];
  achievedRatio: number;
  lateRequests: number;
  unsentRequests: number;
  driverCpuPercent?: number;
  /** A request sent later than this after its intended time counts in lateRequests. */
  lateThresholdMs?: number;
  /** Worst delay between a request's intended and actual send time. */
  maxSendLagMs?: number;
  /** Failed requests (transport errors and 4xx/5xx) over requests due. */
  errorRatio?: number;
  /** Facts worth reading next to the figures that do not by themselves invalidate the run. */
  notes?: string[];
}

export interface ClientIpResult {
  checked: number;
  retained: number;
  retentionRatio: number;
  /** The application-visible client IP values seen that were not the true source, most frequent first. */
  observedOther?: Array<{ ip: string; count: number }>;
  fidelity: Fidelity;
}

export interface SpoofFinding {
  probe: string; // e.g. "forged X-Forwarded-For", "forged PROXY v1 header"
  forged: string; // the address the client claimed
  appSaw: string | null;
  spoofable: boolean;
  status: number | null;
  fix?: string;
}

export interface CostLine {
  component: string;
  item: string;
  quantity: number;
  unit: string;
  unitPriceUsd: number;
  monthlyUsd: number;
  note?: string;
  /** The exact amount as a decimal string (monthlyUsd is its float): bill tables round from it. */
  monthlyUsdExact?: string;
}

export interface RunResult {
  schemaVersion: number;
  scenario: string;
  provider: 'local' | 'kind' | 'cluster' | 'eks' | 'model';
  meta: {
    labVersion: string;
    gitRevision: string | null;
    scenarioFile: string;
    scenarioSha256: string;
    startedAt: string;
    endedAt: string;
    host: { hostname: string; platform: string; cpus: number; node: string };
    tools: Record<string, string>;
    settings: Record<string, unknown>;
    interrupted: boolean;
  };
  load: {
    driver: string;
    executor: string;
    targetRps: number;
    achievedRps: number;
    durationS: number;
    warmupS: number;
    requests: number;
    errors: number;
    errorsByKind: ErrorsByKind;
    connectionMode: 'keep-alive' | 'new-connection';
    sources: number;
    bytesSent: number;
    bytesReceived: number;
    newConnections: number;
    maxConcurrentConnections: number;
    fidelity: Fidelity;
  };
  latencyMs: LatencySummary & { fidelity: Fidelity; histogram?: EncodedHistogram };
  throughput: ThroughputPoint[];
  clientIp: ClientIpResult;
  spoofing?: SpoofFinding[];
  weights?: Array<{ version: string; count: number; share: number; ci95: [number, number]; expected?: number }>;
  hops: HopRealization[];
  floor?: { latencyMs: LatencySummary; note: string };
  cost?: { profile: string; region: string; monthlyUsd: number; lines: CostLine[]; fidelity: Fidelity; basis: string; warnings?: string[] };
  /** Feature matrix row from the catalog: false, or the hop (and detail) that provides the feature. */
  features?: Record<string, string | boolean>;
  validity: Validity;
  warnings: string[];
  /** Set when the run failed; figures then cover what was measured before the failure. */
  error?: string;
  findings?: Array<{ severity: 'info' | 'warning' | 'critical'; title: string; detail: string; fix?: string }>;
}
