// The cluster provider: an existing cluster from a kubeconfig context (k3d, minikube, Docker Desktop, a dev
// cluster). Everything the kind provider does except creating and deleting the cluster: check what the cluster
// has (before anything is applied), apply the run's objects with server-side apply, wait for the pods and the
// gateway, read the NodePorts the API server allocated, and start the emulated AWS hops on this machine in
// front of them. kind = create a cluster + these steps (providers/kind reuses clusterSteps and clusterRealized).
import { recordLatency } from '../../catalog/latency.ts';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RealizeOptions, Realized, Realizer } from '../types.ts';
import type { HopRealization } from '../../result/types.ts';
import type { Scenario } from '../../scenario/model.ts';
import type { Manifest, RenderTarget } from '../../k8s/types.ts';
import { ECHO_HEADERS } from '../../catalog/components/service.ts';
import { renderScenario } from '../../k8s/render.ts';
import { validateManifest } from '../../k8s/validate.ts';
import { runLabel } from '../../k8s/names.ts';
import { GATEWAY_REALIZERS, clusterRealization, gatewayProduct } from '../../k8s/realizers.ts';
import { UserError } from '../../lib/errors.ts';
import { runSteps, StepError, type Provisioned, type Step } from '../../cluster/steps.ts';
import { applyStep, nodeAddress, nodesWithServingPods, resolveNodePortsStep, waitAppStep, waitGatewayStep, type InClusterCtx } from '../../cluster/incluster.ts';
import { preflight, PreflightFailed, type PreflightInputs, type PreflightResult } from '../../cluster/preflight.ts';
import { apiServer, kubeConfigFrom, listNodes, serverVersion } from '../../cluster/kube.ts';
import { assertApiServerAllowed, RemoteTargetRefused } from '../../cluster/guard.ts';
import { loadKindVersions } from '../../cluster/versions.ts';
import { planOutside, processRunner, startOutside, type ClusterTarget, type OutsidePlan, type OutsideRunner } from './outside.ts';

/** Environment the cluster provider reads. */
export const CLUSTER_ENV = {
  kubeconfig: 'KUBECONFIG',
  context: 'EXPOSURE_LAB_KUBE_CONTEXT',
  nodeAddress: 'EXPOSURE_LAB_NODE_ADDRESS',
  echoImage: 'EXPOSURE_LAB_ECHO_IMAGE',
} as const;

export interface ClusterRunCtx extends InClusterCtx {
  target: Exclude<RenderTarget, 'eks'>;
  opts: RealizeOptions;
  plan: OutsidePlan;
  runner: OutsideRunner;
  /** How this machine reaches each node's NodePorts (kind: the host port mappings; otherwise the node addresses). */
  nodeTargets(c: ClusterRunCtx): Promise<ClusterTarget[]>;
  preflightInputs: PreflightInputs & { where: string };
  preflight?: PreflightResult;
  /** Where the client enters each outside hop, and how each was realized (filled by the last step). */
  entries: Array<{ host: string; port: number; path: string }>;
  outsideHops: HopRealization[];
  /** Targets of the innermost outside hop (or of the client), after the health check. */
  targets: ClusterTarget[];
  /** Nodes that pass the ETP=Local health check, when that applies. */
  healthy: Set<string> | null;
  /** Problems reported while running (emulated hops that crashed), filled as they happen. */
  incidents: string[];
}

/** Zone label -> AZ number 1..n (sorted), as the local address plan numbers AZs. */
export function zoneNumbers(zones: Array<string | undefined>): Map<string, number> {
  const distinct = [...new Set(zones.filter((z): z is string => !!z))].sort();
  return new Map(distinct.map((z, i) => [z, i + 1]));
}

/** NodePorts on every Ready node, at the address this machine reaches it by (existing cluster). */
export async function nodeTargetsOf(c: ClusterRunCtx, override?: string): Promise<ClusterTarget[]> {
  const nodes = (await listNodes(c.kc!)).filter((n) => n.ready);
  const az = zoneNumbers(nodes.map((n) => n.zone));
  const out: ClusterTarget[] = [];
  for (const np of c.nodePorts)
    for (const n of nodes) {
      const host = nodeAddress(n, { override, prefer: 'internal' });
      if (host) out.push({ host, port: np.nodePort, az: (n.zone && az.get(n.zone)) || 1, node: host, version: np.version, nodeName: n.name, service: np.service });
    }
  return out;
}

/**
 * The NodePorts the first outside hop (or the client) targets: the front Service's only, or every version's
 * (a weighted router such as Lattice picks the version). Other Services of a per-Service scenario are deployed
 * but carry no load (the hop notes say so).
 */
export function frontTargets(targets: ClusterTarget[], m: Manifest): ClusterTarget[] {
  const versioned = targets.filter((t) => t.version !== undefined);
  if (versioned.length) return versioned;
  const front = `${m.front.namespace}/${m.front.name}`;
  const mine = targets.filter((t) => t.service === front);
  return mine.length ? mine : targets;
}

/** ETP=Local on the kube-proxy hop: only nodes hosting a Ready pod pass the load balancer's health check. */
function etpLocal(s: Scenario): boolean {
  const kp = s.hops.slice(1).find((h) => clusterRealization(h).by === 'kube-proxy');
  return !!kp && kp.entry.crossAz(kp.settings, s.cluster.azs).scope === 'same-node';
}

export function preflightStep<C extends ClusterRunCtx>(): Step<C> {
  return {
    name: 'check what the cluster has (nothing applied yet)',
    timeoutMs: 60_000,
    run: async (c) => {
      c.preflight = await preflight(c.kc!, c.scenario, c.manifest, { ...c.preflightInputs, log: c.opts.log });
    },
  };
}

export function startOutsideStep<C extends ClusterRunCtx>(): Step<C> {
  return {
    name: 'start the emulated AWS hops in front of the cluster',
    timeoutMs: 600_000,
    // Hops started before one that failed are stopped too.
    undoOnFailure: true,
    run: async (c, signal) => {
      c.healthy = etpLocal(c.scenario) ? await nodesWithServingPods(c.kc!, c) : null;
      const all = frontTargets(await c.nodeTargets(c), c.manifest);
      c.targets = c.healthy ? all.filter((t) => c.healthy!.has(t.nodeName)) : all;
      if (!c.targets.length) throw new Error(`no node serves the front NodePort${c.healthy ? ' (ETP=Local: no node hosts a Ready pod)' : ''}`);
      const healthNote = c.healthy ? `targets only nodes with a Ready pod (ETP=Local health check): ${[...c.healthy].sort().join(', ') || 'none'}` : undefined;
      const r = await startOutside({ plan: c.plan, runner: c.runner, targets: c.targets, runId: c.opts.runId, runLabel: runLabel(c.opts.runId), seed: c.opts.seed, injectLatency: c.opts.injectLatency, signal, log: c.opts.log, healthNote });
      c.entries = r.entries;
      c.outsideHops = r.hops;
    },
    undo: async (c) => {
      const errs = await c.runner.stopAll();
      if (errs.length) throw new Error(errs.join('; '));
    },
  };
}

/** The shared steps after the cluster exists: preflight, apply, waits, NodePorts, emulated hops. */
export function clusterSteps<C extends ClusterRunCtx>(): Step<C>[] {
  return [preflightStep<C>(), applyStep<C>(), waitAppStep<C>(300_000), waitGatewayStep<C>(300_000), resolveNodePortsStep<C>(120_000), startOutsideStep<C>()];
}

/** What realized each in-cluster hop, named truthfully (what a request passes that the chain does not list). */
export function inClusterHops(c: ClusterRunCtx, o: { where: string; echoImage: string; entryPath: string }): Map<string, HopRealization> {
  const m = new Map<string, HopRealization>();
  const rec = c.preflight?.recorded ?? {};
  const chain = c.scenario.hops.slice(1);
  const firstInside = chain.find((h) => clusterRealization(h).where === 'inside');
  const viaNodePort = c.target === 'kind' ? `Docker's port mapping on 127.22.<az>.<n> (docker-proxy / iptables DNAT), then the node's NodePort` : 'the node\'s NodePort';
  for (const h of chain) {
    const r = clusterRealization(h);
    if (r.where !== 'inside') continue;
    // Real components in the cluster: their time is in the measured latency, the catalog model is not injected.
    const base = { name: h.name, component: h.component, fidelity: 'measured' as const, injectedLatency: null, latencyModel: recordLatency(h.latency, h.latency.measuredWhenReal !== undefined ? 'measured-instead' : 'not-injected') };
    const notes: string[] = [];
    if (r.by === 'kube-proxy') {
      if (c.target === 'kind') notes.push(`entered through ${viaNodePort}`);
      m.set(h.name, { ...base, realizedBy: `kube-proxy (${h.settings.mode}) in ${o.where}`, notes });
    } else if (r.by === 'gateway') {
      const g = GATEWAY_REALIZERS[gatewayProduct(h)];
      const version = rec[g.controller.title] ?? 'version unknown';
      if (h === firstInside) notes.push(`reached through ${viaNodePort} and kube-proxy: that path is not in the scenario's chain but is in the measured latency`);
      m.set(h.name, { ...base, realizedBy: g.title === 'Envoy Gateway' ? `Envoy Gateway ${version} (its Envoy Deployment in ${g.namespace})` : `${g.title} ${version}`, notes });
    } else {
      if (h === firstInside) notes.push(`the client reaches the pods through ${viaNodePort} and kube-proxy: that path (not in the scenario's chain) is part of the measured latency`);
      if (c.scenario.cluster.services > 1) notes.push(`${c.scenario.cluster.services} Services are deployed; the load goes to ${c.manifest.front.namespace}/${c.manifest.front.name} only`);
      m.set(h.name, { ...base, realizedBy: `lab echo in pods (${o.echoImage}) in ${o.where}`, notes });
    }
  }
  // The hop in front of the cluster reaches pods through a NodePort, even where AWS would reach pod IPs.
  const lb = chain[chain.indexOf(firstInside!) - 1];
  const next = firstInside;
  if (lb && next && clusterRealization(next).by !== 'kube-proxy') {
    const hr = c.outsideHops[chain.indexOf(lb)];
    if (hr) hr.notes = [...(hr.notes ?? []), `reaches ${next.name} through a NodePort and kube-proxy (which may SNAT to the node), where on AWS it would target the pod IPs directly (ip targets): not the same path`];
  }
  const services = c.scenario.cluster.services;
  if (lb && services > 1 && lb.entry.onePerService) {
    const hr = c.outsideHops[chain.indexOf(lb)];
    if (hr) hr.notes = [...(hr.notes ?? []), `one emulated ${lb.entry.title} in front of ${c.manifest.front.name}'s NodePort; on AWS each of the ${services} Services gets its own (${services - 1} more, not emulated: they carry no load here)`];
  }
  return m;
}

/** The Realized a cluster-side run hands the load driver, with what ran recorded. */
export function clusterRealized(c: ClusterRunCtx, p: Provisioned, o: { where: string; echoImage: string; tools: Record<string, string>; onTeardown?: () => void }): Realized {
  const inside = inClusterHops(c, { where: o.where, echoImage: o.echoImage, entryPath: '/' });
  const hops: HopRealization[] = c.scenario.hops.slice(1).map((h, i) => c.outsideHops[i] ?? inside.get(h.name)!);
  const firstIn = hops.find((h) => h.fidelity === 'measured');
  if (firstIn) firstIn.notes = [...(firstIn.notes ?? []), ...c.manifest.notes, ...c.plan.notes];
  const first = c.entries[0];
  const direct = c.targets[0];
  const entry = first ?? { host: direct.host, port: direct.port, path: '/' };
  const incidents = c.incidents;
  const tools: Record<string, string> = { ...(c.preflight?.recorded ?? {}), ...o.tools };
  return {
    entry: { host: entry.host, port: entry.port, path: entry.path, hostHeader: 'app.example', tls: null },
    sources: c.plan.sources,
    hops,
    observe: { clientIpHeader: ECHO_HEADERS.clientIp, tallyHeaders: [ECHO_HEADERS.version] },
    tools,
    processes: c.runner.processes(),
    incidents,
    teardown: async () => {
      await p.teardown();
      for (const e of p.teardownErrors) incidents.push(`teardown: ${e}`);
      // Overhead of the emulated hops, as the local provider reports it.
      c.scenario.hops.slice(1).forEach((h, i) => {
        const st = c.runner.statsOf?.(h.name);
        if (st && hops[i]) Object.assign(hops[i], st);
      });
      o.onTeardown?.();
    },
  };
}

/** Renders, validates, and maps a failed step to what the user should see. */
export function renderFor(s: Scenario, runId: string, target: ClusterRunCtx['target'], echoImage: string): Manifest {
  const manifest = renderScenario(s, { runId, target, echoImage });
  const problems = validateManifest(manifest);
  if (problems.length) throw new Error(`generated manifests are invalid (a lab bug):\n${problems.join('\n')}`);
  return manifest;
}

export function userFacing(e: unknown, runId: string): unknown {
  if (e instanceof StepError && (e.cause instanceof UserError || e.cause instanceof RemoteTargetRefused)) {
    const cause = e.cause as Error;
    if (cause instanceof PreflightFailed) return cause;
    return new UserError(`${cause.message}${e.undoErrors.length ? ` (undoing: ${e.undoErrors.join('; ')})` : ''}`, cause instanceof UserError ? cause.hint : `exposure-lab sweep --run ${runLabel(runId)} removes anything left`);
  }
  return e;
}

async function currentKubeConfig(env: NodeJS.ProcessEnv): Promise<KubeConfig> {
  try {
    return await kubeConfigFrom({ context: env[CLUSTER_ENV.context] || undefined });
  } catch (e) {
    throw new UserError(`cannot read the kubeconfig: ${(e as Error).message}`, `set KUBECONFIG (or ~/.kube/config) and ${CLUSTER_ENV.context}=<context>`);
  }
}

export const clusterProvider: Realizer = {
  shape: 'realizer',
  name: 'cluster',
  async available() {
    const env = process.env;
    let kc: KubeConfig;
    try {
      kc = await currentKubeConfig(env);
    } catch (e) {
      return { ok: false, reason: (e as Error).message, hint: (e as UserError).hint ?? '' };
    }
    const ctx = kc.getCurrentContext();
    if (!ctx || !kc.getCurrentCluster()) return { ok: false, reason: 'no current kubeconfig context', hint: `kubectl config use-context <name>, or ${CLUSTER_ENV.context}=<name>` };
    try {
      assertApiServerAllowed(apiServer(kc), ctx);
    } catch (e) {
      return { ok: false, reason: (e as Error).message, hint: 'run from a machine allowed to reach that API server, with EXPOSURE_LAB_ALLOW_REMOTE=1' };
    }
    try {
      await serverVersion(kc);
    } catch (e) {
      return { ok: false, reason: `the API server of context ${ctx} (${apiServer(kc)}) does not answer: ${(e as Error).message.split('\n')[0]}`, hint: `kubectl --context ${ctx} version` };
    }
    return { ok: true };
  },
  provision: (s, o) => provisionCluster(s, o),
};

export interface ClusterProvisionOptions {
  kc?: KubeConfig;
  env?: NodeJS.ProcessEnv;
  /** Start the emulated hops with this runner (default: processes on this machine). */
  runner?: OutsideRunner;
}

export async function provisionCluster(scenario: Scenario, opts: RealizeOptions, o: ClusterProvisionOptions = {}): Promise<Realized> {
  const env = o.env ?? process.env;
  const kc = o.kc ?? (await currentKubeConfig(env));
  const context = kc.getCurrentContext();
  try {
    assertApiServerAllowed(apiServer(kc), context, env);
  } catch (e) {
    throw new UserError((e as Error).message, 'point the kubeconfig at a cluster on loopback (kind, k3d, minikube with a local API), or set EXPOSURE_LAB_ALLOW_REMOTE=1 on a machine allowed to reach it');
  }
  const echoImage = env[CLUSTER_ENV.echoImage] || loadKindVersions().lab;
  const manifest = renderFor(scenario, opts.runId, 'cluster', echoImage);
  const incidents: string[] = [];
  const log = (l: string) => opts.log(`cluster: ${l}`);
  const ctx: ClusterRunCtx = {
    kc,
    target: 'cluster',
    scenario,
    manifest,
    opts: { ...opts, log },
    plan: planOutside(scenario, manifest, { injectLatency: opts.injectLatency }),
    runner: o.runner ?? processRunner((m) => {
      incidents.push(m);
      log(m);
    }),
    nodeTargets: (c) => nodeTargetsOf(c, env[CLUSTER_ENV.nodeAddress] || undefined),
    preflightInputs: { where: `cluster context ${context} (${apiServer(kc)})`, nodeAddress: env[CLUSTER_ENV.nodeAddress] || undefined, env },
    nodePorts: [],
    entries: [],
    outsideHops: [],
    targets: [],
    healthy: null,
    incidents,
  };
  let p: Provisioned;
  try {
    p = await runSteps(clusterSteps<ClusterRunCtx>(), ctx, { log, signal: opts.signal });
  } catch (e) {
    throw userFacing(e, opts.runId);
  }
  return clusterRealized(ctx, p, { where: `cluster ${context}`, echoImage, tools: { 'kube context': context } });
}
