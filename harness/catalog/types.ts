// What the lab knows about one AWS / Kubernetes component, in one place. Every part of the lab (scenario
// validation, local emulation, the model provider, cost, reports) reads these entries; none restates them.
import type { z } from 'zod';
import type { CostModel } from '../cost/types.ts';

export type ComponentKind =
  | 'client'
  | 'cloudfront'
  | 'waf'
  | 'apigw-rest'
  | 'apigw-http'
  | 'vpc-link'
  | 'nlb'
  | 'alb'
  | 'clb'
  | 'lattice'
  | 'kube-proxy'
  | 'envoy-gateway'
  | 'ingress-nginx'
  | 'service';

export type Confidence = 'low' | 'low-medium' | 'medium' | 'high';

/** Added latency per request on a warm connection: lognormal fitted from median and p99 (facts/latency.md). */
export interface LatencyModel {
  dist: 'lognormal';
  medianMs: number;
  p99Ms: number;
  /** Extra on a NEW connection (handshakes, conntrack), same distribution family. */
  newConnection?: { medianMs: number; p99Ms: number };
  confidence: Confidence;
  basis: string;
  /** Overridden by the scenario file (then basis says so). */
  overridden?: boolean;
}

export interface Limit {
  name: string;
  value: number;
  unit: string;
  /** HTTP status a client sees when the limit is hit, when there is one. */
  status?: number;
  note?: string;
}

/** Features shown in the review table. `true`/`false`, or a short string where a yes/no would mislead. */
export interface Features {
  wafAttachable?: boolean | string;
  tlsTermination?: boolean | string;
  centralCertificates?: boolean | string;
  podAwareRouting?: boolean | string;
  weightedCanary?: boolean | string;
  lambdaRouting?: boolean | string;
}
export const FEATURE_LABELS: Record<keyof Features, string> = {
  wafAttachable: 'WAF attachable',
  tlsTermination: 'TLS termination',
  centralCertificates: 'central certificates (ACM)',
  podAwareRouting: 'pod-aware routing',
  weightedCanary: 'weighted canary',
  lambdaRouting: 'Lambda routing',
};

/** One request as a hop sees it: the L4 peer, an optional PROXY header ahead of the bytes, and the headers. */
export interface Envelope {
  /** Source address of the connection arriving at the next hop. */
  peer: string;
  /**
   * PROXY protocol headers at the start of that connection, outermost first. An L4 hop that forwards bytes
   * keeps whatever the client itself sent (a forged header) behind its own.
   */
  proxy: Array<{ version: 1 | 2; source: string }>;
  /** Delivered over PrivateLink (API Gateway VPC link v1): the NLB cannot preserve the client IP. */
  privateLink?: boolean;
  /** HTTP headers (lower-case names, in order; repeated names allowed). */
  headers: Array<[string, string]>;
}

/** Addresses of the hop's own infrastructure, so semantics can say "the source becomes the LB node address". */
export interface HopContext {
  /** Address this hop uses as a source toward the next hop (LB node, proxy, ENI). */
  self: string;
  /** Node address kube-proxy SNATs to (ETP=Cluster, pod on another node). */
  nodeAddress?: string;
  /** True when this connection's target pod sits on a node other than the one that received it. */
  crossNode?: boolean;
  /** The address the listener was reached at (for PROXY destination fields and X-Forwarded-Port). */
  listenPort?: number;
  /** Protocol the client used toward this hop. */
  scheme?: 'http' | 'https';
  /** How symbolic trust entries (vpc, cloudfront, lattice) map to CIDRs here; default: the local plan. */
  networks?: import('./address-plan.ts').NetworkMap;
  /** Random source for weighted routing / trace ids (seeded in models). */
  random?: () => number;
}

/** status 0 = the connection is closed without an HTTP response (e.g. a PROXY listener given none). */
export type HopOutcome = { ok: true; env: Envelope; route?: string } | { ok: false; status: number; reason: string };

export interface Diagnostic {
  severity: 'error' | 'warning';
  code: string;
  /** Path into the scenario document, e.g. ["spec","chain",1,"settings","targetType"]. */
  path: Array<string | number>;
  message: string;
  hint: string;
}

/** The part of a loaded scenario a rule needs; kept structural so the catalog does not import the loader. */
export interface HopRef {
  index: number;
  name: string;
  component: ComponentKind;
  settings: any;
}

export interface CatalogEntry<S = any> {
  kind: ComponentKind;
  title: string;
  /** One paragraph: what it is and where it sits. */
  summary: string;
  layer: 'client' | 'L4' | 'L7' | 'app';
  /** Managed AWS component (emulated locally) vs in-cluster software (a real data plane may realize it). */
  managed: boolean;
  /** Scenario settings for this component: strict, with defaults. */
  settings: z.ZodType<S>;
  /** Human description of what it does to a request with these settings (plan, reports). */
  describe(s: S): string[];
  /** Pure semantics: what the next hop receives. L4 hops never touch headers; L7 hops rebuild the connection. */
  apply(env: Envelope, s: S, ctx: HopContext): HopOutcome;
  latency(s: S): LatencyModel;
  limits(s: S): Limit[];
  features(s: S): Features;
  /** Checks that involve this hop and its neighbours (AWS refusals as errors, harmful-but-legal as warnings). */
  rules?(hop: HopRef, chain: HopRef[]): Diagnostic[];
  /** Monthly bill lines for this hop (harness/catalog/components/<kind>.cost.ts); absent = no charge of its own. */
  cost?: CostModel<S>;
}
