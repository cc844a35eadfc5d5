// What the report says realized each hop on kind and an existing cluster: the path a request really takes
// (Docker's port mapping, a NodePort, kube-proxy) and what the emulation does not reproduce, named per hop.
import { describe, expect, it } from 'vitest';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { inClusterHops, type ClusterRunCtx } from '../../harness/providers/cluster/index.ts';
import type { HopRealization } from '../../harness/result/types.ts';

function labels(name: string, target: 'kind' | 'cluster') {
  const scenario = loadScenarioOrThrow(name);
  const manifest = renderScenario(scenario, { runId: 'r1', target, echoImage: 'lab:1' });
  const chain = scenario.hops.slice(1);
  // The emulated hops as the outside step reports them (before the in-cluster labels add their notes).
  const outsideHops: HopRealization[] = chain.map((h) => (manifest.outside.some((o) => o.hop === h.name) ? { name: h.name, component: h.component, realizedBy: 'emulator', fidelity: 'emulated', notes: [] } : undefined)) as HopRealization[];
  const c = { target, scenario, manifest, outsideHops, preflight: { recorded: { 'Envoy Gateway': 'v1.9.1 (docker.io/envoyproxy/gateway:v1.9.1)' } } } as unknown as ClusterRunCtx;
  const inside = inClusterHops(c, { where: target === 'kind' ? 'kind cluster lab-r1' : 'cluster dev', echoImage: 'lab:1', entryPath: '/' });
  return chain.map((h, i) => outsideHops[i] ?? inside.get(h.name)!);
}
const notes = (h: HopRealization) => (h.notes ?? []).join(' | ');

describe('hop labels on kind and an existing cluster', () => {
  it('direct on kind: the echo hop names Docker\'s port mapping, the NodePort and kube-proxy the request passes', () => {
    const [app] = labels('direct', 'kind');
    expect(app.realizedBy).toBe('lab echo in pods (lab:1) in kind cluster lab-r1');
    expect(notes(app)).toMatch(/Docker's port mapping on 127\.22\.<az>\.<n> \(docker-proxy \/ iptables DNAT\), then the node's NodePort and kube-proxy/);
    expect(notes(labels('direct', 'cluster')[0])).toMatch(/the node's NodePort and kube-proxy/);
  });

  it('clb-per-service: one emulated Classic LB, and the report says the other four are not emulated', () => {
    const [clb, kp, app] = labels('clb-per-service', 'kind');
    expect(notes(clb)).toMatch(/one emulated Classic Load Balancer in front of app's NodePort; on AWS each of the 5 Services gets its own \(4 more, not emulated/);
    expect(kp.realizedBy).toMatch(/^kube-proxy \(iptables\) in kind cluster/);
    expect(notes(app)).toMatch(/5 Services are deployed; the load goes to .*\/app only/);
  });

  it('ip targets: the emulated NLB goes through a NodePort and kube-proxy, which AWS would not', () => {
    const [nlb, gw] = labels('public-nlb-ip-targets', 'kind');
    expect(notes(nlb)).toMatch(/reaches envoy through a NodePort and kube-proxy \(which may SNAT to the node\), where on AWS it would target the pod IPs directly/);
    expect(gw.realizedBy).toBe('Envoy Gateway v1.9.1 (docker.io/envoyproxy/gateway:v1.9.1) (its Envoy Deployment in envoy-gateway-system)');
    expect(notes(gw)).toMatch(/reached through .*NodePort and kube-proxy: that path is not in the scenario's chain/);
    // With a kube-proxy hop in the chain the NodePort path is the scenario's own: no such note.
    const [nlb2] = labels('public-nlb', 'kind');
    expect(notes(nlb2)).not.toMatch(/pod IPs directly/);
  });
});
