// Pure planning of a local realization: which realizer runs each hop (the catalog's `realize.local`), on which
// 127.x addresses (the loopback address plan, catalog/address-plan.ts), which pods sit on which node and AZ,
// which targets a hop may pick and where cross-AZ latency is injected (the catalog's crossAz answer, the same
// one cost and the model use). No processes, no sockets: this is unit-tested on its own.
import type { Scenario, ResolvedHop } from '../../scenario/model.ts';
import { CROSS_AZ_RTT } from '../../catalog/network.ts';
import { listenerAddress } from '../../catalog/address-plan.ts';
import type { ListenerLayout, LocalRealization } from '../../catalog/realization.ts';
import type { BoundListener, HopSpec, LatencySpec, ListenerSpec, UpstreamSpec } from '../../emulation/spec.ts';
import { LOCAL_REALIZERS } from './realizers.ts';
import type { DelayTerm, PathDelayHop, PathDelayPlan } from '../../load/path-delay.ts';

export interface NodePlan {
  address: string;
  az: number;
  index: number;
}

export interface HopPlan {
  index: number;
  hop: ResolvedHop;
  /** What the catalog says realizes it here. */
  realization: LocalRealization;
  listeners: ListenerSpec[];
  sameAzOnly: boolean;
  sameNodeOnly: boolean;
  /** The hop before it delivers over PrivateLink (its semantics mark envelopes so). */
  inboundPrivateLink: boolean;
  /** Tell the next hop, evaluated inside this one (a WAF), the source this hop saw. */
  forwardSourceToAttached: boolean;
  /** Evaluated inside the hop before it (a WAF): it reads that hop's source instead of its own peer. */
  attachedToPrevious: boolean;
  /** TLS terminated at this listener (entry hop only). */
  tls: boolean;
  latency: LatencySpec | null;
  /** Added by this hop on flows it forwards to a target in another AZ. */
  crossAzLatency: LatencySpec | null;
  /** Added by this hop on flows it receives from these senders when they sit in another AZ (the sender
   *  cannot inject: a real data plane realizes it). */
  crossAzFrom: Array<{ host: string; az: number }>;
  /** Facts about how this hop is realized here, for the report. */
  notes: string[];
}

export interface TopologyPlan {
  nodes: NodePlan[];
  /** Availability zones the nodes spread over (the cross-AZ share's denominator). */
  azs: number;
  /** Whether modeled latency is injected at all (false: an overhead run). */
  injectLatency: boolean;
  hops: HopPlan[]; // hops[0] is the first hop after the client
  clientHttps: boolean;
  sources: string[];
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

/** The catalog's local realization of a hop; a component without one cannot run locally. */
export function localRealization(h: ResolvedHop): LocalRealization {
  const r = h.entry.realize?.local(h.settings);
  if (!r) throw new Error(`component ${h.component} has no local realization in the catalog (realize.local)`);
  return r;
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
  // Hops sharing an address block (every load balancer sits in 127.20) take the next number in it.
  const used = new Map<string, number>();
  const listenersOf = (h: ResolvedHop, layout: ListenerLayout): ListenerSpec[] => {
    if ('on' in layout) {
      if (layout.on === 'nodes') return nodes.map((n) => ({ host: n.address, port: 0, az: n.az, node: n.address }));
      return layout.pods.map((p) => placePod(`${h.name}-${p.name}`, p.version));
    }
    const k = (used.get(layout.block) ?? 0) + 1;
    used.set(layout.block, k);
    if (layout.per === 'hop') return [{ host: listenerAddress(layout.block, k), port: 0, az: 1 }];
    return Array.from({ length: Math.min(azs, layout.maxAzs ?? azs) }, (_, i) => ({ host: listenerAddress(layout.block, k, i + 1), port: 0, az: i + 1 }));
  };

  const chain = s.hops.slice(1);
  const clientSettings = s.hops[0].settings;
  const crossAzRtt: LatencySpec = { medianMs: CROSS_AZ_RTT.medianMs, p99Ms: CROSS_AZ_RTT.p99Ms };
  const hops: HopPlan[] = chain.map((h, i) => {
    const realization = localRealization(h);
    const notes = [...(realization.notes ?? [])];
    const prev = chain[i - 1];
    const next = chain[i + 1];
    const scope = h.entry.crossAz(h.settings, azs).scope;
    const tlsListener = h.entry.tls(h.settings) === 'terminate';
    const tls = i === 0 && tlsListener && (clientSettings.https || realization.entryTls === 'always');
    if (i === 0 && clientSettings.https && !tls) notes.push('client https requested, but this first hop does not terminate TLS here: plain HTTP used');
    if (i > 0) notes.push(...(realization.notesBehindEntry ?? []));
    const latency: LatencySpec | null =
      opts.injectLatency && h.latency.medianMs > 0 && realization.realizer !== 'echo'
        ? { medianMs: h.latency.medianMs, p99Ms: h.latency.p99Ms, newConnection: h.latency.newConnection }
        : null;
    const crossesAz = opts.injectLatency && scope === 'any-az';
    return {
      index: h.index,
      hop: h,
      realization,
      listeners: listenersOf(h, realization.listeners),
      sameAzOnly: scope === 'same-az',
      sameNodeOnly: scope === 'same-node',
      inboundPrivateLink: !!prev && deliversOverPrivateLink(prev),
      forwardSourceToAttached: next?.entry.partOfPrevious === 'evaluated-inside',
      attachedToPrevious: h.entry.partOfPrevious === 'evaluated-inside',
      tls,
      latency,
      crossAzLatency: crossesAz && LOCAL_REALIZERS[realization.realizer].crossAzAt === 'sender' ? crossAzRtt : null,
      crossAzFrom: [],
      notes,
    };
  });
  // A hop whose realizer cannot inject (a real data plane) leaves the cross-AZ share to the hop behind it.
  hops.forEach((hp, i) => {
    const next = hops[i + 1];
    if (!next || !opts.injectLatency || hp.crossAzLatency || hp.hop.entry.crossAz(hp.hop.settings, azs).scope !== 'any-az') return;
    next.crossAzLatency = crossAzRtt;
    next.crossAzFrom = hp.listeners.map((l) => ({ host: l.host, az: l.az }));
  });
  const n = Math.min(clientSettings.sources, opts.maxSources ?? clientSettings.sources);
  return { nodes, azs, injectLatency: opts.injectLatency, hops, clientHttps: !!hops[0]?.tls, sources: clientSources(n) };
}

/**
 * Every modeled delay of the path as one plan the load driver applies per request (load/path-delay.ts): each
 * emulated hop's lognormal, its new-connection part where the client's own connection reaches it, and the
 * cross-AZ round trip on the share of flows the catalog's forwarding facet says cross AZs. A hop realized by
 * a real data plane adds none of its own (its latency is measured), but the network behind it still crosses
 * AZs. The application's own processingMs stays in the echo (it is the app being slow, which an
 * integration timeout must see). Pure: the same plan and seed give the same samples.
 */
export function pathDelayPlanOf(plan: TopologyPlan, o: { seed: number; realDataPlane: ReadonlySet<number> }): PathDelayPlan {
  const rtt: DelayTerm = { medianMs: CROSS_AZ_RTT.medianMs, p99Ms: CROSS_AZ_RTT.p99Ms };
  let terminatedBefore = false;
  const hops: PathDelayHop[] = plan.hops.map((hp, i) => {
    const reachedByClientConnection = !terminatedBefore;
    const terminates = hp.hop.entry.terminates(hp.hop.settings);
    terminatedBefore ||= terminates;
    const own = plan.injectLatency && !o.realDataPlane.has(i) ? hp.latency : null;
    const share = plan.injectLatency ? hp.hop.entry.crossAz(hp.hop.settings, plan.azs).share : 0;
    return {
      name: hp.hop.name,
      perRequest: own ? { medianMs: own.medianMs, p99Ms: own.p99Ms } : null,
      newConnection: own?.newConnection && reachedByClientConnection ? { ...own.newConnection } : null,
      crossAz: share > 0 ? { share, rtt, per: reachedByClientConnection && !terminates ? 'connection' : 'request' } : null,
    };
  });
  return { hops, seed: o.seed };
}

/** The hop marks what it forwards as arriving over PrivateLink (API Gateway VPC link v1): fold one envelope through it. */
function deliversOverPrivateLink(h: ResolvedHop): boolean {
  const out = h.entry.apply({ peer: '127.0.0.1', proxy: [], headers: [] }, h.settings, { self: '127.0.0.2', nodeAddress: '127.0.0.2', random: () => 0.5 });
  return out.ok && !!out.env.privateLink;
}

/** What one hop process (a local process or a kind emulator container) is told to be. */
export function hopSpecOf(
  hp: HopPlan,
  o: {
    role: HopSpec['role'];
    upstreams: UpstreamSpec[];
    listeners?: ListenerSpec[];
    seed: number;
    networks: HopSpec['networks'];
    throttleScale: number;
    tls?: HopSpec['tls'];
    app?: HopSpec['app'];
  },
): HopSpec {
  return {
    role: o.role,
    name: hp.hop.name,
    component: hp.hop.component,
    settings: hp.hop.settings,
    listeners: o.listeners ?? hp.listeners,
    upstreams: o.upstreams,
    latency: hp.latency,
    crossAzLatency: hp.crossAzLatency,
    crossAzFrom: hp.crossAzFrom,
    sameAzOnly: hp.sameAzOnly,
    sameNodeOnly: hp.sameNodeOnly,
    inboundPrivateLink: hp.inboundPrivateLink,
    forwardSourceToAttached: hp.forwardSourceToAttached,
    attachedToPrevious: hp.attachedToPrevious,
    enforce: hp.realization.enforce,
    tls: o.tls ?? null,
    networks: o.networks,
    seed: o.seed,
    throttleScale: o.throttleScale,
    app: o.app,
  };
}

/**
 * The next hop's listeners a hop may send to. A listener with no usable target of its own is left out, as
 * health checks and DNS do: ETP=Local nodes without a local pod fail the LB health check, and an LB node in
 * an AZ without a healthy target (cross-zone off) leaves DNS.
 */
export function upstreamsFor(plan: TopologyPlan, bound: BoundListener[][], i: number): UpstreamSpec[] {
  const next = plan.hops[i + 1];
  if (!next) return [];
  let list = bound[i + 1];
  if (next.sameAzOnly || next.sameNodeOnly) {
    const theirs = upstreamsFor(plan, bound, i + 1);
    list = list.filter((l) => theirs.some((u) => (!next.sameAzOnly || u.az === l.az) && (!next.sameNodeOnly || u.node === l.node)));
  }
  return list.map((b) => ({ host: b.host, port: b.port, az: b.az, node: b.node, version: b.version }));
}

/** The listener a client reaches: the first one (e.g. AZ) that has a target it may use. */
export function pickEntry(plan: TopologyPlan, bound: BoundListener[][]): BoundListener {
  return entryAt(plan, bound, 0) ?? bound[0][0];
}

/** The first listener of hop i that has a target it may use (the service: its first pod); null if none. */
export function entryAt(plan: TopologyPlan, bound: BoundListener[][], i: number): BoundListener | null {
  const hp = plan.hops[i];
  if (i === plan.hops.length - 1) return bound[i][0] ?? null;
  const ups = upstreamsFor(plan, bound, i);
  return bound[i].find((l) => l.port > 0 && ups.some((u) => (!hp.sameAzOnly || u.az === l.az) && (!hp.sameNodeOnly || u.node === l.node))) ?? null;
}

