// What the lab knows about one AWS / Kubernetes component, in one place. Every part of the lab (scenario
// validation, the providers, the model, cost, findings, reports) asks these entries; none restates them.
// A component file exports a ComponentDefinition; catalog/index.ts completes it into a CatalogEntry (its
// cost model joined, the derived queries added) so every consumer asks the same questions the same way.
import type { z } from 'zod';
import type { CostModel } from '../cost/types.ts';
import type { RateLimiter } from '../lib/token-bucket.ts';
import type { NetworkMap } from './address-plan.ts';
import type { Realizations } from './realization.ts';

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

/** A published measurement or statement a latency parameter rests on (or that bounds an assumption). */
export interface LatencySource {
  url: string;
  /** Who published it, and what it is. */
  title: string;
  /** What was measured or stated, with the figures. */
  measured: string;
  /** Under which conditions: load, payload, connections, hardware, software version, date. */
  conditions: string;
}

/** Where one parameter's value comes from. */
export type ParamBasis =
  /** Derived from published figures; `derivation` says how. */
  | { basis: 'source'; sources: LatencySource[]; derivation: string; confidence: Confidence }
  /** No published figure: an engineering estimate; `context` lists sources that bound it without fixing it. */
  | { basis: 'assumption'; confidence: 'low'; why: string; context?: LatencySource[] }
  /** A scenario setting (a fixed delay the user chose, e.g. internetRttMs). */
  | { basis: 'setting'; setting: string; confidence: 'high' }
  /** Replaced in a scenario file (`latency:` on the hop). */
  | { basis: 'scenario'; file: string; why: string; confidence: Confidence }
  /** Fitted from measured runs (a calibration overlay, `--calibration <file>`). */
  | { basis: 'calibration'; file: string; fit: string; confidence: Confidence };

export interface LatencyProvenance {
  medianMs: ParamBasis;
  p99Ms: ParamBasis;
  newConnection?: { medianMs: ParamBasis; p99Ms: ParamBasis };
}

/**
 * Added latency per request on a warm connection: lognormal through median and p99. Every parameter carries
 * its provenance (catalog/latency.ts): a source with the derivation, or an assumption with low confidence.
 */
export interface LatencyModel {
  dist: 'lognormal';
  medianMs: number;
  p99Ms: number;
  /** Extra on a NEW connection (handshakes, conntrack), same distribution family. */
  newConnection?: { medianMs: number; p99Ms: number };
  /** The lowest confidence of its parameters. */
  confidence: Confidence;
  /** One line: where the figures come from (derived from `provenance`). */
  basis: string;
  provenance: LatencyProvenance;
  /** Where the figures in effect come from: the catalog, the scenario file, or a calibration overlay. */
  origin: 'catalog' | 'scenario' | 'calibration';
  /**
   * Set on components a real process realizes in some providers (a real Envoy, a real nginx): there the
   * hop's latency is measured, never injected, and this model serves only the model provider and cost. Says
   * what is measured instead.
   */
  measuredWhenReal?: string;
  /** Overridden by the scenario file (origin 'scenario'). */
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
  /** Node address kube-proxy SNATs to (ETP=Cluster). */
  nodeAddress?: string;
  /** The address the listener was reached at (for PROXY destination fields and X-Forwarded-Port). */
  listenPort?: number;
  /** Protocol the client used toward this hop. */
  scheme?: 'http' | 'https';
  /** How symbolic trust entries (vpc, cloudfront, lattice) map to CIDRs here; default: the local plan. */
  networks?: NetworkMap;
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

/** A hop of a chain with its catalog entry: what chain-level queries (catalog/chain.ts) walk. */
export interface Hop<S = any> extends HopRef {
  entry: CatalogEntry<S>;
  settings: S;
}

/** L4 forwards bytes; L7 terminates the connection and rebuilds the request; client and app are the ends. */
export type Layer = 'client' | 'L4' | 'L7' | 'app';

/** What the listener does with TLS the client speaks to it. */
export type TlsMode = 'terminate' | 'passthrough' | 'none';

/**
 * Which targets a hop may forward a flow to, relative to where the flow arrived (catalog/forwarding.ts has
 * the rule and its sources): the same node, the same AZ, any AZ (targets picked evenly over every zone),
 * inside a managed service's own fleet (its latency model and price cover any zone crossing), or nowhere.
 */
export type ForwardingScope = 'same-node' | 'same-az' | 'any-az' | 'managed-fleet' | 'none';

export interface Forwarding {
  scope: ForwardingScope;
  /** The share that crosses AZs is billed as inter-AZ data transfer (EC2 $0.01/GB each way). */
  billed: boolean;
  /** Why, with the source (plan, model notes, bill lines). */
  why: string;
}

/** The derived answer every consumer (cost, model, local topology) uses: one rule, one number. */
export interface CrossAz extends Forwarding {
  /** Share of flows that cross AZs with targets spread evenly over `azs` zones. */
  share: number;
}

/** Capacity of a hop that queues (replicas x requests per second each), for the model and gateway cost. */
export interface Queue {
  servers: number;
  perServerRps: number;
  why: string;
}

/** Weighted routing to service versions (Lattice HTTPRoute weights). */
export interface WeightedRoute {
  backend: string;
  weight: number;
}

/** An in-cluster gateway (the pod that reads the client IP for the application). */
export interface GatewayFacet<S = any> {
  /** The product realizing it: real data planes and cluster installs are looked up by this key. */
  product: 'envoy-gateway' | 'ingress-nginx';
  parsesProxy(s: S): boolean;
  /** The setting that turns PROXY parsing on, as a hint writes it. */
  proxySetting: string;
  /** Trust entries (CIDRs or vpc / cloudfront / lattice) the gateway believes forwarded headers from. */
  trustEntries(s: S): string[];
  /** Whether it takes the client from X-Forwarded-For entries a proxy in front appended. */
  readsForwardedFor(s: S): boolean;
  /** The setting that makes it do so, as a fix names it. */
  forwardedForSetting: string;
  /** The fix when a client-forged X-Forwarded-For is believed. */
  xffSpoofFix: string;
  /**
   * The user's own configuration files can stand in for the settings (a scenario hop's `config.files`): what
   * they are, and which settings they decide (the lab reads those out of the files; setting them too is an error).
   */
  userConfig?: { what: string; owns: readonly string[] };
  /** The product's own project status, shown by plan, validate and every report for each hop realizing it. */
  lifecycle?: { status: 'retired'; since: string; notice: string; source: string; migrateTo: string };
}

/** A header a managed hop strips from inbound requests: a forged one reaching the app means a bypass. */
export interface StrippedHeader {
  header: string;
  forged: string;
  fix: string;
}

/** Context of a client-IP fix: the chain's gateway, when there is one. */
export interface FixContext {
  gateway?: Hop;
}

export interface ComponentDefinition<S = any> {
  kind: ComponentKind;
  title: string;
  /** One paragraph: what it is and where it sits. */
  summary: string;
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
  rules?(hop: Hop, chain: Hop[]): Diagnostic[];

  // ---- facets: settings-dependent, pure answers the rest of the lab asks instead of switching on kinds ----
  /** Where in a chain it may stand: the client opens it, the service closes it, the rest sits between. */
  position?: 'first' | 'last';
  layer(s: S): Layer;
  tls(s: S): TlsMode;
  /** Toward the next hop (catalog/forwarding.ts). */
  forwarding(s: S): Forwarding;
  /**
   * Not a hop of its own on the wire: evaluated inside the resource before it (WAF: it sees that resource's
   * requests and source, and adds no connection), or that resource's private path into the VPC (VPC link).
   */
  partOfPrevious?: 'evaluated-inside' | 'private-path';
  /** A CDN edge: clients reach it near them; it bills its own data out and fetches from AWS origins for free. */
  edge?: boolean;
  /** Whether it faces the internet when it is the entry (its responses leave AWS as data transfer out). */
  internetFacing?(s: S): boolean;
  /** Share of requests it passes on to the next hop (a cache answers the rest). Default 1. */
  passedShare?(s: S): number;
  /** Kubernetes creates one per Service (type LoadBalancer, or a Lattice service per route) unless a gateway fans out behind it. */
  onePerService?: boolean;
  /** A capacity-limited hop (replicas x capacity): the model queues on it, cost scales gateway replicas by it. */
  queue?(s: S): Queue;
  /** Routes requests to service versions by weight. */
  weightedRoutes?(s: S): WeightedRoute[];
  /** Headers carrying the client IP that this hop fills or reads (a forged one is a spoofing probe). */
  clientIpHeaders?(s: S): string[];
  /** Inbound headers it strips (a forged one reaching the app is a finding). */
  strippedHeaders?: StrippedHeader[];
  /** A client can go around it straight to the origin behind it (no origin lock). */
  bypassable?(s: S): boolean;
  /** Where this hop loses the client IP, the setting that keeps it; null when it does not lose it. */
  clientIpFix?(s: S, ctx: FixContext): string | null;
  /** The PROXY protocol header it writes ahead of each connection it forwards, if any. */
  proxyHeader?(s: S): 'v1' | 'v2' | null;
  /** Present on in-cluster gateways. */
  gateway?: GatewayFacet<S>;
  /** How each provider realizes it, as data; providers look realizers up by these keys. Absent only on the
   *  client, which the load driver is in every provider. */
  realize?: Realizations<S>;
}

export interface CatalogEntry<S = any> extends ComponentDefinition<S> {
  /** Monthly bill lines for this hop (harness/catalog/components/<kind>.cost.ts); absent = no charge of its own. */
  cost?: CostModel<S>;
  /** Terminates the client's connection (and pools its own toward the next hop). */
  terminates(s: S): boolean;
  /** Cross-AZ share of flows toward the next hop with `azs` zones, and whether it is billed. */
  crossAz(s: S, azs: number): CrossAz;
  /** The token bucket its documented rate limit describes (429 / 403), or null. */
  rateLimiter(s: S, azs: number): RateLimiter | null;
}
