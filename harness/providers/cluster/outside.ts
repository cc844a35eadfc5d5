// The hops in front of a cluster (load balancers, CloudFront, WAF, API Gateway, Lattice) emulated on this
// machine, pointing at the cluster's NodePorts: the same hop code as the local provider, started either as
// processes (an existing cluster) or as the lab image's containers on the host network (kind), with API
// Gateway REST on LocalStack when kind runs it. Which hops are outside, on which loopback addresses, reuses
// the local provider's address plan, so a hop has the same address on local, kind and an existing cluster.
import { recordLatency } from '../../catalog/latency.ts';
import type { Scenario } from '../../scenario/model.ts';
import type { Manifest } from '../../k8s/types.ts';
import type { HopRealization } from '../../result/types.ts';
import type { BoundListener, HopSpec, UpstreamSpec } from '../../emulation/spec.ts';
import { clusterRealization } from '../../k8s/realizers.ts';
import { LOCAL_NETWORKS } from '../../catalog/address-plan.ts';
import { deriveSeed } from '../../lib/random.ts';
import { DEFAULT_THROTTLE_SCALE } from '../../emulation/throttle.ts';
import { hopSpecOf, planTopology, type HopPlan } from '../local/topology.ts';
import { LOCAL_REALIZERS } from '../local/realizers.ts';
import { HopProcess } from '../local/processes.ts';

export interface OutsideHop {
  plan: HopPlan;
  /** API Gateway REST, which kind realizes with LocalStack (elsewhere: the lab's L7 emulation, as locally). */
  apiGateway: boolean;
}

export interface OutsidePlan {
  /** Outside hops in chain order (the client talks to outside[0]). */
  outside: OutsideHop[];
  sources: string[];
  notes: string[];
}

/** Pure: which hops run outside the cluster, on which loopback addresses. */
export function planOutside(s: Scenario, m: Manifest, o: { injectLatency: boolean; maxSources?: number }): OutsidePlan {
  const topo = planTopology(s, { injectLatency: o.injectLatency, maxSources: o.maxSources });
  const names = new Set(m.outside.map((x) => x.hop));
  const outside = topo.hops.filter((h) => names.has(h.hop.name)).map((h) => ({ plan: h, apiGateway: clusterRealization(h.hop).by === 'localstack-apigw' }));
  // Outside hops must be a prefix of the chain: nothing outside the cluster sits behind something inside it.
  outside.forEach((h, i) => {
    if (topo.hops[i]?.hop.name !== h.plan.hop.name) throw new Error(`hop ${h.plan.hop.name} is outside the cluster but follows an in-cluster hop`);
  });
  const notes: string[] = [];
  if (topo.hops.some((h) => h.tls)) notes.push(`${m.target}: TLS is not terminated by the emulated hops in front of the cluster; the client speaks plain HTTP`);
  return { outside, sources: topo.sources, notes };
}

/** A NodePort on one node, as the hop in front of the cluster reaches it from this machine. */
export interface ClusterTarget extends UpstreamSpec {
  /** Kubernetes node name (health: which nodes host a Ready pod). */
  nodeName: string;
  /** Namespace/name of the Service the NodePort belongs to. */
  service: string;
}

/** What starts the emulated hops; each provider brings one. */
export interface OutsideRunner {
  /** How the report names what realized a hop. */
  describe(role: HopSpec['role'], hp: HopPlan): string;
  startHop(spec: HopSpec, o: { runLabel: string; signal: AbortSignal }): Promise<BoundListener[]>;
  /**
   * API Gateway REST by another realization (kind: LocalStack) in front of `upstream`; returns where the
   * client enters and how the hop is reported. Without it the hop is the lab's L7 emulation like any other.
   */
  startApiGateway?(hp: HopPlan, upstream: UpstreamSpec, o: { runLabel: string; runId: string; scenario?: string; signal: AbortSignal }): Promise<{ entry: { host: string; port: number; path: string }; hop: HopRealization }>;
  /** Stops everything started, innermost last; returns problems. */
  stopAll(): Promise<string[]>;
  /** Processes started on this machine (pid and what), for the result. */
  processes(): Array<{ pid: number; what: string }>;
  /** Per-hop processing overhead and counters, once stopped (processes only). */
  statsOf?(hopName: string): Pick<HopRealization, 'overheadMs' | 'schedulerLateMs' | 'counters'> | undefined;
}

/** The local provider's hop processes, pointed at the cluster: no Docker and no image needed. */
export function processRunner(onIncident: (m: string) => void): OutsideRunner {
  const procs = new Map<string, HopProcess>();
  return {
    describe: (_role, hp) => `${LOCAL_REALIZERS[hp.realization.realizer].realizedBy(hp.hop.component, false)}, a process on this machine`,
    async startHop(spec) {
      const p = new HopProcess(spec.name, spec.component, onIncident, onIncident);
      procs.set(spec.name, p);
      return p.start(spec);
    },
    async stopAll() {
      const errs: string[] = [];
      await Promise.all([...procs.values()].map((p) => p.stop().catch((e: Error) => errs.push(`${p.name}: ${e.message}`))));
      return errs;
    },
    processes: () => [...procs.values()].map((p) => ({ pid: p.pid, what: `${p.name} (${p.what})` })),
    statsOf(name) {
      const s = procs.get(name)?.stats;
      return s ? { overheadMs: { ...s.overheadMs, fidelity: 'measured', what: 'processing inside the hop process, receive -> forward on the request path, injected delay excluded' }, schedulerLateMs: s.schedulerLateMs ?? undefined, counters: s.counters } : undefined;
    },
  };
}

/**
 * Starts the outside hops innermost first (each needs the bound addresses of the one behind it); the innermost
 * targets the cluster. Returns each hop's entry and report line.
 */
export async function startOutside(o: {
  plan: OutsidePlan;
  runner: OutsideRunner;
  targets: ClusterTarget[];
  runId: string;
  runLabel: string;
  seed: number;
  injectLatency: boolean;
  signal: AbortSignal;
  log: (l: string) => void;
  /** Note for the innermost hop (which nodes pass the health check). */
  healthNote?: string;
}): Promise<{ entries: Array<{ host: string; port: number; path: string }>; hops: HopRealization[] }> {
  const { plan, runner } = o;
  const entries: Array<{ host: string; port: number; path: string }> = [];
  const hops: HopRealization[] = [];
  let upstreams: UpstreamSpec[] = o.targets.map(({ host, port, az, node, version }) => ({ host, port, az, node, version }));
  for (let i = plan.outside.length - 1; i >= 0; i--) {
    if (o.signal.aborted) throw new Error('interrupted');
    const { plan: hp, apiGateway } = plan.outside[i];
    if (!upstreams.length) throw new Error(`${hp.hop.name} has no target: no node serves the NodePort behind it`);
    if (apiGateway && runner.startApiGateway) {
      const r = await runner.startApiGateway(hp, upstreams[0], { runLabel: o.runLabel, runId: o.runId, signal: o.signal });
      entries[i] = r.entry;
      hops[i] = r.hop;
      upstreams = [{ host: r.entry.host, port: r.entry.port, az: 1 }];
      continue;
    }
    const role = LOCAL_REALIZERS[hp.realization.realizer].role;
    // The same hop code as the local provider's processes; node ETP=Local is judged by health (the targets given).
    const spec: HopSpec = hopSpecOf({ ...hp, sameNodeOnly: false }, { role, upstreams, seed: deriveSeed(o.seed, hp.hop.name), networks: LOCAL_NETWORKS, throttleScale: DEFAULT_THROTTLE_SCALE });
    const bound = await runner.startHop(spec, { runLabel: o.runLabel, signal: o.signal });
    o.log(`started ${hp.hop.name} (${hp.hop.component}) on ${bound.map((b) => `${b.host}:${b.port}`).join(', ')}`);
    entries[i] = { host: bound[0].host, port: bound[0].port, path: '/' };
    hops[i] = {
      name: hp.hop.name,
      component: hp.hop.component,
      realizedBy: runner.describe(role, hp),
      fidelity: 'emulated',
      injectedLatency: o.injectLatency && hp.latency ? { medianMs: hp.hop.latency.medianMs, p99Ms: hp.hop.latency.p99Ms, source: hp.hop.latency.basis, confidence: hp.hop.latency.confidence } : null,
      latencyModel: recordLatency(hp.hop.latency, o.injectLatency && hp.latency ? 'injected' : 'not-injected'),
      listen: bound.map((b) => `${b.host}:${b.port}`).join(', '),
      notes: i === plan.outside.length - 1 && o.healthNote ? [o.healthNote] : [],
    };
    upstreams = bound.map((b) => ({ host: b.host, port: b.port, az: b.az }));
  }
  return { entries, hops };
}
