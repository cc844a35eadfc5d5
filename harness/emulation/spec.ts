// What the provider tells one hop process to be (sent over IPC as JSON), and what the process reports back.
import type { ComponentKind } from '../catalog/types.ts';
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { Enforcement } from '../catalog/realization.ts';
import type { PathDelayPlan } from '../load/path-delay.ts';

export interface ListenerSpec {
  /** Address the listener binds (port 0 = any free port); also the hop's own source address toward the next hop. */
  host: string;
  port: number;
  az: number;
  /** Node address this listener lives on (kube-proxy node, pod's node). */
  node?: string;
  /** Service version served here (echo pods). */
  version?: string;
  /** Pod name, for reports. */
  pod?: string;
}

export interface UpstreamSpec {
  host: string;
  port: number;
  az: number;
  node?: string;
  version?: string;
}

export interface LatencySpec {
  medianMs: number;
  p99Ms: number;
  newConnection?: { medianMs: number; p99Ms: number };
}

export type HopRole = 'l4' | 'l7' | 'echo' | 'delay-stage';

export interface HopSpec {
  role: HopRole;
  name: string;
  component: ComponentKind;
  settings: any;
  listeners: ListenerSpec[];
  upstreams: UpstreamSpec[];
  /** null: nothing injected (measuring the lab's own overhead). */
  latency: LatencySpec | null;
  /**
   * Cross-AZ round trip (null: not injected). Added on connections to an upstream in another AZ, or, when
   * crossAzFrom lists senders, on requests arriving from one of them that sits in another AZ than the listener.
   */
  crossAzLatency: LatencySpec | null;
  crossAzFrom?: Array<{ host: string; az: number }>;
  /** Only upstreams in the listener's AZ (NLB/CLB cross-zone off). */
  sameAzOnly?: boolean;
  /** Only upstreams on the listener's node (kube-proxy ETP=Local). */
  sameNodeOnly?: boolean;
  /** The inbound side is a PrivateLink endpoint (NLB behind VPC link v1). */
  inboundPrivateLink?: boolean;
  /** TLS termination on the listener, with a generated certificate (PEM). */
  tls?: { key: string; cert: string } | null;
  networks: NetworkMap;
  seed: number;
  /** Echo only: how the application reads the client IP. */
  app?: { clientIpFrom: 'gateway' | 'socket' | 'xff-leftmost' | 'xff-rightmost' | 'header'; clientIpHeader?: string; responseBytes: number; processingMs: number; inspect?: boolean };
  /** Throttle scale factor (the account rate and burst of `enforce.throttle` are divided by it). */
  throttleScale?: number;
  /** Tell the next hop (a WAF) the source this hop saw: AWS evaluates WAF inside the resource it is attached to. */
  forwardSourceToAttached?: boolean;
  /** Evaluated inside the hop before it (a WAF): read the source that hop saw instead of the socket peer. */
  attachedToPrevious?: boolean;
  /** What an L7 emulation enforces for this component (the catalog's realize.local). */
  enforce?: Enforcement;
  /** Delay stage only: the path's modeled delays, applied once per request in front of the entry. */
  pathDelay?: PathDelayPlan;
}

export interface BoundListener {
  host: string;
  port: number;
  az: number;
  node?: string;
  version?: string;
}

export interface HopStats {
  /** Processing time inside the hop (receive -> forward), injected delay excluded, in ms. */
  overheadMs: { p50: number; p99: number; max: number; count: number };
  /** How late the delay scheduler fired, in ms (null when nothing was delayed). */
  schedulerLateMs: { p50: number; p99: number; max: number; count: number } | null;
  counters: Record<string, number>;
}

export type ChildMessage =
  | { type: 'loaded' }
  | { type: 'ready'; listeners: BoundListener[]; pid: number }
  | { type: 'failed'; error: string }
  | { type: 'stats'; stats: HopStats }
  | { type: 'incident'; message: string };

export type ParentMessage = { type: 'start'; spec: HopSpec } | { type: 'stats' } | { type: 'stop' };
