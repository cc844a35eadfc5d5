// The kind provider: a kind cluster per run (real kube-proxy, real Envoy Gateway / ingress-nginx, the lab's
// echo in pods), the managed AWS hops as emulator containers on the host network in front of the NodePorts,
// and LocalStack for API Gateway REST. Provisioning is a list of reversible steps (steps.ts).
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RealizeOptions, Realized, Realizer } from '../types.ts';
import type { HopRealization } from '../../result/types.ts';
import { gatewayHop, type Scenario } from '../../scenario/model.ts';
import type { HopSpec, UpstreamSpec } from '../../emulation/spec.ts';
import { hopSpecOf } from '../local/topology.ts';
import { LOCAL_REALIZERS } from '../local/realizers.ts';
import type { Manifest } from '../../k8s/types.ts';
import { UserError } from '../../lib/errors.ts';
import { LOCAL_NETWORKS } from '../../catalog/address-plan.ts';
import { deriveSeed } from '../../lib/random.ts';
import { ECHO_HEADERS } from '../../catalog/components/service.ts';
import { DEFAULT_THROTTLE_SCALE } from '../../emulation/throttle.ts';
import { renderScenario } from '../../k8s/render.ts';
import { validateManifest } from '../../k8s/validate.ts';
import { kindClusterConfig, kindConfigYaml } from '../../k8s/kind-config.ts';
import { LABELS, dnsName, runLabel } from '../../k8s/names.ts';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import { GATEWAY_REALIZERS, clusterRealization, gatewayProduct } from '../../k8s/realizers.ts';
import { runSteps, StepError, type Step } from '../../cluster/steps.ts';
import { applyManifestStep, waitForRunPodsStep } from '../../cluster/common-steps.ts';
import { runOk, toolVersion } from '../../cluster/exec.ts';
import { diagnoseKind, missingImages, probeKind } from './available.ts';
import { gatewayProducts, imagesFor, loadKindVersions, type KindVersions } from '../../cluster/versions.ts';
import { deploymentsPending, kubeConfigFrom, nodeLabel, nodesWithReadyPods, waitUntil } from '../../cluster/kube.ts';
import { planKind, healthyTargets, type KindPlan } from './plan.ts';
import { freePort, startHopContainer, startLocalStack } from './emulators.ts';
import { restApiOnEmulator } from '../../aws/emulator.ts';

interface Ctx {
  scenario: Scenario;
  opts: RealizeOptions;
  versions: KindVersions;
  manifest: Manifest;
  plan: KindPlan;
  cluster: string;
  workDir: string;
  kubeconfigPath: string;
  kc?: KubeConfig;
  /** Bound entry of each outside hop (index in plan.outside). */
  entries: Array<{ host: string; port: number; path: string } | undefined>;
  containers: StartedTestContainer[];
  hops: HopRealization[];
}

const ms = (s: number) => s * 1000;

export const kindProvider: Realizer = {
  shape: 'realizer',
  name: 'kind',
  async available() {
    let v: KindVersions;
    try {
      v = loadKindVersions();
    } catch (e) {
      return { ok: false, reason: `cannot read the kind version pins: ${(e as Error).message}`, hint: 'restore infra/kind/versions.json or set EXPOSURE_LAB_KIND_VERSIONS' };
    }
    return diagnoseKind(await probeKind(imagesFor(null, v)));
  },
  provision: (scenario, opts) => provisionKind(scenario, opts),
};

export function kindSteps(): Step<Ctx>[] {
  return [
    {
      name: 'images present locally',
      timeoutMs: ms(60),
      run: async (c) => {
        const missing = await missingImages(imagesFor(c.scenario, c.versions));
        if (missing.length) throw new UserError(`images missing from the local Docker engine: ${missing.map((m) => m.image).join(', ')}`, missing.map((m) => `${m.image}: ${m.why}`).join('; '));
        for (const product of gatewayProducts(c.scenario)) {
          const f = c.versions[GATEWAY_REALIZERS[product].versionsKey];
          if (!existsSync(join(PROJECT_ROOT, f.install))) throw new UserError(`install manifest ${f.install} is missing`, `download it once: curl -fLo ${f.install} ${f.installUrl}`);
        }
      },
    },
    {
      name: 'create kind cluster',
      timeoutMs: ms(300),
      undoOnFailure: true,
      run: async (c, signal) => {
        const cfg = kindClusterConfig(c.scenario, { nodeImage: c.versions.kindNode, nodePorts: c.manifest.nodePorts });
        const file = join(c.workDir, 'kind-cluster.yaml');
        writeFileSync(file, kindConfigYaml(cfg));
        await runOk('kind', ['create', 'cluster', '--name', c.cluster, '--config', file, '--kubeconfig', c.kubeconfigPath, '--wait', '180s'], { timeoutMs: ms(290), signal });
        c.kc = await kubeConfigFrom({ yaml: await runOk('kind', ['get', 'kubeconfig', '--name', c.cluster], { timeoutMs: ms(30) }) });
        const server = c.kc.getCurrentCluster()?.server ?? '';
        if (!/^https:\/\/127\./.test(server)) throw new Error(`the kind API server is at ${server}, not on loopback`);
      },
      undo: async (c) => {
        await runOk('kind', ['delete', 'cluster', '--name', c.cluster, '--kubeconfig', c.kubeconfigPath], { timeoutMs: ms(120) });
      },
    },
    {
      name: 'load images into the nodes',
      timeoutMs: ms(600),
      run: async (c, signal) => {
        const images = imagesFor(c.scenario, c.versions)
          .map((i) => i.image)
          .filter((i) => i !== c.versions.kindNode && i !== c.versions.localstack && i !== c.versions.ryuk);
        await runOk('kind', ['load', 'docker-image', '--name', c.cluster, ...images], { timeoutMs: ms(590), signal });
      },
    },
    {
      name: 'install gateway controllers',
      timeoutMs: ms(420),
      run: async (c, signal) => {
        const installs = gatewayProducts(c.scenario).map((p) => ({ file: c.versions[GATEWAY_REALIZERS[p].versionsKey].install, ns: GATEWAY_REALIZERS[p].namespace }));
        for (const i of installs) {
          await runOk('kubectl', ['--kubeconfig', c.kubeconfigPath, 'apply', '--server-side', '--force-conflicts', '-f', join(PROJECT_ROOT, i.file)], { timeoutMs: ms(180), signal });
          await waitUntil(() => deploymentsPending(c.kc!, i.ns), { timeoutMs: ms(200), signal, what: `controllers in ${i.ns}` });
        }
      },
    },
    applyManifestStep<Ctx>(),
    waitForRunPodsStep<Ctx>(ms(300)),
    {
      name: 'start the emulated AWS hops',
      timeoutMs: ms(600),
      run: async (c, signal) => startOutside(c, signal),
      undo: async (c) => {
        const errs: string[] = [];
        for (const k of c.containers.splice(0).reverse()) await k.stop({ timeout: 10_000 }).catch((e: Error) => errs.push(e.message));
        if (errs.length) throw new Error(errs.join('; '));
      },
    },
  ];
}

/** ETP=Local: an LB only reaches nodes hosting a ready pod of the Service behind it (the health check). */
async function healthyWorkers(c: Ctx): Promise<Set<number> | null> {
  // Only a node with a ready pod behind its NodePort passes the health check: with ETP=Local, that is the
  // traffic policy of the kube-proxy hop (the catalog: forwarding scope same-node).
  const kp = c.scenario.hops.slice(1).find((h) => clusterRealization(h).by === 'kube-proxy');
  if (!kp || kp.entry.crossAz(kp.settings, c.scenario.cluster.azs).scope !== 'same-node') return null;
  const gw = gatewayHop(c.scenario);
  const runSel = `${LABELS.runId}=${runLabel(c.opts.runId)}`;
  // The pods behind the NodePort: the gateway's (its product says where they run and how they are labeled), or the app itself.
  const g = gw ? GATEWAY_REALIZERS[gatewayProduct(gw)] : undefined;
  const [ns, sel] = g ? [g.namespace, g.podSelector(runSel)] : [c.manifest.namespace, runSel];
  const nodes = await nodesWithReadyPods(c.kc!, ns, sel);
  const idx = await nodeLabel(c.kc!, 'exposure-lab.dev/node');
  return new Set(nodes.map((n) => Number(idx.get(n))).filter((n) => Number.isFinite(n)));
}

async function startOutside(c: Ctx, signal: AbortSignal): Promise<void> {
  const healthy = await healthyWorkers(c);
  let upstreams: UpstreamSpec[] = healthyTargets(c.plan.clusterTargets, c.plan.workers, healthy);
  // Innermost first: each hop needs the bound addresses of the one behind it.
  for (let i = c.plan.outside.length - 1; i >= 0; i--) {
    if (signal.aborted) throw new Error('interrupted');
    const { plan: hp, via } = c.plan.outside[i];
    if (via === 'localstack') {
      const host = hp.listeners[0].host;
      const port = await freePort(host);
      c.containers.push(await startLocalStack(c.versions.localstack, { host, port }, runLabel(c.opts.runId)));
      const up = upstreams[0];
      // The same SDK code as the eks provider (harness/aws), pointed at LocalStack.
      const api = await restApiOnEmulator({
        endpoint: `http://${host}:${port}`,
        runId: c.opts.runId,
        scenario: c.scenario.name,
        hop: hp.hop.name,
        upstream: `http://${up.host}:${up.port}`,
        sourceIpHeader: hp.hop.settings.sourceIpHeader,
        timeoutS: hp.hop.settings.timeoutS,
        log: c.opts.log,
      });
      if (signal.aborted) throw new Error('interrupted');
      c.entries[i] = { host, port, path: api.invokePath };
      c.hops[hp.index - 1] = { name: hp.hop.name, component: hp.hop.component, realizedBy: `LocalStack ${c.versions.localstack}`, fidelity: 'emulated', injectedLatency: null, listen: `${host}:${port}`, notes: ['API Gateway REST emulated by LocalStack: its own latency is measured, not AWS\'s; throttles are LocalStack\'s (none by default)'] };
      upstreams = [{ host, port, az: 1 }];
      continue;
    }
    const listeners = await Promise.all(hp.listeners.map(async (l) => ({ ...l, port: await freePort(l.host) })));
    const role = LOCAL_REALIZERS[hp.realization.realizer].role;
    // The same hop code as the local provider's processes; node ETP=Local is judged by health (healthyWorkers).
    const spec: HopSpec = hopSpecOf(
      { ...hp, sameNodeOnly: false },
      { role, upstreams, listeners, seed: deriveSeed(c.opts.seed, hp.hop.name), networks: LOCAL_NETWORKS, throttleScale: DEFAULT_THROTTLE_SCALE },
    );
    c.containers.push(await startHopContainer(c.versions.lab, spec, runLabel(c.opts.runId)));
    c.entries[i] = { host: listeners[0].host, port: listeners[0].port, path: '/' };
    c.hops[hp.index - 1] = {
      name: hp.hop.name,
      component: hp.hop.component,
      realizedBy: `lab emulator container (${role}, ${c.versions.lab}, host network)`,
      fidelity: 'emulated',
      injectedLatency: c.opts.injectLatency && hp.latency ? { medianMs: hp.hop.latency.medianMs, p99Ms: hp.hop.latency.p99Ms, source: hp.hop.latency.basis, confidence: hp.hop.latency.confidence } : null,
      listen: listeners.map((l) => `${l.host}:${l.port}`).join(', '),
      notes: healthy && i === c.plan.outside.length - 1 ? [`targets only nodes with a ready pod (ETP=Local health check): ${[...healthy].sort().join(', ') || 'none'}`] : [],
    };
    upstreams = listeners.map((l) => ({ host: l.host, port: l.port, az: l.az }));
  }
}

/** What realizes the hops inside the cluster, per their cluster realization. */
function inClusterHops(s: Scenario, v: KindVersions): Map<string, HopRealization> {
  const m = new Map<string, HopRealization>();
  for (const h of s.hops.slice(1)) {
    const c = clusterRealization(h);
    if (c.where !== 'inside') continue;
    const base = { name: h.name, component: h.component, fidelity: 'measured' as const, injectedLatency: null };
    if (c.by === 'kube-proxy') m.set(h.name, { ...base, realizedBy: `kube-proxy (${h.settings.mode}) in kind ${v.kindNode}`, notes: ['entered through Docker port mappings on 127.22.<az>.<n>'] });
    else if (c.by === 'gateway') {
      const g = GATEWAY_REALIZERS[gatewayProduct(h)];
      m.set(h.name, { ...base, realizedBy: `${g.title} ${v[g.versionsKey].version}` });
    } else m.set(h.name, { ...base, realizedBy: `lab echo in pods (${v.lab})` });
  }
  return m;
}

export async function provisionKind(scenario: Scenario, opts: RealizeOptions): Promise<Realized> {
  const versions = loadKindVersions();
  const manifest = renderScenario(scenario, { runId: opts.runId, target: 'kind', echoImage: versions.lab });
  const problems = validateManifest(manifest);
  if (problems.length) throw new Error(`generated manifests are invalid (a lab bug):\n${problems.join('\n')}`);
  const plan = planKind(scenario, manifest, { injectLatency: opts.injectLatency });
  const workDir = mkdtempSync(join(tmpdir(), 'exposure-lab-kind-'));
  const ctx: Ctx = {
    scenario,
    opts,
    versions,
    manifest,
    plan,
    cluster: dnsName(['lab', runLabel(opts.runId)], 40),
    workDir,
    kubeconfigPath: join(workDir, 'kubeconfig'),
    entries: [],
    containers: [],
    hops: [],
  };
  let provisioned;
  try {
    provisioned = await runSteps(kindSteps(), ctx, { log: (l) => opts.log(`kind: ${l}`), signal: opts.signal });
  } catch (e) {
    rmSync(workDir, { recursive: true, force: true });
    if (e instanceof StepError && e.cause instanceof UserError) throw e.cause;
    throw e;
  }
  const inCluster = inClusterHops(scenario, versions);
  const hops: HopRealization[] = scenario.hops.slice(1).map((h, i) => ctx.hops[i] ?? inCluster.get(h.name)!);
  const first = ctx.entries[0];
  const direct = plan.clusterTargets[0];
  const entry = first ?? { host: direct.host, port: direct.port, path: '/' };
  const tools: Record<string, string> = { kind: (await toolVersion('kind', ['version'])) ?? 'unknown', 'kind node': versions.kindNode, 'lab image': versions.lab };
  for (const p of gatewayProducts(scenario)) tools[p] = versions[GATEWAY_REALIZERS[p].versionsKey].version;
  // Realization-wide notes go with the first hop realized in the cluster, where they apply.
  const firstIn = hops.find((h) => h.fidelity === 'measured');
  if (firstIn) firstIn.notes = [...(firstIn.notes ?? []), ...manifest.notes, ...plan.notes];
  const incidents: string[] = [];
  return {
    entry: { host: entry.host, port: entry.port, path: entry.path, hostHeader: 'app.example', tls: null },
    sources: plan.sources,
    hops,
    observe: { clientIpHeader: ECHO_HEADERS.clientIp, tallyHeaders: [ECHO_HEADERS.version] },
    tools,
    processes: [],
    incidents,
    teardown: async () => {
      await provisioned.teardown();
      for (const e of provisioned.teardownErrors) incidents.push(`teardown: ${e}`);
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}
