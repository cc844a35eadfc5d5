// Where every latency figure of the catalog comes from. Each parameter of a latency model (median, p99, and
// the new-connection extra) names its basis: a published source (URL, what was measured, under which
// conditions) with the derivation from it, or the label `assumption` with low confidence. A model's
// confidence is the lowest of its parameters'. test/unit/catalog-latency.test.ts fails for a model whose
// parameter has neither; docs/latency-models.md explains each choice and where the sources disagree.
import type { Confidence, LatencyModel, LatencyProvenance, LatencySource, ParamBasis } from './types.ts';

export type { LatencyProvenance, LatencySource, ParamBasis } from './types.ts';
import type { RecordedLatencyModel } from '../result/types.ts';

const RANK: Record<Confidence, number> = { low: 0, 'low-medium': 1, medium: 2, high: 3 };

/** The lowest confidence of a model's parameters. */
export function lowestConfidence(p: LatencyProvenance): Confidence {
  const all = [p.medianMs, p.p99Ms, ...(p.newConnection ? [p.newConnection.medianMs, p.newConnection.p99Ms] : [])];
  return all.reduce<Confidence>((lo, b) => (RANK[b.confidence] < RANK[lo] ? b.confidence : lo), 'high');
}

/** Parameters as they are named in reports. */
export function provenanceEntries(p: LatencyProvenance): Array<[string, ParamBasis]> {
  return [
    ['median', p.medianMs],
    ['p99', p.p99Ms],
    ...(p.newConnection ? ([['new-connection median', p.newConnection.medianMs], ['new-connection p99', p.newConnection.p99Ms]] as Array<[string, ParamBasis]>) : []),
  ];
}

/** One line per basis, for `basis` fields and tables: "source: Istio 1.20 ..." / "assumption". */
export function basisLabel(b: ParamBasis): string {
  switch (b.basis) {
    case 'source':
      return `source: ${b.sources.map((s) => s.title).join('; ')}`;
    case 'assumption':
      return 'assumption';
    case 'setting':
      return `setting ${b.setting}`;
    case 'scenario':
      return `scenario ${b.file}`;
    case 'calibration':
      return `calibration ${b.file}`;
  }
}

/** A short summary of where a model's figures come from (the one-line `basis`). */
export function summarize(p: LatencyProvenance): string {
  const entries = provenanceEntries(p);
  const kinds = new Set(entries.map(([, b]) => b.basis));
  if (kinds.size === 1) {
    const b = entries[0][1];
    if (b.basis === 'source') return `${b.derivation}`;
    if (b.basis === 'assumption') return `assumption: ${b.why}`;
    return basisLabel(b);
  }
  return entries.map(([name, b]) => `${name}: ${b.basis === 'source' ? `source (${b.sources.map((s) => s.title).join('; ')})` : b.basis}`).join('; ');
}

export interface LognormalSpec {
  medianMs: number;
  p99Ms: number;
  median: ParamBasis;
  p99: ParamBasis;
  newConnection?: { medianMs: number; p99Ms: number; median: ParamBasis; p99: ParamBasis };
  /** Where a real component realizes the hop, its measured latency replaces this model (see LatencyModel). */
  measuredWhenReal?: string;
}

/** A catalog latency model: lognormal through median and p99, its provenance, its confidence derived from it. */
export function lognormalModel(m: LognormalSpec): LatencyModel {
  const provenance: LatencyProvenance = {
    medianMs: m.median,
    p99Ms: m.p99,
    ...(m.newConnection ? { newConnection: { medianMs: m.newConnection.median, p99Ms: m.newConnection.p99 } } : {}),
  };
  return {
    dist: 'lognormal',
    medianMs: m.medianMs,
    p99Ms: m.p99Ms,
    ...(m.newConnection ? { newConnection: { medianMs: m.newConnection.medianMs, p99Ms: m.newConnection.p99Ms } } : {}),
    confidence: lowestConfidence(provenance),
    basis: summarize(provenance),
    provenance,
    origin: 'catalog',
    ...(m.measuredWhenReal ? { measuredWhenReal: m.measuredWhenReal } : {}),
  };
}

/** A fixed delay a scenario setting chooses (the client's internet RTT, the service's processing time). */
export function fixedSetting(ms: number, setting: string, note?: string): LatencyModel {
  const b: ParamBasis = { basis: 'setting', setting, confidence: 'high' };
  const provenance: LatencyProvenance = { medianMs: b, p99Ms: b };
  return {
    dist: 'lognormal',
    medianMs: ms,
    p99Ms: ms,
    confidence: 'high',
    basis: `scenario setting ${setting} (fixed${ms ? '' : ': 0, nothing modeled'})${note ? `; ${note}` : ''}`,
    provenance,
    origin: 'catalog',
  };
}

/**
 * A scenario file's `latency:` on a hop: its figures replace the catalog's, with the file as their basis (an
 * override without a stated confidence is an assumption: low). The new-connection extra stays the catalog's.
 */
export function scenarioOverride(base: LatencyModel, o: { medianMs: number; p99Ms: number; basis?: string; confidence?: Confidence }, file: string): LatencyModel {
  const b: ParamBasis = { basis: 'scenario', file, why: o.basis ?? 'no basis given in the file', confidence: o.confidence ?? 'low' };
  const provenance: LatencyProvenance = { ...base.provenance, medianMs: b, p99Ms: b };
  return {
    ...base,
    medianMs: o.medianMs,
    p99Ms: o.p99Ms,
    provenance,
    confidence: lowestConfidence(provenance),
    basis: `overridden in ${file}: ${b.why}`,
    origin: 'scenario',
    overridden: true,
  };
}

/** An assumption, with what bounds it. */
export function assumption(why: string, context?: LatencySource[]): ParamBasis {
  return { basis: 'assumption', confidence: 'low', why, ...(context?.length ? { context } : {}) };
}

export function sourced(confidence: Confidence, derivation: string, ...sources: LatencySource[]): ParamBasis {
  return { basis: 'source', sources, derivation, confidence };
}

/**
 * What is missing from a model's provenance, or [] when every parameter has a source (URL, what was
 * measured, conditions) or is labelled an assumption with low confidence.
 */
export function provenanceProblems(m: LatencyModel): string[] {
  const out: string[] = [];
  if (!m.provenance) return ['no provenance'];
  if (!!m.newConnection !== !!m.provenance.newConnection) out.push('newConnection figures and their provenance do not match');
  for (const [name, b] of provenanceEntries(m.provenance)) {
    if (b.basis === 'source') {
      if (!b.sources.length) out.push(`${name}: basis "source" names no source`);
      for (const s of b.sources) {
        if (!/^https:\/\/\S+$/.test(s.url)) out.push(`${name}: source "${s.title}" has no https URL`);
        if (s.measured.trim().length < 20) out.push(`${name}: source "${s.title}" does not say what was measured`);
        if (s.conditions.trim().length < 10) out.push(`${name}: source "${s.title}" does not say under which conditions`);
      }
      if (b.derivation.trim().length < 20) out.push(`${name}: no derivation from the source`);
    } else if (b.basis === 'assumption') {
      if (b.confidence !== 'low') out.push(`${name}: an assumption must have low confidence`);
      if (b.why.trim().length < 20) out.push(`${name}: the assumption does not say what it rests on`);
    } else if (b.basis === 'setting') {
      if (!b.setting) out.push(`${name}: no setting named`);
    }
  }
  if (m.confidence !== lowestConfidence(m.provenance)) out.push(`confidence ${m.confidence} is not the lowest of its parameters' (${lowestConfidence(m.provenance)})`);
  return out;
}

/** What result.json records of a hop's model: its figures, provenance, and what the run did with it. */
export function recordLatency(m: LatencyModel, use: RecordedLatencyModel['use']): RecordedLatencyModel {
  return {
    medianMs: m.medianMs,
    p99Ms: m.p99Ms,
    ...(m.newConnection ? { newConnection: { ...m.newConnection } } : {}),
    confidence: m.confidence,
    basis: m.basis,
    origin: m.origin,
    use,
    ...(m.measuredWhenReal ? { measuredWhenReal: m.measuredWhenReal } : {}),
    provenance: structuredClone(m.provenance),
  };
}

// ---- the sources the catalog cites (read for the figures below; see docs/latency-models.md) ----

export const SOURCES = {
  istio120: {
    url: 'https://istio.io/v1.20/docs/ops/deployment/performance-and-scalability/',
    title: 'Istio 1.20 docs, Performance and Scalability ("Latency for Istio 1.20")',
    measured: 'two Envoy proxies on the path (client and server sidecar) add 0.228 ms at p90 and 0.298 ms at p99 over the same path without a mesh',
    conditions: 'Istio benchmarks (fortio), HTTP/1.1, 1 kB payload, 1,000 req/s, 2-64 client connections, 2 proxy workers, mutual TLS and telemetry v2 on; "different hardware will give different values"',
  },
  istioMesh116: {
    url: 'https://istio.io/v1.16/docs/ops/deployment/performance-and-scalability/',
    title: 'Istio 1.16 docs, Performance and Scalability (performance summary)',
    measured: '"The Envoy proxy adds 2.65 ms to the 90th percentile latency" (7 ms in 1.3, 6.3 ms in 1.4, 2.8 ms in 1.5, 2.65 ms from 1.8 to 1.16)',
    conditions: 'Istio load tests: a mesh of 1,000 services and 2,000 sidecars at 70,000 mesh-wide req/s, two proxies per request, telemetry filters on',
  },
  httpApiLaunch: {
    url: 'https://aws.amazon.com/blogs/compute/building-better-apis-http-apis-now-generally-available/',
    title: 'AWS Compute Blog, "HTTP APIs now generally available" (March 2020)',
    measured: '"Combining both the request and response, 99% of all requests (p99) have less than 10 ms of additional latency from HTTP API"; "up to 60% reduction in latency" against REST APIs "for the majority of use cases"',
    conditions: 'AWS statement at general availability; no test setup or median published',
  },
  apigwMetrics: {
    url: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-metrics-and-dimensions.html',
    title: 'API Gateway developer guide, "Amazon API Gateway dimensions and metrics"',
    measured: 'defines Latency (request received to response returned, "includes the integration latency and other API Gateway overhead") and IntegrationLatency; their difference is API Gateway\'s own share. No figures',
    conditions: 'CloudWatch metrics in milliseconds, 1-minute periods: how a team measures the figure on its own API',
  },
  nlbProduct: {
    url: 'https://aws.amazon.com/elasticloadbalancing/network-load-balancer/',
    title: 'AWS, Network Load Balancer product page',
    measured: '"capable of handling millions of requests per second while maintaining ultra-low latencies"; no figure',
    conditions: 'product statement, no test setup',
  },
  albAccessLogs: {
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html',
    title: 'ALB user guide, "Access logs for your Application Load Balancer"',
    measured: 'request_processing_time, target_processing_time and response_processing_time per request (seconds, ms resolution): the load balancer\'s own share is the first and the last. No figures',
    conditions: 'access log entries written every 5 minutes to S3: how a team measures the figure on its own ALB',
  },
  clbAccessLogs: {
    url: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html',
    title: 'Classic Load Balancer user guide, "Access logs for your Classic Load Balancer"',
    measured: 'request_processing_time, backend_processing_time and response_processing_time per request: the load balancer\'s own share is the first and the last. No figures',
    conditions: 'access log entries written to S3 every 5 or 60 minutes: how a team measures the figure on its own CLB',
  },
  azPingsXkyle: {
    url: 'https://xkyle.com/Measuring-AWS-Region-and-AZ-Latency',
    title: 'xkyle.com, "Measuring AWS Region and AZ Latency"',
    measured: 'best of 50 pings between every pair of AZ IDs: smallest ~0.250 ms (aps1-az1 to aps1-az1, the same AZ ID), largest ~3.37 ms (sae1-az3 to sae1-az2)',
    conditions: 'ICMP ping between EC2 instances in every region available to the author; best of 50 per pair, so medians are higher; date not stated',
  },
  azPingsLiesis: {
    url: 'https://lukasliesis.medium.com/what-is-aws-ec2-cross-availability-zones-network-lag-vs-inside-same-zone-827a4e06b6d7',
    title: 'Lukas Liesis, "What is AWS EC2 cross availability zones network lag vs inside same zone?" (November 2022)',
    measured: 'pings for 5 minutes from one instance: same-AZ and cross-AZ averages below 1 ms, cross-AZ averaged 0.82-0.83 ms with single samples up to 12.3 ms; same-AZ with a much lower standard deviation',
    conditions: 'eu-west-1, four t2.micro instances in one VPC (two in eu-west-1a), ICMP over private IPs',
  },
  azPairsFlashgrid: {
    url: 'https://www.flashgrid.io/news/latencies-between-aws-availability-zones-what-are-they-and-how-to-minimize-them/',
    title: 'FlashGrid, "Latencies between AWS availability zones" (March 2023)',
    measured: 'latency of every physical AZ pair of every region; pairs of one region differ (the article contrasts 0.5 ms with 1.5 ms)',
    conditions: 'measured by FlashGrid between instances in each AZ pair; per-pair tables in the article',
  },
  kubeProxyTigera: {
    url: 'https://www.tigera.io/blog/comparing-kube-proxy-modes-iptables-or-ipvs/',
    title: 'Tigera blog, "Comparing kube-proxy modes: iptables or IPVS?"',
    measured: 'round-trip response time of a real microservice through kube-proxy in iptables and in IPVS mode as the number of services grows, with and without keep-alive connections (figures shown as charts)',
    conditions: 'Tigera test cluster; iptables rule processing is nominally O(n) in services and backends and is paid when a connection is set up (conntrack carries the rest)',
  },
} satisfies Record<string, LatencySource>;
