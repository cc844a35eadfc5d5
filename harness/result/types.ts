// The shape of result.json: the single source of truth of a run. Every report view is rendered from it.
// Keep additions backward compatible within a schemaVersion; bump it on any breaking change.

export const RESULT_SCHEMA_VERSION = 1;

/** Where a number came from. Never mix them silently. */
export type Fidelity = 'measured' | 'emulated' | 'modeled';

/** A published source a latency figure rests on (catalog/latency.ts LatencySource). */
export interface RecordedLatencySource {
  url: string;
  title: string;
  measured: string;
  conditions: string;
}

/** Where one latency parameter comes from: a source, an assumption, a setting, the scenario, a calibration. */
export interface RecordedParamBasis {
  basis: 'source' | 'assumption' | 'setting' | 'scenario' | 'calibration';
  confidence: string;
  sources?: RecordedLatencySource[];
  derivation?: string;
  why?: string;
  context?: RecordedLatencySource[];
  setting?: string;
  file?: string;
  fit?: string;
}

/** The latency model a hop had in this run, with its provenance, and what the run did with it. */
export interface RecordedLatencyModel {
  medianMs: number;
  p99Ms: number;
  newConnection?: { medianMs: number; p99Ms: number };
  confidence: string;
  /** One line: where the figures come from. */
  basis: string;
  /** The catalog default, the scenario file, or a calibration overlay (`--calibration`). */
  origin: 'catalog' | 'scenario' | 'calibration';
  /**
   * injected: the emulation added samples of it to real traffic; measured-instead: a real component realized
   * the hop and its latency is measured, the model unused; not-injected: an overhead run (`--no-latency`);
   * modeled: the model provider computed with it.
   */
  use: 'injected' | 'measured-instead' | 'not-injected' | 'modeled';
  measuredWhenReal?: string;
  provenance: { medianMs: RecordedParamBasis; p99Ms: RecordedParamBasis; newConnection?: { medianMs: RecordedParamBasis; p99Ms: RecordedParamBasis } };
  /**
   * use measured-instead: the real component's own added latency per request, as the provider measured it
   * (e.g. Envoy's access log: downstream request start to response end minus the upstream time). With a
   * histogram, `exposure-lab calibrate` fits the hop from it directly.
   */
  measured?: { p50Ms: number; p99Ms: number; count: number; what: string; fidelity: 'measured'; histogram?: EncodedHistogram };
}

export interface HopRealization {
  /** Hop name in the scenario (unique within it). */
  name: string;
  /** Catalog component kind, e.g. "nlb", "envoy-gateway". */
  component: string;
  /** What realized the hop: "builtin L4 forwarder (...)", "nginx 1.22.1 (...)", "Envoy Gateway v1.9.1 (standalone) + Envoy v1.39.1", "model". */
  realizedBy: string;
  fidelity: Fidelity;
  /** Modeled latency injected by the emulation (null when none is injected, e.g. a real data plane). */
  injectedLatency?: { medianMs: number; p99Ms: number; source: string; confidence: string } | null;
  /** The hop's latency model with the provenance of each figure and how the run used it (absent in older results). */
  latencyModel?: RecordedLatencyModel;
  /** Address(es) the hop listened on during the run (loopback for local). */
  listen?: string;
  notes?: string[];
  /** The hop process's own processing time (receive -> forward, injected delay excluded); filled at teardown. */
  overheadMs?: { p50: number; p99: number; max: number; count: number; fidelity: Fidelity; what: string };
  /** How late the emulation's delay scheduler fired (its own error), in ms. */
  schedulerLateMs?: { p50: number; p99: number; max: number; count: number };
  /** Event counters the hop process kept (connections, refusals, statuses, upstream errors). */
  counters?: Record<string, number>;
  /** A real gateway's own time per request from its access log, as percentiles (ms). */
  gatewayTime?: GatewayTime;
  /**
   * Latency this hop added in this run with nothing injected: start-up probes entering the chain at this hop
   * and at the next probed one, the difference of their percentiles (the lab's own cost for an emulated hop,
   * the real component's for a measured one). Read next to injectedLatency: what the topology costs apart
   * from the lab. Absent where the chain cannot be entered at this hop (e.g. inside a kernel NAT segment).
   */
  addedMs?: { p50: number; p99: number; probes: number; fidelity: Fidelity; what: string } | null;
}

export interface GatewaySpan {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface GatewayTime {
  requests: number;
  skipped: number;
  /** Request path + response path: the gateway's own share of each request. */
  ownMs: GatewaySpan;
  requestPathMs: GatewaySpan;
  responsePathMs: GatewaySpan;
  upstreamMs: GatewaySpan;
  totalMs: GatewaySpan;
  statuses: Record<string, number>;
  fidelity: Fidelity;
  source: string;
  window: string;
}

/** How the emulated hops of a local run were realized, and where modeled delays were applied. */
export interface EmulationRecord {
  /**
   * netns-kernel-nat: the run in a network namespace of its own, L4 hops the kernel expresses as iptables NAT
   * (no process), the rest as processes there. netns-processes: in such a namespace, every hop a process (a
   * comparison run). loopback-processes: every emulated hop a process on loopback
   * in the host namespace (no root, or no kernel support).
   */
  realization: 'netns-kernel-nat' | 'netns-processes' | 'loopback-processes';
  /** Why this realization ran. */
  reason: string;
  /** Where modeled delays were applied: once per request by the driver, by one delay stage in front of the
   *  entry (drivers that cannot hold requests), inside each hop process, or nowhere (--no-latency). */
  delays: 'driver' | 'delay-stage' | 'hops' | 'none';
  /** The lab network namespace the run used. */
  namespace?: string;
  /** Hops realized by kernel NAT, by name. */
  kernelHops?: string[];
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

/** The measured added latency of consecutive hops of the path, per request (calibration input). */
export interface SegmentTiming {
  /** Hop names (consecutive in the chain) whose added latency it holds, both directions; one name = that hop alone. */
  hops: string[];
  /** How it was measured, e.g. "Envoy access log: downstream request start to response end, minus upstream time". */
  method: string;
  fidelity: Fidelity;
  /** Per-request added latency, microseconds (HdrHistogram, as latencyMs.histogram). */
  histogram: EncodedHistogram;
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
  /** Upper bound of the bias late sends can put on p50 and p99 (ms), from the latencies measured. */
  latenessBiasMs?: { p50: number; p99: number };
  /** Failed requests (transport errors and 4xx/5xx) over requests due. */
  errorRatio?: number;
  /** Facts worth reading next to the figures that do not by themselves invalidate the run. */
  notes?: string[];
}

export interface RunnerReport {
  /** "runner-1" .. "runner-N" (the operator's Job suffixes), or the runner pod's name. */
  runner: string;
  /** k6 --execution-segment, e.g. "1/3:2/3" (null for a single runner). */
  segment: string | null;
  /** Source addresses this runner bound (--local-ips), count. */
  sources: number;
  status: 'ok' | 'failed' | 'lagged' | 'interrupted';
  /** Why the runner is not ok. */
  detail?: string;
  /** Requests of the measured window this runner sent (responses + transport errors). */
  requests: number;
  achievedRps: number;
  /** This runner's share of the target rate. */
  targetRps: number;
  /** Iterations k6 dropped in the measured window (no free VU). */
  dropped: number;
  /** Percentiles of this runner's own samples (exact histogram), ms. */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  /** k6's own end-of-test figures for the runner, when its summary arrived. */
  k6?: { requests: number; p50Ms: number; p99Ms: number };
  /** CPU seconds the runner's k6 process used while running (local runners; /proc). */
  cpuSeconds?: number;
}

export interface MergeReport {
  runners: number;
  /** p99 of one histogram holding every runner's samples (exact to HdrHistogram's 0.1%). */
  exactP99Ms: number;
  /** The mean of the runners' own p99s, as k6 reported them: what averaging per-runner summaries claims. */
  averagedRunnerP99Ms: number;
  note: string;
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
    host: { hostname: string; platform: string; cpus: number; cpuModel?: string; node: string };
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
    /** Figures the driver cannot provide: their fields above are 0 or empty and are not measurements. */
    unavailable?: string[];
    /** Distributed k6 runs: one entry per runner. */
    runners?: RunnerReport[];
    /** Distributed k6 runs: the exact p99 of all samples next to the mean of the runners' own p99s. */
    merge?: MergeReport;
    /** Runners that failed or lagged (the run is then invalid). */
    incomplete?: string[];
  };
  latencyMs: LatencySummary & { fidelity: Fidelity; histogram?: EncodedHistogram };
  throughput: ThroughputPoint[];
  clientIp: ClientIpResult;
  spoofing?: SpoofFinding[];
  weights?: Array<{ version: string; count: number; share: number; ci95: [number, number]; expected?: number }>;
  hops: HopRealization[];
  /** How the emulated hops were realized (local provider). */
  emulation?: EmulationRecord;
  /**
   * The run's lab floor: client -> service directly, measured by start-up probes in the same realization
   * (driver, loopback, echo; nothing emulated, nothing injected).
   */
  floor?: { latencyMs: LatencySummary; note: string; probes?: number; histogram?: EncodedHistogram };
  /**
   * Per-request added latency of stretches of the path, measured in the run where the data separates them
   * (a gateway's access-log timings, the echo's own timing): what `exposure-lab calibrate` fits hop by hop.
   */
  segmentTimings?: SegmentTiming[];
  cost?: { profile: string; region: string; monthlyUsd: number; lines: CostLine[]; fidelity: Fidelity; basis: string; warnings?: string[] };
  /** Feature matrix row from the catalog: false, or the hop (and detail) that provides the feature. */
  features?: Record<string, string | boolean>;
  validity: Validity;
  warnings: string[];
  /** Set when the run failed; figures then cover what was measured before the failure. */
  error?: string;
  findings?: Array<{ severity: 'info' | 'warning' | 'critical'; title: string; detail: string; fix?: string }>;
}
