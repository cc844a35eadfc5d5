// The kind provider's parts that do not need a Docker engine (none runs here): the plan of the emulated hops,
// the cluster config, the commands it would run, the image pins and prerequisites, image loading, containers.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { locateTool } from '../../harness/tools/registry.ts';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { kindClusterConfig, kindConfigSchema, kindWorkers } from '../../harness/k8s/kind-config.ts';
import { frontTargets } from '../../harness/providers/cluster/index.ts';
import { planOutside, type ClusterTarget } from '../../harness/providers/cluster/outside.ts';
import { diagnoseKind, type KindFacts } from '../../harness/providers/kind/available.ts';
import { allKindImages, imagesFor, loadKindVersions } from '../../harness/cluster/versions.ts';
import { kindCommands, kindProvider, pickHostPorts } from '../../harness/providers/kind/index.ts';
import { imageLoads, loadImages, type Exec } from '../../harness/providers/kind/images.ts';
import { localStackContainerSpec } from '../../harness/providers/kind/emulators.ts';
import { kindPrereqCommands } from '../../scripts/kind-prereqs.ts';
import { loadManifest } from '../../harness/tools/manifest.ts';

const setup = (name: string) => {
  const s = loadScenarioOrThrow(name);
  const m = renderScenario(s, { runId: 'r1', target: 'kind', echoImage: 'exposure-lab/lab:0.1.0' });
  return { s, m, plan: planOutside(s, m, { injectLatency: true }) };
};
/** Every worker mapping of every NodePort, as the provider builds them from the cluster's nodes. */
const targets = (name: string): ClusterTarget[] => {
  const { s, m } = setup(name);
  return m.nodePorts.flatMap((np) => kindWorkers(s).map((w) => ({ host: w.address, port: np.nodePort!, az: w.az, node: w.address, version: np.version, nodeName: `w${w.index}`, service: np.service })));
};
const facts = (f: Partial<KindFacts>): KindFacts => ({ platform: 'linux', kind: 'kind v0.33.0', kubectl: 'v1.36.3', dockerCli: true, dockerError: null, missingImages: [], ...f });

describe('kind: the emulated hops in front of the cluster', () => {
  it('public-nlb: the NLB is emulated on 127.20.<az>.1', () => {
    const { plan } = setup('public-nlb');
    expect(plan.outside.map((o) => [o.plan.hop.name, o.apiGateway])).toEqual([['public-nlb', false]]);
    expect(plan.outside[0].plan.listeners.map((l) => l.host)).toEqual(['127.20.1.1', '127.20.2.1', '127.20.3.1']);
  });
  it('apigw-nlb-gateway: API Gateway (LocalStack on kind), emulators for the VPC link and the NLB', () => {
    expect(setup('apigw-nlb-gateway').plan.outside.map((o) => o.apiGateway)).toEqual([true, false, false]);
  });
  it('lattice: one NodePort per version, tagged with the version for weighted routing', () => {
    const { m } = setup('lattice-gateway-api');
    expect(new Set(frontTargets(targets('lattice-gateway-api'), m).map((t) => `${t.port}:${t.version}`))).toEqual(new Set(['30080:v1', '30081:v2']));
  });
  it('clb-per-service: the emulated Classic LB targets the front Service only, not all five (one LB per Service on AWS)', () => {
    const { m } = setup('clb-per-service');
    const all = targets('clb-per-service');
    expect(new Set(all.map((t) => t.port)).size).toBe(5);
    const front = frontTargets(all, m);
    expect(new Set(front.map((t) => t.service))).toEqual(new Set([`${m.namespace}/app`]));
    expect(front).toHaveLength(3);
  });
  it('nodeport and direct: nothing outside the cluster', () => {
    expect(setup('nodeport').plan.outside).toEqual([]);
    expect(setup('direct').plan.outside).toEqual([]);
  });
});

describe('kind: cluster config', () => {
  it('one worker per node, labelled with its zone and ingress-ready (the ingress-nginx kind manifest schedules only there)', () => {
    const { s, m } = setup('apigw-nlb-ingress');
    const cfg = kindClusterConfig(s, { nodeImage: 'kindest/node:v1.36.4', nodePorts: m.nodePorts });
    const workers = cfg.nodes.filter((n) => n.role === 'worker');
    expect(workers).toHaveLength(3);
    expect(workers.map((w) => w.labels)).toEqual([1, 2, 3].map((i) => ({ 'topology.kubernetes.io/zone': `az-${i}`, 'exposure-lab.dev/node': String(i), 'ingress-ready': 'true' })));
    expect(cfg.networking?.apiServerAddress).toBe('127.0.0.1');
    const bad = structuredClone(cfg);
    bad.nodes[1].extraPortMappings![0].listenAddress = '0.0.0.0';
    expect(kindConfigSchema.safeParse(bad).success).toBe(false);
  });

  it('every NodePort maps to a free host port picked per run: two runs of the same scenario never ask for the same one', async () => {
    const { s, m } = setup('clb-per-service');
    const workers = kindWorkers(s);
    let next = 41000;
    const pick = async () => next++;
    const run1 = await pickHostPorts(workers, m.nodePorts.map((p) => p.nodePort!), pick);
    const run2 = await pickHostPorts(workers, m.nodePorts.map((p) => p.nodePort!), pick);
    const cfg1 = kindClusterConfig(s, { nodeImage: 'x', nodePorts: m.nodePorts, hostPort: (w, p) => run1.get(`${w.index}:${p}`)! });
    const cfg2 = kindClusterConfig(s, { nodeImage: 'x', nodePorts: m.nodePorts, hostPort: (w, p) => run2.get(`${w.index}:${p}`)! });
    const bound = (c: typeof cfg1) => c.nodes.flatMap((n) => (n.extraPortMappings ?? []).map((p) => `${p.listenAddress}:${p.hostPort}`));
    expect(bound(cfg1).filter((b) => bound(cfg2).includes(b))).toEqual([]);
    // Inside each cluster the NodePorts stay the ones the manifests set.
    expect(cfg1.nodes[1].extraPortMappings!.map((p) => p.containerPort)).toEqual([30080, 30081, 30082, 30083, 30084]);
  });

  it('the real picker returns a port that is free on the worker address', async () => {
    const [w] = kindWorkers(loadScenarioOrThrow('direct'));
    const m = await pickHostPorts([w], [30080]);
    expect(m.get(`${w.index}:30080`)).toBeGreaterThan(0);
  });
});

describe('kind: commands it runs (nothing is run here)', () => {
  it('creates the cluster from its config, loads each image as a single-platform archive, applies the install manifests, deletes the cluster', () => {
    const v = loadKindVersions();
    const c = { cluster: 'lab-r1', kubeconfigPath: '/w/kubeconfig', workDir: '/w', versions: v, scenario: loadScenarioOrThrow('public-nlb') };
    const cmds = kindCommands(c, 'arm64').map((x) => x.join(' '));
    expect(cmds[0]).toBe('kind create cluster --name lab-r1 --config /w/kind-cluster.yaml --kubeconfig /w/kubeconfig --wait 180s');
    for (const img of [v.lab, ...v.envoyGateway.images]) {
      expect(cmds).toContain(`docker image save --platform linux/arm64 -o ${cmds.find((x) => x.endsWith(` ${img}`) && x.startsWith('docker'))!.split(' -o ')[1].split(' ')[0]} ${img}`);
    }
    expect(cmds.filter((x) => x.startsWith('kind load image-archive'))).toHaveLength(1 + v.envoyGateway.images.length);
    expect(cmds.some((x) => x.startsWith('kind load docker-image'))).toBe(false);
    expect(cmds.find((x) => x.startsWith('kubectl'))).toMatch(/apply --server-side --force-conflicts -f .*envoy-gateway-v1\.9\.1-install\.yaml$/);
    expect(cmds.at(-1)).toBe('kind delete cluster --name lab-r1 --kubeconfig /w/kubeconfig');
  });

  it('one image that cannot be loaded is named, and the others still load', async () => {
    const calls: string[] = [];
    const exec: Exec = async (cmd, args) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (cmd === 'kind' && args.includes('/w/image-1.tar')) return { code: 1, stdout: '', stderr: 'ctr: content digest sha256:b1ad: not found' };
      return { code: 0, stdout: '', stderr: '' };
    };
    const lines: string[] = [];
    const r = await loadImages(imageLoads(['a:1', 'b:2', 'c:3'], { cluster: 'lab', arch: 'amd64', dir: '/w' }), { exec, log: (l) => lines.push(l) });
    expect(r.loaded).toEqual(['a:1', 'c:3']);
    expect(r.failed).toEqual([{ image: 'b:2', error: 'kind load image-archive: ctr: content digest sha256:b1ad: not found' }]);
    expect(lines).toEqual(['image ok: a:1', 'image FAILED: b:2: kind load image-archive: ctr: content digest sha256:b1ad: not found', 'image ok: c:3']);
    expect(calls.filter((c) => c.startsWith('docker'))).toHaveLength(3);
  });

  it('an engine without --platform on save (Docker < 28, no containerd store) falls back to a plain save', async () => {
    const calls: string[] = [];
    const exec: Exec = async (cmd, args) => {
      calls.push(`${cmd} ${args.join(' ')}`);
      if (args.includes('--platform')) return { code: 125, stdout: '', stderr: 'unknown flag: --platform' };
      return { code: 0, stdout: '', stderr: '' };
    };
    const r = await loadImages(imageLoads(['a:1'], { cluster: 'lab', arch: 'amd64', dir: '/w' }), { exec, log: () => {} });
    expect(r.loaded).toEqual(['a:1']);
    expect(calls).toEqual(['docker image save --platform linux/amd64 -o /w/image-0.tar a:1', 'docker image save -o /w/image-0.tar a:1', 'kind load image-archive /w/image-0.tar --name lab']);
  });
});

describe('kind: pins and prerequisites', () => {
  const v = loadKindVersions();
  it('pins match the tool manifest: Envoy Gateway, the Envoy it defaults to, a Kubernetes 1.36 node image', () => {
    const tools = loadManifest().tools;
    expect(v.envoyGateway.version).toBe(`v${tools['envoy-gateway'].version}`);
    expect(v.envoyGateway.images).toContain(`docker.io/envoyproxy/gateway:v${tools['envoy-gateway'].version}`);
    expect(v.envoyGateway.images).toContain(`docker.io/envoyproxy/envoy:distroless-v${tools.envoy.version}`);
    const minor = tools['kube-control-plane'].version.split('.').slice(0, 2).join('.');
    expect(v.kindNode).toMatch(new RegExp(`^kindest/node:v${minor.replace('.', '\\.')}\\.\\d+@sha256:[0-9a-f]{64}$`));
  });

  it('the reaper pin is the one the installed testcontainers starts', () => {
    const require = createRequire(import.meta.url);
    const src = readFileSync(require.resolve('testcontainers/build/reaper/reaper.js'), 'utf8');
    const used = /ImageName\.fromString\("(testcontainers\/ryuk:[^"]+)"\)/.exec(src)?.[1];
    expect(used).toBeTruthy();
    expect(v.ryuk).toBe(used);
  });

  it('make kind-prereqs pulls every image a scenario can need and builds the lab image', () => {
    const cmds = kindPrereqCommands(v).map((c) => c.join(' '));
    const needed = new Set(scenarioNames().flatMap((n) => imagesFor(loadScenarioOrThrow(n), v, {}).map((i) => i.image)));
    for (const image of needed) expect(cmds.some((c) => c === `docker pull ${image}` || c === `docker build -f infra/kind/Dockerfile -t ${image} .`), image).toBe(true);
    expect(new Set(allKindImages(v).map((i) => i.image))).toEqual(new Set([...needed]));
    expect(readFileSync('Makefile', 'utf8')).toContain('npx tsx scripts/kind-prereqs.ts');
  });

  it('missing images: every one named with the command that gets it (docker pull, or docker build for the lab image)', () => {
    const r = diagnoseKind(facts({ missingImages: imagesFor(loadScenarioOrThrow('apigw-nlb-ingress'), v, {}) }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.hint).toContain(`docker pull ${v.localstack}`);
      expect(r.hint).toContain(`docker pull ${v.ingressNginx.images[0]}`);
      expect(r.hint).toContain(`docker build -f infra/kind/Dockerfile -t ${v.lab} .`);
      expect(r.hint).toContain('make kind-prereqs');
    }
  });

  it('lists every missing piece at once, and says up front that kind needs Linux Docker', () => {
    const r = diagnoseKind(facts({ platform: 'darwin', kind: null, kubectl: null, dockerError: 'Cannot connect to the Docker daemon' }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/needs Linux.*darwin.*host-network containers.*127\.22/);
      expect(r.reason).toMatch(/`kind` is not installed.*`kubectl` is not installed.*no Docker engine/);
      expect(r.hint).toMatch(/cluster provider/);
    }
    expect(diagnoseKind(facts({}))).toEqual({ ok: true });
  });

  it('LocalStack on the host network runs without its DNS server (it would bind port 53)', () => {
    const c = localStackContainerSpec(v.localstack, { host: '127.40.0.1', port: 4566 }, 'r1');
    expect(c.env).toMatchObject({ DNS_ADDRESS: '0', SERVICES: 'apigateway', GATEWAY_LISTEN: '127.40.0.1:4566' });
  });

  // The provider finds kind through the tool registry (pinned in the cache, or on PATH).
  const hasKind = locateTool('kind') !== null || (() => {
    try {
      execFileSync('kind', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it('available() names what is missing on this machine (no Docker engine here)', async () => {
    const r = await kindProvider.available();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      if (!hasKind) expect(r.reason).toMatch(/`kind` is not installed/);
      expect(r.reason).toMatch(/Docker/);
    }
  });
});
