// Pure planning of a local realization: which process realizes each hop, on which 127.x addresses (the
// loopback address plan, catalog/address-plan.ts), which pods sit on which node and AZ, and which flags the
// hop process needs. No processes, no sockets: this is unit-tested on its own.
import type { Scenario, ResolvedHop } from '../../scenario/model.ts';
import { CROSS_AZ_RTT } from '../../catalog/network.ts';
import { serviceVersions } from '../../catalog/components/service.ts';
import type { HopRole, LatencySpec, ListenerSpec } from '../../emulation/spec.ts';

export interface NodePlan {
  address: string;
  az: number;
  index: number;
}

export interface HopPlan {
  index: number;
  hop: ResolvedHop;
  role: HopRole | 'gateway';
  listeners: ListenerSpec[];
  sameAzOnly: boolean;
  sameNodeOnly: boolean;
  inboundPrivateLink: boolean;
  markWafSource: boolean;
  /** TLS terminated at this listener (entry hop only). */
  tls: boolean;
  latency: LatencySpec | null;
  crossAzLatency: LatencySpec | null;
  /** Facts about how this hop is realized here, for the report. */
  notes: string[];
}

export interface TopologyPlan {
  nodes: NodePlan[];
  hops: HopPlan[]; // hops[0] is the first hop after the client
  clientHttps: boolean;
  sources: string[];
}

const TLS_TERMINATING = (h: ResolvedHop): boolean => {
  const s = h.settings;
  switch (h.component) {
    case 'nlb':
      return s.listener === 'TLS';
    case 'alb':
      return !!s.https;
    case 'clb':
      return s.listener === 'https' || s.listener === 'ssl';
    case 'cloudfront':
      return s.viewerProtocol === 'https';
    case 'apigw-rest':
    case 'apigw-http':
      return true;
    case 'lattice':
      return s.listener === 'https';
    default:
      return false;
  }
};

export function roleOf(h: ResolvedHop): HopRole | 'gateway' {
  switch (h.component) {
    case 'service':
      return 'echo';
    case 'envoy-gateway':
    case 'ingress-nginx':
      return 'gateway';
    case 'nlb':
    case 'vpc-link':
    case 'kube-proxy':
      return 'l4';
    case 'clb':
      return h.settings.listener === 'tcp' || h.settings.listener === 'ssl' ? 'l4' : 'l7';
    case 'lattice':
      return h.settings.listener === 'tls-passthrough' ? 'l4' : 'l7';
    default:
      return 'l7';
  }
}

/** Client source addresses: 127.1.<hi>.<lo>, skipping .0 and .255. */
export function clientSources(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const hi = Math.floor(i / 254);
    const lo = (i % 254) + 1;
    out.push(`127.1.${hi}.${lo}`);
  }
  return out;
}

export function planTopology(s: Scenario, opts: { injectLatency: boolean; maxSources?: number }): TopologyPlan {
  const nodesN = s.cluster.nodes;
  const azs = Math.min(s.cluster.azs, nodesN);
  const nodes: NodePlan[] = Array.from({ length: nodesN }, (_, i) => {
    const az = (i % azs) + 1;
    return { address: `127.22.${az}.${i + 1}`, az, index: i + 1 };
  });
  const podCount = new Map<number, number>();
  let podRR = 0;
  const placePod = (name: string, version?: string): ListenerSpec => {
    const node = nodes[podRR++ % nodes.length];
    const k = (podCount.get(node.index) ?? 0) + 1;
    podCount.set(node.index, k);
    return { host: `127.23.${node.index}.${k}`, port: 0, az: node.az, node: node.address, version, pod: name };
  };
  const perAz = (prefix: string, k: number): ListenerSpec[] =>
    Array.from({ length: azs }, (_, i) => ({ host: `${prefix}.${i + 1}.${k}`, port: 0, az: i + 1 }));

  const chain = s.hops.slice(1);
  const clientSettings = s.hops[0].settings;
  let lb = 0;
  let eni = 0;
  let edge = 0;
  let api = 0;
  let lat = 0;
  let waf = 0;
  const hops: HopPlan[] = chain.map((h, i) => {
    const role = roleOf(h);
    const notes: string[] = [];
    let listeners: ListenerSpec[];
    switch (h.component) {
      case 'nlb':
      case 'alb':
      case 'clb':
        listeners = perAz('127.20', ++lb);
        break;
      case 'vpc-link':
        listeners = perAz('127.21', ++eni).slice(0, 1);
        break;
      case 'cloudfront':
        listeners = [{ host: `127.30.0.${++edge}`, port: 0, az: 1 }];
        break;
      case 'apigw-rest':
      case 'apigw-http':
        listeners = [{ host: `127.40.0.${++api}`, port: 0, az: 1 }];
        break;
      case 'lattice':
        listeners = [{ host: `127.254.171.${++lat}`, port: 0, az: 1 }];
        break;
      case 'waf':
        // The WAF forwards from the address of the resource it is attached to (apply keeps the peer).
        listeners = [{ host: `127.31.0.${++waf}`, port: 0, az: 1 }];
        break;
      case 'kube-proxy':
        listeners = nodes.map((n) => ({ host: n.address, port: 0, az: n.az, node: n.address }));
        break;
      case 'envoy-gateway':
      case 'ingress-nginx':
        listeners = Array.from({ length: h.settings.replicas }, (_, r) => placePod(`${h.name}-${r + 1}`));
        break;
      case 'service': {
        listeners = [];
        for (const v of serviceVersions(h.settings)) for (let r = 0; r < v.replicas; r++) listeners.push(placePod(`${h.name}-${v.name}-${r + 1}`, v.name));
        break;
      }
      default:
        listeners = [{ host: `127.20.99.${++lb}`, port: 0, az: 1 }];
    }
    const prev = chain[i - 1];
    const next = chain[i + 1];
    const sameAzOnly = (h.component === 'nlb' || h.component === 'clb') && !h.settings.crossZone;
    const sameNodeOnly = h.component === 'kube-proxy' && h.settings.externalTrafficPolicy === 'Local';
    const crossAzPossible = (h.component === 'nlb' || h.component === 'clb') ? !!h.settings.crossZone : h.component === 'alb' || (h.component === 'kube-proxy' && !sameNodeOnly);
    const tls = i === 0 && TLS_TERMINATING(h) && (clientSettings.https || (h.component === 'nlb' && h.settings.listener === 'TLS'));
    if (i === 0 && clientSettings.https && !tls) notes.push('client https requested, but this first hop does not terminate TLS here: plain HTTP used');
    if (i > 0 && TLS_TERMINATING(h) && h.component === 'nlb') notes.push('TLS listener behind another hop realized as TCP (TLS only at the entry hop locally)');
    if (h.component === 'lattice' && h.settings.listener === 'tls-passthrough') notes.push('TLS passthrough realized as byte forwarding (the lab client speaks plain HTTP through it)');
    const latency: LatencySpec | null =
      opts.injectLatency && h.latency.medianMs > 0 && role !== 'echo'
        ? { medianMs: h.latency.medianMs, p99Ms: h.latency.p99Ms, newConnection: h.latency.newConnection }
        : null;
    return {
      index: h.index,
      hop: h,
      role,
      listeners,
      sameAzOnly,
      sameNodeOnly,
      inboundPrivateLink: h.component === 'nlb' && prev?.component === 'vpc-link' && prev.settings.version === 'v1',
      markWafSource: next?.component === 'waf',
      tls,
      latency,
      crossAzLatency: opts.injectLatency && crossAzPossible ? { medianMs: CROSS_AZ_RTT.medianMs, p99Ms: CROSS_AZ_RTT.p99Ms } : null,
      notes,
    };
  });
  const n = Math.min(clientSettings.sources, opts.maxSources ?? clientSettings.sources);
  return { nodes, hops, clientHttps: !!hops[0]?.tls, sources: clientSources(n) };
}
