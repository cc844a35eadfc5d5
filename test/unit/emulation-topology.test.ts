import { describe, it, expect } from 'vitest';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { planTopology, clientSources } from '../../harness/providers/local/topology.ts';
import { inCidr } from '../../harness/lib/cidr.ts';
import { LOCAL_PLAN } from '../../harness/catalog/address-plan.ts';
import { lognormalSampler } from '../../harness/emulation/prng.ts';
import { seededRandom } from '../../harness/lib/random.ts';

describe('local topology plan (pure)', () => {
  it('public-nlb: LB nodes per AZ, kube-proxy on every node, gateway and app pods on nodes, all in the address plan', () => {
    const p = planTopology(loadScenarioOrThrow('public-nlb'), { injectLatency: true });
    const [nlb, kp, gw, app] = p.hops;
    expect(nlb.listeners.map((l) => l.host)).toEqual(['127.20.1.1', '127.20.2.1', '127.20.3.1']);
    expect(nlb.listeners.every((l) => inCidr(l.host, LOCAL_PLAN.lbNodes))).toBe(true);
    expect(nlb.sameAzOnly).toBe(true); // cross-zone off
    expect(kp.listeners.map((l) => l.host)).toEqual(['127.22.1.1', '127.22.2.2', '127.22.3.3']);
    expect(kp.sameNodeOnly).toBe(true); // ETP=Local
    expect(gw.realization.realizer).toBe('gateway');
    expect(gw.listeners.map((l) => [l.host, l.node])).toEqual([['127.23.1.1', '127.22.1.1'], ['127.23.2.1', '127.22.2.2']]);
    expect(app.listeners.every((l) => inCidr(l.host, LOCAL_PLAN.pods))).toBe(true);
    expect(p.sources.every((s) => inCidr(s, LOCAL_PLAN.clients))).toBe(true);
    expect(nlb.latency?.medianMs).toBe(0.1);
  });

  it('no latency is planned when injection is off (overhead runs), and cross-AZ only where flows can cross', () => {
    const off = planTopology(loadScenarioOrThrow('public-nlb-proxy-protocol'), { injectLatency: false });
    expect(off.hops.every((h) => h.latency === null && h.crossAzLatency === null)).toBe(true);
    const on = planTopology(loadScenarioOrThrow('public-nlb-proxy-protocol'), { injectLatency: true });
    expect(on.hops[0].crossAzLatency).not.toBeNull(); // cross-zone on
    expect(planTopology(loadScenarioOrThrow('public-nlb'), { injectLatency: true }).hops[0].crossAzLatency).toBeNull();
  });

  it('cross-AZ: the catalog\'s one rule decides where latency is added; a gateway leaves it to the service pods', () => {
    // Gateways spread over every ready pod in every zone (no trafficDistribution); a real data plane cannot
    // add latency, so the echo adds the cross-AZ RTT on requests from a gateway pod in another AZ.
    const p = planTopology(loadScenarioOrThrow('public-nlb'), { injectLatency: true });
    const [, , gw, app] = p.hops;
    expect(gw.crossAzLatency).toBeNull();
    expect(app.crossAzLatency).toEqual({ medianMs: 0.6, p99Ms: 2 });
    expect(app.crossAzFrom).toEqual(gw.listeners.map((l) => ({ host: l.host, az: l.az })));
    // An ALB (cross-zone always on) is a lab process: it adds the RTT itself on flows to another AZ.
    const a = planTopology(loadScenarioOrThrow('alb-ingress-gateway'), { injectLatency: true });
    expect(a.hops[0].crossAzLatency).not.toBeNull();
    expect(a.hops[0].sameAzOnly).toBe(false);
    // Lattice reaches its targets from its own fleet: nothing added (its latency model covers it).
    expect(planTopology(loadScenarioOrThrow('lattice-gateway-api'), { injectLatency: true }).hops[0].crossAzLatency).toBeNull();
    // No injection run: nothing anywhere.
    expect(planTopology(loadScenarioOrThrow('public-nlb'), { injectLatency: false }).hops.every((h) => !h.crossAzLatency && !h.crossAzFrom.length)).toBe(true);
  });

  it('API Gateway, VPC link v1 and the PrivateLink NLB; lattice versions; WAF source marking', () => {
    const a = planTopology(loadScenarioOrThrow('apigw-nlb-gateway'), { injectLatency: true });
    expect(a.hops[0].listeners[0].host).toMatch(/^127\.40\./);
    expect(a.hops[0].tls).toBe(false); // the client speaks plain HTTP unless client.https
    expect(a.hops[1].listeners[0].host).toMatch(/^127\.21\./);
    expect(a.hops[2].inboundPrivateLink).toBe(true);
    const l = planTopology(loadScenarioOrThrow('lattice-gateway-api'), { injectLatency: true });
    expect(l.hops[0].listeners[0].host).toMatch(/^127\.254\.171\./);
    expect(l.hops[1].listeners.map((x) => x.version)).toEqual(['v1', 'v1', 'v2', 'v2']);
    const c = planTopology(loadScenarioOrThrow('cloudfront-waf-clb-nginx'), { injectLatency: true });
    expect(c.hops[0].forwardSourceToAttached).toBe(true);
    expect(c.hops[1].attachedToPrevious).toBe(true);
  });

  it('client sources skip .0 and .255', () => {
    const s = clientSources(300);
    expect(s[0]).toBe('127.1.0.1');
    expect(s[253]).toBe('127.1.0.254');
    expect(s[254]).toBe('127.1.1.1');
    expect(new Set(s).size).toBe(300);
  });

  it('seeded lognormal sampling is reproducible and centred on the median', () => {
    const a = lognormalSampler({ medianMs: 1, p99Ms: 5 }, seededRandom(42));
    const b = lognormalSampler({ medianMs: 1, p99Ms: 5 }, seededRandom(42));
    const xs = Array.from({ length: 20001 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs.slice(0, 5));
    const sorted = [...xs].sort((x, y) => x - y);
    expect(sorted[10000]).toBeGreaterThan(0.93);
    expect(sorted[10000]).toBeLessThan(1.07);
    expect(sorted[Math.floor(0.99 * 20001)]).toBeGreaterThan(4.3);
    expect(sorted[Math.floor(0.99 * 20001)]).toBeLessThan(5.8);
  });
});
