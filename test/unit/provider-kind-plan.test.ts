import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { locateTool } from '../../harness/tools/registry.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { kindClusterConfig, kindConfigSchema } from '../../harness/k8s/kind-config.ts';
import { planKind, healthyTargets } from '../../harness/providers/kind/plan.ts';
import { diagnoseKind } from '../../harness/providers/kind/available.ts';
import { imagesFor, loadKindVersions } from '../../harness/cluster/versions.ts';
import { kindProvider } from '../../harness/providers/kind/index.ts';

const setup = (name: string) => {
  const s = loadScenarioOrThrow(name);
  const m = renderScenario(s, { runId: 'r1', target: 'kind', echoImage: 'exposure-lab/lab:0.1.0' });
  return { s, m, plan: planKind(s, m, { injectLatency: true }) };
};

describe('kind plan', () => {
  it('public-nlb: the NLB is emulated on 127.20.<az>.1 and targets every worker NodePort on 127.22.<az>.<n>', () => {
    const { plan } = setup('public-nlb');
    expect(plan.outside.map((o) => [o.plan.hop.name, o.via])).toEqual([['public-nlb', 'emulator']]);
    expect(plan.outside[0].plan.listeners.map((l) => l.host)).toEqual(['127.20.1.1', '127.20.2.1', '127.20.3.1']);
    expect(plan.clusterTargets.map((t) => `${t.host}:${t.port}`)).toEqual(['127.22.1.1:30080', '127.22.2.2:30080', '127.22.3.3:30080']);
    expect(healthyTargets(plan.clusterTargets, plan.workers, new Set([2])).map((t) => t.host)).toEqual(['127.22.2.2']);
  });
  it('apigw-nlb-gateway: LocalStack for API Gateway, emulators for the VPC link and the NLB', () => {
    const { plan } = setup('apigw-nlb-gateway');
    expect(plan.outside.map((o) => o.via)).toEqual(['localstack', 'emulator', 'emulator']);
  });
  it('lattice: one NodePort per version, tagged with the version for weighted routing', () => {
    const { plan } = setup('lattice-gateway-api');
    expect(new Set(plan.clusterTargets.map((t) => `${t.port}:${t.version}`))).toEqual(new Set(['30080:v1', '30081:v2']));
  });
  it('nodeport and direct: nothing outside; the client targets a worker mapping', () => {
    expect(setup('nodeport').plan.outside).toEqual([]);
    expect(setup('direct').plan.clusterTargets[0]).toMatchObject({ host: '127.22.1.1', port: 30080 });
  });
  it('kind cluster config: one worker per node with zone labels, NodePorts mapped on loopback only', () => {
    const { s, m } = setup('clb-per-service');
    const cfg = kindClusterConfig(s, { nodeImage: 'kindest/node:v1.31.4', nodePorts: m.nodePorts });
    expect(cfg.nodes.filter((n) => n.role === 'worker')).toHaveLength(3);
    expect(cfg.nodes[1].labels).toEqual({ 'topology.kubernetes.io/zone': 'az-1', 'exposure-lab.dev/node': '1' });
    expect(cfg.nodes[1].extraPortMappings!.map((p) => p.containerPort)).toEqual([30080, 30081, 30082, 30083, 30084]);
    expect(cfg.networking?.apiServerAddress).toBe('127.0.0.1');
    const bad = structuredClone(cfg);
    bad.nodes[1].extraPortMappings![0].listenAddress = '0.0.0.0';
    expect(kindConfigSchema.safeParse(bad).success).toBe(false);
  });
});

describe('kind availability', () => {
  it('lists every missing piece at once', () => {
    const r = diagnoseKind({ kind: null, kubectl: null, dockerCli: true, dockerError: 'Cannot connect to the Docker daemon', missingImages: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/`kind` is not installed.*`kubectl` is not installed.*no Docker engine/);
      expect(r.hint).toMatch(/bash scripts\/setup.sh kind.*bash scripts\/setup.sh kubectl.*Docker daemon/);
    }
    const imgs = diagnoseKind({ kind: 'kind v0.27.0', kubectl: 'v1.32', dockerCli: true, dockerError: null, missingImages: [{ image: 'exposure-lab/lab:0.1.0', why: 'docker build' }] });
    expect(!imgs.ok && imgs.reason).toMatch(/exposure-lab\/lab:0.1.0/);
  });
  it('scenario images: Envoy Gateway, ingress-nginx and LocalStack only when the scenario has them', () => {
    const v = loadKindVersions();
    const images = (n: string) => imagesFor(loadScenarioOrThrow(n), v, {}).map((i) => i.image);
    expect(images('public-nlb')).toEqual(expect.arrayContaining(v.envoyGateway.images));
    expect(images('public-nlb')).not.toContain(v.localstack);
    expect(images('apigw-nlb-ingress')).toEqual(expect.arrayContaining([...v.ingressNginx.images, v.localstack]));
    expect(images('direct')).toEqual([v.kindNode, v.lab]);
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
  it.skipIf(hasKind)(hasKind ? 'available() without kind says so with a hint (skipped: kind is installed here)' : 'on this machine (kind is not installed here) available() says so with a hint', async () => {
    const r = await kindProvider.available();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/`kind` is not installed/);
      expect(r.hint).toMatch(/install kind/);
    }
  });
});
