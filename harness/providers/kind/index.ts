// The kind provider: a kind cluster created for the run (real kube-proxy, real Envoy Gateway / ingress-nginx,
// the lab's echo in pods), then everything the cluster provider does on it (providers/cluster), with the
// managed AWS hops as emulator containers on the host network in front of the NodePorts and LocalStack for
// API Gateway REST. kind = check the prerequisites, create the cluster, load the images, install the gateway
// controllers, then the cluster steps; every step reversible, undone in reverse on failure or Ctrl-C.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RealizeOptions, Realized, Realizer } from '../types.ts';
import type { Scenario } from '../../scenario/model.ts';
import { UserError } from '../../lib/errors.ts';
import { kindClusterConfig, kindConfigYaml, kindWorkers, type KindWorker } from '../../k8s/kind-config.ts';
import { dnsName, runLabel } from '../../k8s/names.ts';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import { GATEWAY_REALIZERS } from '../../k8s/realizers.ts';
import { runSteps, type Provisioned, type Step } from '../../cluster/steps.ts';
import { run, runOk } from '../../cluster/exec.ts';
import { gatewayProducts, imagesFor, loadKindVersions, type KindVersions } from '../../cluster/versions.ts';
import { deploymentsPending, kubeConfigFrom, listNodes, waitUntil } from '../../cluster/kube.ts';
import { diagnoseKind, missingImages, probeKind } from './available.ts';
import { containerRunner } from './emulators.ts';
import { freePort } from '../../lib/free-port.ts';
import { imageLoads, loadImages, type Exec } from './images.ts';
import { planOutside, type ClusterTarget } from '../cluster/outside.ts';
import { clusterRealized, clusterSteps, renderFor, userFacing, type ClusterRunCtx } from '../cluster/index.ts';

export interface KindCtx extends ClusterRunCtx {
  versions: KindVersions;
  /** kind cluster name (lab-<run>). */
  cluster: string;
  workDir: string;
  kubeconfigPath: string;
  workers: KindWorker[];
  /** Host port on a worker's loopback address for each NodePort: `${worker}:${nodePort}` -> port. */
  hostPorts: Map<string, number>;
  exec: Exec;
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

/** Free host ports on each worker's loopback address for every NodePort (two kind runs never share one). */
export async function pickHostPorts(workers: KindWorker[], nodePorts: number[], pick: (host: string) => Promise<number> = freePort): Promise<Map<string, number>> {
  const m = new Map<string, number>();
  for (const w of workers) for (const p of nodePorts) m.set(`${w.index}:${p}`, await pick(w.address));
  return m;
}

/** The commands the kind provider runs for a scenario, in order (for review and tests; nothing is run). */
export function kindCommands(c: Pick<KindCtx, 'cluster' | 'kubeconfigPath' | 'workDir' | 'versions' | 'scenario'>, arch = 'amd64'): string[][] {
  const into = imagesFor(c.scenario, c.versions).filter((i) => i.intoNodes).map((i) => i.image);
  return [
    ['kind', 'create', 'cluster', '--name', c.cluster, '--config', join(c.workDir, 'kind-cluster.yaml'), '--kubeconfig', c.kubeconfigPath, '--wait', '180s'],
    ...imageLoads(into, { cluster: c.cluster, arch, dir: c.workDir }).flatMap((l) => [['docker', ...l.save], ['kind', ...l.load]]),
    ...gatewayProducts(c.scenario).map((p) => ['kubectl', '--kubeconfig', c.kubeconfigPath, 'apply', '--server-side', '--force-conflicts', '-f', join(PROJECT_ROOT, c.versions[GATEWAY_REALIZERS[p].versionsKey].install)]),
    ['kind', 'delete', 'cluster', '--name', c.cluster, '--kubeconfig', c.kubeconfigPath],
  ];
}

export function kindSteps(): Step<KindCtx>[] {
  return [
    {
      name: 'check the kind prerequisites (images, install manifests, host ports)',
      timeoutMs: ms(60),
      run: async (c) => {
        const facts = await probeKind(imagesFor(c.scenario, c.versions));
        const problems: string[] = [];
        const verdict = diagnoseKind(facts);
        const hints: string[] = [];
        if (!verdict.ok) {
          problems.push(verdict.reason);
          hints.push(verdict.hint);
        }
        for (const product of gatewayProducts(c.scenario)) {
          const f = c.versions[GATEWAY_REALIZERS[product].versionsKey];
          if (!existsSync(join(PROJECT_ROOT, f.install))) {
            problems.push(`install manifest ${f.install} is missing`);
            hints.push(`make kind-prereqs downloads it (curl -fLo ${f.install} ${f.installUrl})`);
          }
        }
        if (problems.length) throw new UserError(problems.join('; '), hints.join('; '));
        c.hostPorts = await pickHostPorts(c.workers, c.manifest.nodePorts.map((p) => p.nodePort!));
      },
    },
    {
      name: 'create kind cluster',
      timeoutMs: ms(300),
      undoOnFailure: true,
      run: async (c, signal) => {
        const cfg = kindClusterConfig(c.scenario, { nodeImage: c.versions.kindNode, nodePorts: c.manifest.nodePorts, hostPort: (w, p) => c.hostPorts.get(`${w.index}:${p}`)! });
        writeFileSync(join(c.workDir, 'kind-cluster.yaml'), kindConfigYaml(cfg));
        await runOk('kind', kindCommands(c)[0].slice(1), { timeoutMs: ms(290), signal });
        c.kc = await kubeConfigFrom({ yaml: await runOk('kind', ['get', 'kubeconfig', '--name', c.cluster], { timeoutMs: ms(30) }) });
        const server = c.kc.getCurrentCluster()?.server ?? '';
        if (!/^https:\/\/127\./.test(server)) throw new Error(`the kind API server is at ${server}, not on loopback`);
      },
      undo: async (c) => {
        await runOk('kind', ['delete', 'cluster', '--name', c.cluster, '--kubeconfig', c.kubeconfigPath], { timeoutMs: ms(120) });
      },
    },
    {
      name: 'load images into the nodes (one single-platform archive each)',
      timeoutMs: ms(900),
      run: async (c, signal) => {
        const arch = ((await run('docker', ['version', '--format', '{{.Server.Arch}}'], { timeoutMs: ms(15) })).stdout.trim() || 'amd64').replace(/^x86_64$/, 'amd64').replace(/^aarch64$/, 'arm64');
        const into = imagesFor(c.scenario, c.versions).filter((i) => i.intoNodes).map((i) => i.image);
        const r = await loadImages(imageLoads(into, { cluster: c.cluster, arch, dir: c.workDir }), { exec: c.exec, log: c.opts.log, signal });
        if (r.failed.length)
          throw new UserError(
            `${r.failed.length} of ${into.length} image(s) could not be loaded into the kind nodes: ${r.failed.map((f) => `${f.image} (${f.error})`).join('; ')}`,
            `check each with docker image inspect; pull it for linux/${arch} (docker pull --platform linux/${arch} <image>); the others loaded`,
          );
      },
    },
    {
      name: 'install the gateway controllers',
      timeoutMs: ms(420),
      run: async (c, signal) => {
        for (const p of gatewayProducts(c.scenario)) {
          const g = GATEWAY_REALIZERS[p];
          await runOk('kubectl', ['--kubeconfig', c.kubeconfigPath, 'apply', '--server-side', '--force-conflicts', '-f', join(PROJECT_ROOT, c.versions[g.versionsKey].install)], { timeoutMs: ms(180), signal });
          await waitUntil(() => deploymentsPending(c.kc!, g.controller.namespace, g.controller.deploymentSelector), { timeoutMs: ms(200), signal, what: `${g.controller.title} in ${g.controller.namespace}` });
        }
      },
    },
    ...clusterSteps<KindCtx>(),
  ];
}

/** NodePorts as this machine reaches them on kind: each worker's port mappings on its 127.22.<az>.<n>. */
async function kindTargets(c: ClusterRunCtx): Promise<ClusterTarget[]> {
  const k = c as KindCtx;
  const byIndex = new Map(k.workers.map((w) => [String(w.index), w]));
  const nodes = (await listNodes(k.kc!)).filter((n) => n.ready);
  const out: ClusterTarget[] = [];
  for (const np of k.nodePorts)
    for (const n of nodes) {
      const w = byIndex.get(n.labels['exposure-lab.dev/node'] ?? '');
      if (!w) continue; // the control-plane node maps nothing
      out.push({ host: w.address, port: k.hostPorts.get(`${w.index}:${np.nodePort}`)!, az: w.az, node: w.address, version: np.version, nodeName: n.name, service: np.service });
    }
  return out;
}

export async function provisionKind(scenario: Scenario, opts: RealizeOptions, o: { exec?: Exec } = {}): Promise<Realized> {
  const versions = loadKindVersions();
  const manifest = renderFor(scenario, opts.runId, 'kind', versions.lab);
  const workDir = mkdtempSync(join(tmpdir(), 'exposure-lab-kind-'));
  const log = (l: string) => opts.log(`kind: ${l}`);
  const cluster = dnsName(['lab', runLabel(opts.runId)], 40);
  const incidents: string[] = [];
  const ctx: KindCtx = {
    target: 'kind',
    scenario,
    manifest,
    opts: { ...opts, log },
    plan: planOutside(scenario, manifest, { injectLatency: opts.injectLatency }),
    runner: containerRunner({ labImage: versions.lab, localstackImage: versions.localstack }),
    nodeTargets: kindTargets,
    preflightInputs: { where: `kind cluster ${cluster}` },
    nodePorts: [],
    entries: [],
    outsideHops: [],
    targets: [],
    healthy: null,
    incidents,
    versions,
    cluster,
    workDir,
    kubeconfigPath: join(workDir, 'kubeconfig'),
    workers: kindWorkers(scenario),
    hostPorts: new Map(),
    exec: o.exec ?? ((cmd, args, t) => run(cmd, args, t)),
  };
  let p: Provisioned;
  try {
    p = await runSteps(kindSteps(), ctx, { log, signal: opts.signal });
  } catch (e) {
    rmSync(workDir, { recursive: true, force: true });
    throw userFacing(e, opts.runId);
  }
  const kindVersion = (await run('kind', ['version'], { timeoutMs: 10_000 })).stdout.trim() || 'unknown';
  return clusterRealized(ctx, p, {
    where: `kind cluster ${cluster} (${versions.kindNode.split('@')[0]})`,
    echoImage: versions.lab,
    tools: { kind: kindVersion, 'kind node': versions.kindNode, 'lab image': versions.lab },
    onTeardown: () => rmSync(workDir, { recursive: true, force: true }),
  });
}
