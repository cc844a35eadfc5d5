// Pure planning of a kind realization: which hops run outside the cluster (LB emulators, LocalStack), on which
// loopback addresses, and which node mappings the innermost one targets. Reuses the local provider's
// address plan so a hop has the same address on local and kind.
import type { Scenario } from '../../scenario/model.ts';
import { planTopology, type HopPlan } from '../local/topology.ts';
import type { Manifest } from '../../k8s/types.ts';
import { kindWorkers, type KindWorker } from '../../k8s/kind-config.ts';
import type { UpstreamSpec } from '../../emulation/spec.ts';
import { clusterRealization } from '../../k8s/realizers.ts';

export interface KindOutsideHop {
  plan: HopPlan;
  via: 'emulator' | 'localstack';
}

export interface KindPlan {
  workers: KindWorker[];
  /** Outside hops in chain order (the client talks to outside[0]). */
  outside: KindOutsideHop[];
  /** What the innermost outside hop (or the client) targets: every worker's mapping of each NodePort. */
  clusterTargets: UpstreamSpec[];
  sources: string[];
  notes: string[];
}

export function planKind(s: Scenario, m: Manifest, o: { injectLatency: boolean; maxSources?: number }): KindPlan {
  const topo = planTopology(s, { injectLatency: o.injectLatency, maxSources: o.maxSources });
  const names = new Set(m.outside.map((x) => x.hop));
  const outside: KindOutsideHop[] = topo.hops
    .filter((h) => names.has(h.hop.name))
    .map((h) => ({ plan: h, via: clusterRealization(h.hop).by === 'localstack-apigw' ? 'localstack' : 'emulator' }));
  // Outside hops must be a prefix of the chain: nothing outside the cluster sits behind something inside it.
  outside.forEach((h, i) => {
    if (topo.hops[i]?.hop.name !== h.plan.hop.name) throw new Error(`hop ${h.plan.hop.name} is outside the cluster but follows an in-cluster hop`);
  });
  const workers = kindWorkers(s);
  const clusterTargets: UpstreamSpec[] = [];
  for (const np of m.nodePorts) for (const w of workers) clusterTargets.push({ host: w.address, port: np.nodePort, az: w.az, node: w.address, version: np.version });
  const notes: string[] = [];
  if (topo.hops.some((h) => h.tls)) notes.push('kind: TLS is not terminated by the emulators; the client speaks plain HTTP');
  return { workers, outside, clusterTargets, sources: topo.sources, notes };
}

/** Only the workers whose node hosts a ready gateway/app pod (ETP=Local health checks), when that is known. */
export function healthyTargets(targets: UpstreamSpec[], workers: KindWorker[], healthyWorkerIndexes: Set<number> | null): UpstreamSpec[] {
  if (!healthyWorkerIndexes) return targets;
  const ok = new Set(workers.filter((w) => healthyWorkerIndexes.has(w.index)).map((w) => w.address));
  return targets.filter((t) => ok.has(t.host));
}
