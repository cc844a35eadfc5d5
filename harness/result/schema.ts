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

export const HopRealizationSchema = z.object({
  name: z.string().meta(d('Hop name in the scenario (unique within it).')),
  component: z.string().meta(d('Catalog component kind, e.g. nlb, envoy-gateway.')),
  realizedBy: z.string().meta(d('What realized the hop: builtin-l4-forwarder, nginx 1.22.1, haproxy 2.6, model, ...')),
  fidelity: FidelitySchema,
  injectedLatency: InjectedLatency.nullable().optional().meta(d('Modeled latency injected by the emulation; null when none (e.g. a real data plane).')),
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

export const EncodedHistogramSchema = z.object({
  encoding: z.literal('hdr-base64').meta(d('HdrHistogram compressed encoding, base64.')),
  unit: z.literal('us').meta(d('Recorded values are microseconds (1 us resolution, 3 significant digits).')),
  data: z.string().meta(d('The encoded histogram: decode with harness/load/histogram.ts decodeHistogram to recompute any percentile or merge runs.')),
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
  errorRatio: z.number().optional().meta(d('Failed requests over requests due (ratio).')),
  notes: z.array(z.string()).optional().meta(d('Facts worth reading next to the figures that do not invalidate the run.')),
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
        host: z.object({ hostname: z.string().meta(d('Host name.')), platform: z.string().meta(d('OS and architecture.')), cpus: z.number().meta(d('Logical CPUs (count).')), node: z.string().meta(d('Node.js version.')) }).meta(d('Machine the lab ran on.')),
        tools: z.record(z.string(), z.string()).meta(d('Tool and data-plane versions used, e.g. {"nginx": "1.22.1"}; on kind, cluster and eks also which cluster ran (context and API server), its Kubernetes version and each controller with its version and image, e.g. {"kubernetes": "v1.36.3", "Envoy Gateway": "v1.9.1 (docker.io/envoyproxy/gateway:v1.9.1)"}.')),
        settings: z.record(z.string(), z.unknown()).meta(d('Run settings: rate, durationS, warmupS, driver, injectLatency, seed, connectionMode, notes.')),
        interrupted: z.boolean().meta(d('True when the run was stopped early; figures cover what completed.')),
      })
      .meta(d('Run metadata.')),
    load: z
      .object({
        driver: z.string().meta(d('Load driver: builtin, k6 v0.x, none.')),
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
    floor: z.object({ latencyMs: LatencySummarySchema.meta(d('Latency of the direct control run, ms (measured).')), note: z.string().meta(d('How the floor was obtained.')) }).optional().meta(d("The lab's own floor (direct control run) for reading the figures.")),
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
