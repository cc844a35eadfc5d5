// The preflight's verdicts from what a cluster has (pure: facts in, doctor-style checks out), and the label
// selector rules it evaluates webhooks with. The same checks run against a real API server in
// test/integration/cluster-providers.test.ts.
import { describe, expect, it } from 'vitest';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { eksNetworks } from '../../harness/k8s/networks.ts';
import { judgePreflight, needsOf, preflightText, type ClusterFacts } from '../../harness/cluster/preflight.ts';
import { labelSelectorMatches } from '../../harness/cluster/selectors.ts';
import type { ControllerFact } from '../../harness/cluster/controllers.ts';
import { imageVersion } from '../../harness/cluster/controllers.ts';
import type { RenderTarget } from '../../harness/k8s/types.ts';

const render = (name: string, target: RenderTarget, aws: { certificateArn?: string; latticeServiceNetwork?: string } = { certificateArn: 'arn:aws:acm:x' }) =>
  renderScenario(loadScenarioOrThrow(name), { runId: 'r1', target, echoImage: 'exposure-lab/lab:0.1.0', networks: target === 'eks' ? eksNetworks({ vpcCidr: '10.0.0.0/16' }).networks : undefined, aws: target === 'eks' ? aws : undefined });

const node = (i: number, address = `127.22.${i}.${i}`) => ({ name: `w${i}`, labels: {}, internalIps: [address], externalIps: [], ready: true, zone: `az-${i}`, images: [] as string[] });
const controller = (key: ControllerFact['key'], over: Partial<ControllerFact> = {}): ControllerFact => ({ key, found: true, namespace: 'ns', deployment: key, image: `x/${key}:v1.2.3`, version: 'v1.2.3', available: 1, desired: 1, env: {}, ...over });
const GW_CRDS = ['gatewayclasses', 'gateways', 'httproutes'].map((k) => `${k}.gateway.networking.k8s.io`);
const EG_CRDS = ['envoyproxies', 'clienttrafficpolicies'].map((k) => `${k}.gateway.envoyproxy.io`);
const facts = (over: Partial<ClusterFacts> = {}): ClusterFacts => ({
  context: 'lab',
  server: 'https://127.0.0.1:6443',
  kubernetesVersion: 'v1.36.3',
  crds: new Map([...GW_CRDS, ...EG_CRDS].map((c) => [c, true])),
  controllers: { 'envoy-gateway': controller('envoy-gateway', { lease: { holder: 'eg-1', renewedSecondsAgo: 3 } }), 'aws-load-balancer-controller': controller('aws-load-balancer-controller') },
  mutatingWebhooks: [],
  gatewayClasses: new Map(),
  ingressClasses: ['alb'],
  nodes: [node(1), node(2), node(3)],
  ...over,
});
const bad = (r: ReturnType<typeof judgePreflight>) => r.checks.filter((c) => c.state === 'missing' || c.state === 'wrong').map((c) => `${c.state} ${c.item}`);

describe('preflight: what a scenario needs from the cluster', () => {
  it('an Envoy Gateway scenario needs the controller and the CRDs of every object it applies', () => {
    const n = needsOf(loadScenarioOrThrow('public-nlb-proxy-protocol'), render('public-nlb-proxy-protocol', 'cluster'));
    expect(n.controllers.map((c) => c.key)).toEqual(['envoy-gateway']);
    expect(n.crds.map((c) => c.name).sort()).toEqual([...GW_CRDS, ...EG_CRDS].sort());
    expect(n.viaNodes).toBe(true);
    expect(n.images).toEqual(['exposure-lab/lab:0.1.0']);
  });
  it('eks: the NLB needs the AWS Load Balancer Controller; Classic LBs are checked against its Service webhook; Lattice needs its controller', () => {
    expect(needsOf(loadScenarioOrThrow('public-nlb'), render('public-nlb', 'eks')).controllers.map((c) => c.key)).toEqual(['envoy-gateway', 'aws-load-balancer-controller']);
    const clb = needsOf(loadScenarioOrThrow('clb-per-service'), render('clb-per-service', 'eks'));
    expect(clb.controllers).toEqual([]);
    expect(clb.classicServices).toHaveLength(5);
    expect(needsOf(loadScenarioOrThrow('lattice-gateway-api'), render('lattice-gateway-api', 'eks')).controllers.map((c) => c.key)).toEqual(['aws-gateway-api-controller']);
    expect(needsOf(loadScenarioOrThrow('alb-ingress-gateway'), render('alb-ingress-gateway', 'eks')).albIngress).toBe(true);
  });
});

describe('preflight verdicts: every problem at once, nothing applied', () => {
  it('a cluster with what public-nlb needs passes, and records the cluster, Kubernetes and controller versions', () => {
    const m = render('public-nlb', 'cluster');
    const r = judgePreflight(needsOf(loadScenarioOrThrow('public-nlb'), m), facts(), m);
    expect(bad(r)).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.recorded).toEqual({ cluster: 'lab (https://127.0.0.1:6443)', kubernetes: 'v1.36.3', 'Envoy Gateway': 'v1.2.3 (x/envoy-gateway:v1.2.3)' });
    expect(preflightText(r.checks)).toMatch(/ {2}ok {6}Envoy Gateway +v1\.2\.3: ns\/envoy-gateway \(x\/envoy-gateway:v1\.2\.3\), 1\/1 available; leader lease held by eg-1, renewed 3 s ago/);
  });

  it('no Envoy Gateway, its CRDs missing, an old Kubernetes: all listed, each with its fix', () => {
    const m = render('public-nlb', 'cluster');
    const r = judgePreflight(needsOf(loadScenarioOrThrow('public-nlb'), m), facts({ kubernetesVersion: 'v1.28.9', crds: new Map([[GW_CRDS[0], true], [GW_CRDS[1], false]]), controllers: { 'envoy-gateway': { ...controller('envoy-gateway'), found: false } } }), m);
    expect(bad(r)).toEqual([
      'wrong Kubernetes API',
      'wrong CRD gateways.gateway.networking.k8s.io',
      'missing CRD httproutes.gateway.networking.k8s.io',
      'missing CRD envoyproxies.gateway.envoyproxy.io',
      'missing CRD clienttrafficpolicies.gateway.envoyproxy.io',
      'missing Envoy Gateway',
    ]);
    const text = preflightText(r.checks);
    expect(text).toMatch(/! WRONG {3}Kubernetes API .*needs 1\.30 or newer/);
    expect(text).toMatch(/! MISSING Envoy Gateway .*\| fix: helm install eg oci:\/\/docker\.io\/envoyproxy\/gateway-helm --version v1\.9\.1/);
  });

  it('a controller with no available replica is wrong, not ok', () => {
    const m = render('public-nlb', 'cluster');
    const r = judgePreflight(needsOf(loadScenarioOrThrow('public-nlb'), m), facts({ controllers: { 'envoy-gateway': controller('envoy-gateway', { available: 0 }) } }), m);
    expect(bad(r)).toEqual(['wrong Envoy Gateway']);
  });

  it('nodes reached off loopback: refused unless remote is allowed; never with emulated hops in front', () => {
    const m = render('nodeport', 'cluster');
    const far = facts({ nodes: [node(1, '192.168.49.2')] });
    expect(bad(judgePreflight(needsOf(loadScenarioOrThrow('nodeport'), m), far, m, { env: {} }))).toEqual(['wrong node addresses']);
    expect(bad(judgePreflight(needsOf(loadScenarioOrThrow('nodeport'), m), far, m, { env: { EXPOSURE_LAB_ALLOW_REMOTE: '1' } }))).toEqual([]);
    // EXPOSURE_LAB_NODE_ADDRESS: the NodePorts are published on this machine (Docker Desktop, k3d -p).
    expect(bad(judgePreflight(needsOf(loadScenarioOrThrow('nodeport'), m), far, m, { env: {}, nodeAddress: '127.0.0.1' }))).toEqual([]);
    const nlb = render('public-nlb', 'cluster');
    const r = judgePreflight(needsOf(loadScenarioOrThrow('public-nlb'), nlb), far, nlb, { env: { EXPOSURE_LAB_ALLOW_REMOTE: '1' } });
    expect(bad(r)).toEqual(['wrong node addresses']);
    expect(r.checks.find((c) => c.item === 'node addresses')!.detail).toMatch(/emulated hops in front of the cluster \(public-nlb\) speak from loopback/);
  });

  it('the echo image not on any node is a note (the nodes may pull it), not a failure', () => {
    const m = render('direct', 'cluster');
    const r = judgePreflight(needsOf(loadScenarioOrThrow('direct'), m), facts(), m);
    expect(r.checks.find((c) => c.item.startsWith('image'))).toMatchObject({ state: 'note' });
    const on = judgePreflight(needsOf(loadScenarioOrThrow('direct'), m), facts({ nodes: [{ ...node(1), images: ['docker.io/exposure-lab/lab:0.1.0'] }] }), m);
    expect(on.checks.find((c) => c.item.startsWith('image'))).toMatchObject({ state: 'ok', detail: 'present on 1/1 ready nodes' });
  });

  it('eks Classic LBs: refused when the Load Balancer Controller\'s Service webhook would match them', () => {
    const m = render('clb-per-service', 'eks');
    const needs = needsOf(loadScenarioOrThrow('clb-per-service'), m);
    const hook = { configuration: 'aws-load-balancer-webhook', name: 'mservice.elbv2.k8s.aws', resources: ['/services'], operations: ['CREATE'], objectSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['aws-load-balancer-controller'] }] } };
    expect(bad(judgePreflight(needs, facts({ mutatingWebhooks: [hook] }), m))).toEqual([expect.stringMatching(/^wrong Classic LB for Service .*\/app$/)]);
    // A webhook configured to leave the lab's Services alone is fine.
    const excluded = { ...hook, objectSelector: { matchExpressions: [...hook.objectSelector.matchExpressions, { key: 'app.kubernetes.io/managed-by', operator: 'NotIn', values: ['exposure-lab'] }] } };
    expect(bad(judgePreflight(needs, facts({ mutatingWebhooks: [excluded] }), m))).toEqual([]);
    expect(judgePreflight(needs, facts(), m).checks.find((c) => c.item === 'Classic LB')).toMatchObject({ state: 'ok' });
  });

  it('eks Lattice: single-network mode, or a service network named by the user; otherwise refused', () => {
    const s = loadScenarioOrThrow('lattice-gateway-api');
    const withClass = (env: Record<string, string>) =>
      facts({ crds: new Map(GW_CRDS.map((c) => [c, true])), gatewayClasses: new Map([['amazon-vpc-lattice', { controllerName: 'application-networking.k8s.aws/gateway-api-controller', accepted: true }]]), controllers: { 'aws-gateway-api-controller': controller('aws-gateway-api-controller', { env }) } });
    const m = render('lattice-gateway-api', 'eks');
    expect(bad(judgePreflight(needsOf(s, m), withClass({}), m))).toEqual(['missing VPC Lattice service network']);
    expect(bad(judgePreflight(needsOf(s, m), withClass({ ENABLE_SERVICE_NETWORK_OVERRIDE: 'true', DEFAULT_SERVICE_NETWORK: 'lab' }), m))).toEqual([]);
    const named = render('lattice-gateway-api', 'eks', { latticeServiceNetwork: 'team-net' });
    expect(bad(judgePreflight(needsOf(s, named), withClass({}), named, { latticeServiceNetwork: 'team-net' }))).toEqual([]);
    expect(bad(judgePreflight(needsOf(s, m), facts({ crds: new Map(GW_CRDS.map((c) => [c, true])) }), m))).toEqual(['missing AWS Gateway API Controller (VPC Lattice)', 'missing GatewayClass amazon-vpc-lattice', 'missing VPC Lattice service network']);
  });

  it('eks inputs the scenario needs (certificate ARN) are listed with the rest', () => {
    const m = render('public-nlb-tls', 'eks', {});
    expect(bad(judgePreflight(needsOf(loadScenarioOrThrow('public-nlb-tls'), m), facts(), m))).toEqual(['missing public-nlb (nlb)']);
  });

  it('an API server that does not answer is the only line', () => {
    const m = render('direct', 'cluster');
    const r = judgePreflight(needsOf(loadScenarioOrThrow('direct'), m), facts({ kubernetesVersion: null, unreachable: 'connect ECONNREFUSED 127.0.0.1:6443' }), m);
    expect(bad(r)).toEqual(['missing Kubernetes API']);
    expect(r.checks).toHaveLength(1);
  });
});

describe('label selectors as the API server evaluates them', () => {
  const labels = { 'app.kubernetes.io/managed-by': 'exposure-lab', tier: 'web' };
  it('matchLabels and every expression must hold; empty or absent matches everything', () => {
    expect(labelSelectorMatches(undefined, labels)).toBe(true);
    expect(labelSelectorMatches({}, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { tier: 'web' } }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchLabels: { tier: 'db' } }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'app.kubernetes.io/managed-by', operator: 'NotIn', values: ['exposure-lab'] }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'absent', operator: 'NotIn', values: ['x'] }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, labels)).toBe(true);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(labelSelectorMatches({ matchExpressions: [{ key: 'tier', operator: 'Gt', values: ['1'] }] }, labels)).toBe(false);
  });
  it('image versions come from the tag, not the digest', () => {
    expect(imageVersion('docker.io/envoyproxy/gateway:v1.9.1')).toBe('v1.9.1');
    expect(imageVersion('registry:5000/x/y:1.2@sha256:abc')).toBe('1.2');
    expect(imageVersion('registry:5000/x/y')).toBeUndefined();
  });
});
