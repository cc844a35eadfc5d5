// The zod definition of result.json, the same shape as types.ts (checked at compile time below). It validates
// result files on read and generates infra/schemas/result.schema.json and docs/result-format.md, so the
// documentation can never drift from what the reader accepts. Unknown keys are ignored (not rejected): a reader of schemaVersion 1
// accepts fields added later within the same version (additions are backward compatible by rule).
import { z } from 'zod';
import type { RunResult } from './types.ts';
import { RESULT_SCHEMA_VERSION } from './types.ts';

const d = (s: string) => ({ description: s });

export const FidelitySchema = z.enum(['measured', 'emulated', 'modeled']).meta(d('Where a number came from: measured = real traffic through a real component; emulated = real traffic through the lab\'s emulation of a managed AWS component; modeled = computed.'));

const InjectedLatency = z.object({
  medianMs: z.number().meta(d('Median of the injected lognormal delay, ms (modeled).')),
  p99Ms: z.number().meta(d('p99 of the injected delay, ms (modeled).')),
  source: z.string().meta(d('Where the model comes from (catalog default or scenario override).')),
  confidence: z.string().meta(d('Confidence of the model: low, low-medium, medium, high.')),
});

export const EncodedHistogramSchema = z.object({
  encoding: z.literal('hdr-base64').meta(d('HdrHistogram compressed encoding, base64.')),
  unit: z.literal('us').meta(d('Recorded values are microseconds (1 us resolution, 3 significant digits).')),
  data: z.string().meta(d('The encoded histogram: decode with harness/load/histogram.ts decodeHistogram to recompute any percentile or merge runs.')),
});

const LatencySourceSchema = z.object({
  url: z.string().meta(d('Where it is published.')),
  title: z.string().meta(d('Who published it and what it is.')),
  measured: z.string().meta(d('What was measured or stated, with the figures.')),
  conditions: z.string().meta(d('Under which conditions (load, payload, hardware, version, date).')),
});

const ParamBasisSchema = z.object({
  basis: z.enum(['source', 'assumption', 'setting', 'scenario', 'calibration']).meta(d('source = derived from published figures; assumption = an engineering estimate (low confidence); setting = a scenario setting; scenario = overridden in the scenario file; calibration = fitted from measured runs.')),
  confidence: z.string().meta(d('low, low-medium, medium, high.')),
  sources: z.array(LatencySourceSchema).optional().meta(d('basis source: the publications it is derived from.')),
  derivation: z.string().optional().meta(d('basis source: how the figure follows from them.')),
  why: z.string().optional().meta(d('basis assumption or scenario: what the estimate rests on.')),
  context: z.array(LatencySourceSchema).optional().meta(d('basis assumption: sources that bound it without fixing it.')),
  setting: z.string().optional().meta(d('basis setting: the scenario setting.')),
  file: z.string().optional().meta(d('basis scenario or calibration: the file.')),
  fit: z.string().optional().meta(d('basis calibration: method, samples and goodness of the fit.')),
});

const RecordedLatencyModelSchema = z.object({
  medianMs: z.number().meta(d('Median of the lognormal, ms (modeled).')),
  p99Ms: z.number().meta(d('p99 of the lognormal, ms (modeled).')),
  newConnection: z.object({ medianMs: z.number(), p99Ms: z.number() }).optional().meta(d('Extra on a new connection, ms (modeled).')),
  confidence: z.string().meta(d('The lowest confidence of its parameters.')),
  basis: z.string().meta(d('One line: where the figures come from.')),
  origin: z.enum(['catalog', 'scenario', 'calibration']).meta(d('catalog default, scenario file override, or calibration overlay (--calibration).')),
  use: z.enum(['injected', 'measured-instead', 'not-injected', 'modeled']).meta(d('injected into real traffic by the emulation; measured-instead = a real component realized the hop, the model unused; not-injected = overhead run; modeled = computed by the model provider.')),
  measuredWhenReal: z.string().optional().meta(d('What is measured instead of the model where a real component realizes the hop.')),
  measured: z.object({
    p50Ms: z.number().meta(d('p50 of the added latency, ms (measured).')),
    p99Ms: z.number().meta(d('p99 of the added latency, ms (measured).')),
    count: z.number().meta(d('Requests timed (count).')),
    what: z.string().meta(d('What exactly was timed, and how.')),
    fidelity: z.literal('measured'),
    histogram: EncodedHistogramSchema.optional().meta(d('Per-request added latency, us: `calibrate` fits the hop from it directly.')),
  }).optional().meta(d('use measured-instead: the real component\'s own added latency, attached by the provider that measured it.')),
  provenance: z.object({
    medianMs: ParamBasisSchema,
    p99Ms: ParamBasisSchema,
    newConnection: z.object({ medianMs: ParamBasisSchema, p99Ms: ParamBasisSchema }).optional(),
  }).meta(d('Per parameter: a source with its derivation, or an assumption, a setting, the scenario file or a calibration.')),
});
const GatewaySpan = z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() });

export const HopRealizationSchema = z.object({
  name: z.string().meta(d('Hop name in the scenario (unique within it).')),
  component: z.string().meta(d('Catalog component kind, e.g. nlb, envoy-gateway.')),
  realizedBy: z.string().meta(d('What realized the hop: builtin L4 forwarder, nginx 1.22.1, Envoy Gateway v1.9.1 (standalone) + Envoy v1.39.1, model, ...')),
  fidelity: FidelitySchema,
  injectedLatency: InjectedLatency.nullable().optional().meta(d('Modeled latency injected by the emulation; null when none (e.g. a real data plane).')),
  latencyModel: RecordedLatencyModelSchema.optional().meta(d('The hop\'s latency model, the provenance of each figure, and how the run used it.')),
  listen: z.string().optional().meta(d('Address(es) the hop listened on during the run.')),
  notes: z.array(z.string()).optional().meta(d('Facts about the realization (e.g. which data plane stood in).')),
  overheadMs: z
    .object({
      p50: z.number(),
      p99: z.number(),
      max: z.number(),
      count: z.number().meta(d('Requests timed (count).')),
      fidelity: FidelitySchema,
      what: z.string().meta(d('What exactly was timed.')),
    })
    .optional()
    .meta(d("The hop process's own processing time (receive -> forward, injected delay excluded), ms (measured).")),
  schedulerLateMs: z
    .object({ p50: z.number(), p99: z.number(), max: z.number(), count: z.number() })
    .optional()
    .meta(d("How late the emulation's delay scheduler fired (its own error), ms (measured).")),
  counters: z.record(z.string(), z.number()).optional().meta(d('Event counters kept by the hop process (connections, refusals, statuses, upstream errors).')),
  gatewayTime: z
    .object({
      requests: z.number().meta(d('Requests counted from the access log (readiness probes and requests outside the window left out).')),
      skipped: z.number().meta(d('Access-log lines left out (probes, outside the window, no upstream timing).')),
      ownMs: GatewaySpan.meta(d("The gateway's own share of a request: request path + response path, ms.")),
      requestPathMs: GatewaySpan.meta(d('Downstream request start -> upstream request start, ms.')),
      responsePathMs: GatewaySpan.meta(d('Upstream response end -> downstream response end, ms.')),
      upstreamMs: GatewaySpan.meta(d('Upstream request start -> upstream response end (service and wire, as the gateway saw it), ms.')),
      totalMs: GatewaySpan.meta(d('Downstream request start -> downstream response end, ms.')),
      statuses: z.record(z.string(), z.number()).meta(d('Responses by status code.')),
      fidelity: FidelitySchema,
      source: z.string().meta(d('Where the figures come from (e.g. the Envoy access log).')),
      window: z.string().meta(d('Which requests are counted.')),
    })
    .optional()
    .meta(d("A real gateway's own time per request, from its access log (measured). Envoy Gateway hops only.")),
  addedMs: z
    .object({
      p50: z.number().meta(d('Added at the median, ms (measured).')),
      p99: z.number().meta(d('Added at p99, ms (measured).')),
      probes: z.number().meta(d('Probe requests per entry point (count).')),
      fidelity: FidelitySchema,
      what: z.string().meta(d('How it was measured.')),
    })
    .nullable()
    .optional()
    .meta(d('Latency this hop added in this run with nothing injected (start-up probes entering the chain at this hop and at the next probed one): read next to injectedLatency. Null where the chain cannot be entered here.')),
});

export const EmulationRecordSchema = z.object({
  realization: z.enum(['netns-kernel-nat', 'netns-processes', 'loopback-processes']).meta(d('netns-kernel-nat: the run in a network namespace of its own, L4 hops as iptables NAT (no process); netns-processes: in such a namespace with every hop a process (comparison runs); loopback-processes: every emulated hop a process on loopback in the host namespace.')),
  reason: z.string().meta(d('Why this realization ran.')),
  delays: z.enum(['driver', 'delay-stage', 'hops', 'none']).meta(d('Where modeled delays were applied: once per request by the driver, by one delay stage in front of the entry, inside each hop process, or nowhere (--no-latency).')),
  namespace: z.string().optional().meta(d('The lab network namespace the run used.')),
  kernelHops: z.array(z.string()).optional().meta(d('Hops realized by kernel NAT, by name.')),
});

export const LatencySummarySchema = z.object({
  p50: z.number().meta(d('50th percentile, ms.')),
  p90: z.number().meta(d('90th percentile, ms.')),
  p99: z.number().meta(d('99th percentile, ms.')),
  p999: z.number().optional().meta(d('99.9th percentile, ms.')),
  max: z.number().meta(d('Maximum (bucket-level, 0.1% resolution), ms.')),
  mean: z.number().meta(d('Mean, ms.')),
  min: z.number().optional().meta(d('Minimum, ms.')),
  stdev: z.number().optional().meta(d('Standard deviation, ms.')),
});


export const ThroughputPointSchema = z.object({
  t: z.number().meta(d('Seconds since measurement start (end of the interval).')),
  rps: z.number().meta(d('Requests completed in the interval, per second (measured).')),
  p50Ms: z.number().optional().meta(d('p50 latency of the requests completed in the interval, ms (measured).')),
  p99Ms: z.number().meta(d('p99 latency of the requests completed in the interval, ms (measured).')),
  errors: z.number().meta(d('Failed requests in the interval (count).')),
});

export const ErrorsByKindSchema = z.object({
  connect: z.number().meta(d('Connection failures (count).')),
  timeout: z.number().meta(d('Requests that timed out (count).')),
  reset: z.number().meta(d('Connections reset mid-request (count).')),
  status4xx: z.number().meta(d('Responses 400-499 (count).')),
  status5xx: z.number().meta(d('Responses 500-599 (count).')),
  other: z.number().meta(d('Other failures (count).')),
  byStatus: z.record(z.string(), z.number()).meta(d('Count per HTTP status code, e.g. {"429": 12}.')),
});

export const ValiditySchema = z.object({
  valid: z.boolean().meta(d('False when the figures must not be read as a normal latency result.')),
  reasons: z.array(z.string()).meta(d('Why the run is invalid (empty when valid).')),
  achievedRatio: z.number().meta(d('Achieved over target rate (ratio, 1 = 100%).')),
  lateRequests: z.number().meta(d('Requests sent later than lateThresholdMs after their intended time (count).')),
  unsentRequests: z.number().meta(d('Requests due but never sent (count).')),
  driverCpuPercent: z.number().optional().meta(d('Load driver CPU use, percent of one core (measured).')),
  lateThresholdMs: z.number().optional().meta(d('Send lag above which a request counts as late, ms.')),
  maxSendLagMs: z.number().optional().meta(d('Worst send lag, ms.')),
  latenessBiasMs: z.object({ p50: z.number(), p99: z.number() }).optional().meta(d('Upper bound of the bias late sends can put on p50 and p99, ms (from the latencies measured).')),
  errorRatio: z.number().optional().meta(d('Failed requests over requests due (ratio).')),
  notes: z.array(z.string()).optional().meta(d('Facts worth reading next to the figures that do not invalidate the run.')),
});

const RunnerReportSchema = z.object({
  runner: z.string().meta(d('runner-1 .. runner-N (the k6-operator\'s Job suffixes), or the runner pod name.')),
  segment: z.string().nullable().meta(d('k6 --execution-segment of the runner, e.g. "1/3:2/3" (null for a single runner).')),
  sources: z.number().meta(d('Source addresses the runner bound with --local-ips (count).')),
  status: z.enum(['ok', 'failed', 'lagged', 'interrupted']).meta(d('ok, failed (bad exit, crash, lost stream), lagged (late start, stall, short of its share, samples lost), interrupted (stopped on purpose).')),
  detail: z.string().optional().meta(d('Why the runner is not ok.')),
  requests: z.number().meta(d('Requests of the measured window the runner sent (count, measured).')),
  achievedRps: z.number().meta(d('Responses per second of this runner, req/s (measured).')),
  targetRps: z.number().meta(d('This runner\'s share of the target rate, req/s.')),
  dropped: z.number().meta(d('Iterations k6 dropped in the measured window for lack of a free VU (count).')),
  latencyMs: z.object({ p50: z.number(), p90: z.number(), p99: z.number(), max: z.number() }).meta(d('Percentiles of this runner\'s own samples, ms (measured).')),
  k6: z.object({ requests: z.number(), p50Ms: z.number(), p99Ms: z.number() }).optional().meta(d("k6's own end-of-test figures for the runner (its summary), for comparison.")),
  cpuSeconds: z.number().optional().meta(d("CPU seconds of the runner's k6 process while it ran, s (measured, /proc).")),
});

const MergeReportSchema = z.object({
  runners: z.number().meta(d('Runners merged (count).')),
  exactP99Ms: z.number().meta(d('p99 of one histogram holding every runner\'s samples, ms (measured).')),
  averagedRunnerP99Ms: z.number().meta(d("Mean of the runners' own p99s as k6 reported them, ms: what averaging per-runner summaries would claim; not a percentile of anything.")),
  note: z.string().meta(d('How to read the two figures.')),
});

export const ClientIpResultSchema = z.object({
  checked: z.number().meta(d('Requests whose application-visible client IP was compared with the true source (count).')),
  retained: z.number().meta(d('Requests where the application saw the true client address (count).')),
  retentionRatio: z.number().meta(d('retained / checked (ratio; 0 when nothing was checked).')),
  observedOther: z.array(z.object({ ip: z.string().meta(d('Address the application saw.')), count: z.number().meta(d('Requests (count).')) })).optional().meta(d('Client IP values seen that were not the true source, most frequent first.')),
  fidelity: FidelitySchema,
});

export const SpoofFindingSchema = z.object({
  probe: z.string().meta(d('What the probe forged, e.g. "forged X-Forwarded-For".')),
  forged: z.string().meta(d('The address the client claimed.')),
  appSaw: z.string().nullable().meta(d('Client IP the application saw for the probe (null when none).')),
  spoofable: z.boolean().meta(d('True when the application believed the forged address.')),
  status: z.number().nullable().meta(d('HTTP status of the probe (null when no response).')),
  fix: z.string().optional().meta(d('How to close the hole.')),
});

export const CostLineSchema = z.object({
  component: z.string().meta(d('Hop or component billed.')),
  item: z.string().meta(d('Billing dimension, e.g. "LCU-hours".')),
  quantity: z.number().meta(d('Quantity per month in `unit`.')),
  unit: z.string().meta(d('Unit of the quantity, e.g. "hour", "GB", "million requests".')),
  unitPriceUsd: z.number().meta(d('USD per unit (from the dated price snapshot).')),
  monthlyUsd: z.number().meta(d('USD per month for this line (modeled).')),
  note: z.string().optional().meta(d('How the quantity was derived.')),
  monthlyUsdExact: z.string().optional().meta(d('The exact amount of the line as a decimal string, USD (monthlyUsd is its float); bill tables round from it so shown lines add up to shown totals.')),
});

const WeightSchema = z.object({
  version: z.string().meta(d('Service version (response header value).')),
  count: z.number().meta(d('Requests answered by it (count, measured).')),
  share: z.number().meta(d('count / total (ratio).')),
  ci95: z.tuple([z.number(), z.number()]).meta(d('95% confidence interval of the share (ratios).')),
  expected: z.number().optional().meta(d('Configured weight share (ratio).')),
});

const FindingSchema = z.object({
  severity: z.enum(['info', 'warning', 'critical']).meta(d('How much it matters.')),
  title: z.string().meta(d('One line.')),
  detail: z.string().meta(d('The data behind it.')),
  fix: z.string().optional().meta(d('What to change.')),
});

export const RunResultSchema = z
  .object({
    schemaVersion: z.number().int().meta(d(`Version of this format (currently ${RESULT_SCHEMA_VERSION}); bumped only on breaking changes.`)),
    scenario: z.string().min(1).meta(d('Scenario name (metadata.name of the scenario file).')),
    provider: z.enum(['local', 'kind', 'cluster', 'eks', 'model']).meta(d('Realization: local (loopback processes), kind, cluster (an existing cluster from a kubeconfig context), eks, model (computed).')),
    meta: z
      .object({
        labVersion: z.string().meta(d('exposure-lab version (package.json).')),
        gitRevision: z.string().nullable().meta(d('Git revision of the lab, "-dirty" when tracked files were modified; null outside git.')),
        scenarioFile: z.string().meta(d('Path of the scenario file used.')),
        scenarioSha256: z.string().meta(d('SHA-256 of the scenario file bytes (hex).')),
        startedAt: z.string().meta(d('Run start, ISO 8601 UTC.')),
        endedAt: z.string().meta(d('Run end, ISO 8601 UTC.')),
        host: z.object({ hostname: z.string().meta(d('Host name.')), platform: z.string().meta(d('OS and architecture.')), cpus: z.number().meta(d('Logical CPUs (count).')), cpuModel: z.string().optional().meta(d('CPU model name (part of the machine class a regression baseline compares).')), node: z.string().meta(d('Node.js version.')) }).meta(d('Machine the lab ran on.')),
        tools: z.record(z.string(), z.string()).meta(d('Tool and data-plane versions used, e.g. {"nginx": "1.22.1"}; on kind, cluster and eks also which cluster ran (context and API server), its Kubernetes version and each controller with its version and image, e.g. {"kubernetes": "v1.36.3", "Envoy Gateway": "v1.9.1 (docker.io/envoyproxy/gateway:v1.9.1)"}.')),
        settings: z.record(z.string(), z.unknown()).meta(d('Run settings: rate, durationS, warmupS, driver, injectLatency, seed, connectionMode, notes.')),
        interrupted: z.boolean().meta(d('True when the run was stopped early; figures cover what completed.')),
      })
      .meta(d('Run metadata.')),
    load: z
      .object({
        driver: z.string().meta(d('Load driver: builtin, "k6 v2.2.0" (with "(k6-operator, N runners)" on a cluster), none.')),
        executor: z.string().meta(d('constant-arrival-rate, ramping-arrival-rate, constant-vus (closed model).')),
        targetRps: z.number().meta(d('Target arrival rate, req/s.')),
        achievedRps: z.number().meta(d('Completed requests per second over the measured window, req/s (measured).')),
        durationS: z.number().meta(d('Measured window (warm-up excluded), s.')),
        warmupS: z.number().meta(d('Warm-up excluded from every figure, s.')),
        requests: z.number().meta(d('Requests in the measured window (count).')),
        errors: z.number().meta(d('Failed requests (count).')),
        errorsByKind: ErrorsByKindSchema.meta(d('Failed requests by kind (counts, measured).')),
        connectionMode: z.enum(['keep-alive', 'new-connection']).meta(d('Client connection reuse: keep-alive, or a new connection per request.')),
        sources: z.number().meta(d('Client source addresses used (count).')),
        bytesSent: z.number().meta(d('Bytes sent by the driver.')),
        bytesReceived: z.number().meta(d('Bytes received by the driver.')),
        newConnections: z.number().meta(d('Connections opened (count).')),
        maxConcurrentConnections: z.number().meta(d('Peak concurrent connections (count).')),
        fidelity: FidelitySchema,
        unavailable: z.array(z.string()).optional().meta(d('Figures this driver cannot provide (e.g. late sends with k6): their fields are 0 or empty and are not measurements.')),
        runners: z.array(RunnerReportSchema).optional().meta(d('k6 runs: one entry per runner (k6 --runners N, or the k6-operator\'s runner pods).')),
        merge: MergeReportSchema.optional().meta(d('Distributed k6 runs: the exact p99 of all samples next to the mean of the runners\' own p99s.')),
        incomplete: z.array(z.string()).optional().meta(d('Runners that failed or lagged, named: the run is then invalid and its figures partial.')),
      })
      .meta(d('The load as driven and as achieved.')),
    latencyMs: LatencySummarySchema.extend({
      fidelity: FidelitySchema,
      histogram: EncodedHistogramSchema.optional().meta(d('HdrHistogram of every measured request (absent when the driver cannot provide one, e.g. a k6 summary).')),
    }).meta(d('End-to-end latency from the intended send time (no coordinated omission), ms; the histogram recomputes any percentile.')),
    throughput: z.array(ThroughputPointSchema).meta(d('Throughput and p99 over time, one point per interval (measured).')),
    clientIp: ClientIpResultSchema.meta(d('Client IP retention: did the application see the true client address?')),
    spoofing: z.array(SpoofFindingSchema).optional().meta(d('Spoofing probes and their outcome.')),
    weights: z.array(WeightSchema).optional().meta(d('Weighted routing split observed (canary).')),
    hops: z.array(HopRealizationSchema).meta(d('Per-hop realization and fidelity.')),
    emulation: EmulationRecordSchema.optional().meta(d('How the emulated hops were realized and where modeled delays were applied (local provider).')),
    floor: z
      .object({
        latencyMs: LatencySummarySchema.meta(d('Latency client -> service directly in the same realization, ms (measured).')),
        note: z.string().meta(d('How the floor was obtained.')),
        probes: z.number().optional().meta(d('Probe requests it rests on (count).')),
        histogram: EncodedHistogramSchema.optional().meta(d('The floor\'s latency histogram (us): lets `calibrate` separate the path from the floor.')),
      })
      .optional()
      .meta(d("The run's lab floor (driver, loopback, echo; nothing emulated or injected), for reading the figures.")),
    segmentTimings: z.array(z.object({
      hops: z.array(z.string()).min(1).meta(d('Hop names (consecutive) whose added latency it holds; one name = that hop alone.')),
      method: z.string().meta(d('How it was measured (e.g. a gateway access log: request start to response end minus upstream time).')),
      fidelity: FidelitySchema,
      histogram: EncodedHistogramSchema.meta(d('Per-request added latency, us.')),
    })).optional().meta(d('Measured per-request added latency of stretches of the path (calibration input for `exposure-lab calibrate`).')),
    cost: z
      .object({
        profile: z.string().meta(d('Traffic profile priced.')),
        region: z.string().meta(d('AWS region of the price snapshot.')),
        monthlyUsd: z.number().meta(d('Total monthly cost, USD (modeled).')),
        lines: z.array(CostLineSchema).meta(d('Bill lines per component and billing dimension (modeled).')),
        fidelity: FidelitySchema,
        basis: z.string().meta(d('Price snapshot date and hours per month used.')),
        warnings: z.array(z.string()).optional().meta(d('Traffic the bill does not price because a limit refuses it (e.g. an API Gateway throttle answering 429), and what to change.')),
      })
      .optional()
      .meta(d('Monthly cost of the topology at the profile (modeled).')),
    features: z
      .record(z.string(), z.union([z.string(), z.boolean()]))
      .optional()
      .meta(d('Feature matrix row from the catalog (WAF, TLS termination point, ACM certificates, pod-aware routing, weighted canary, Lambda routing): false, or the hop that provides it.')),
    validity: ValiditySchema.meta(d('Validity verdict: achieved rate, late/unsent requests, driver CPU.')),
    warnings: z.array(z.string()).meta(d('Scenario warnings at load time.')),
    error: z.string().optional().meta(d('Set when the run failed; figures cover what was measured before.')),
    findings: z.array(FindingSchema).optional().meta(d('Derived findings (severity, title, detail, fix).')),
  })
  .meta({ title: 'exposure-lab result.json', description: 'The single source of truth of one run; every report view is rendered from it.' });

export type RunResultParsed = z.infer<typeof RunResultSchema>;

// Compile-time proof that the zod definition and the TypeScript view in types.ts accept the same documents.
type Assert<T extends true> = T;
export type _TypesMatch = Assert<RunResult extends RunResultParsed ? true : false>;
// ...and that no field of the TypeScript view is missing from the zod definition (extra keys would pass above).
export type _TopKeys = Assert<Exclude<keyof RunResult, keyof RunResultParsed> extends never ? true : false>;
export type _HopKeys = Assert<Exclude<keyof RunResult['hops'][number], keyof RunResultParsed['hops'][number]> extends never ? true : false>;
export type _LoadKeys = Assert<Exclude<keyof RunResult['load'], keyof RunResultParsed['load']> extends never ? true : false>;
export type _ValidityKeys = Assert<Exclude<keyof RunResult['validity'], keyof RunResultParsed['validity']> extends never ? true : false>;

/** The JSON Schema of result.json (committed as infra/schemas/result.schema.json). */
export function resultJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(RunResultSchema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return { ...s, $id: 'https://exposure-lab.dev/schemas/result.schema.json' };
}

export interface ResultIssue {
  /** Dotted path, e.g. "load.achievedRps" or "hops[2].fidelity". */
  path: string;
  message: string;
}

/** Validates a parsed result.json; returns every problem (empty when valid). */
export function resultIssues(data: unknown): ResultIssue[] {
  const r = RunResultSchema.safeParse(data);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}

function formatPath(path: PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(root)';
}
