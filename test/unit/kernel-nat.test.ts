import { describe, it, expect } from 'vitest';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { planTopology } from '../../harness/providers/local/topology.ts';
import { composeSegment, kernelSegments, natRules } from '../../harness/providers/local/kernel-nat.ts';
import type { BoundListener } from '../../harness/emulation/spec.ts';

/** Listeners with ports as a provisioning would bind them (port 0 inside a segment: nobody listens there). */
function boundOf(name: string) {
  const plan = planTopology(loadScenarioOrThrow(name), { injectLatency: false });
  const bound: BoundListener[][] = plan.hops.map((hp, i) => hp.listeners.map((l, k) => ({ host: l.host, port: 8000 + i * 10 + k, az: l.az, node: l.node, version: l.version })));
  return { plan, bound };
}

describe('kernel NAT plan (pure: catalog facets -> iptables rules)', () => {
  it('public-nlb: NLB -> kube-proxy (ETP Local) collapse into one segment; each NLB node reaches the gateway pod on its own node, source kept', () => {
    const { plan, bound } = boundOf('public-nlb');
    expect(kernelSegments(plan)).toEqual([[0, 1]]);
    const seg = composeSegment(plan, bound, 0, 1);
    const byEntry = Object.fromEntries(seg.entries.map((e) => [e.listener.host, e.paths]));
    // Cross-zone off + ETP=Local: AZ1's NLB node -> node 1 -> the gateway pod on node 1, the client's address kept.
    expect(byEntry['127.20.1.1']).toEqual([{ probability: 1, target: { host: '127.23.1.1', port: 8020 }, source: null, via: ['127.20.1.1', '127.22.1.1'] }]);
    expect(byEntry['127.20.2.1'][0].target.host).toBe('127.23.2.1');
    // Node 3 runs no gateway pod: ETP=Local fails its health check, so AZ3's NLB node has no target.
    expect(byEntry['127.20.3.1']).toEqual([]);
  });

  it('ETP=Cluster: any pod, evenly, with the receiving node\'s address as source (MASQUERADE)', () => {
    const { plan, bound } = boundOf('public-nlb-etp-cluster');
    const [first, last] = kernelSegments(plan)[0];
    const seg = composeSegment(plan, bound, first, last);
    const paths = seg.entries[0].paths;
    expect(paths.reduce((s, p) => s + p.probability, 0)).toBeCloseTo(1, 9);
    expect(paths.every((p) => p.source?.startsWith('127.22.'))).toBe(true);
    expect(new Set(paths.map((p) => p.target.host)).size).toBe(bound[last + 1].length);
  });

  it('NLB ip targets without client IP preservation: the NLB node address is the source', () => {
    const { plan, bound } = boundOf('public-nlb-ip-targets');
    const [first, last] = kernelSegments(plan)[0];
    const seg = composeSegment(plan, bound, first, last);
    for (const e of seg.entries) for (const p of e.paths) expect(p.source).toBe(e.listener.host);
  });

  it('hops that write into the stream stay processes: PROXY v2 and a TLS-terminating entry are not kernel NAT', () => {
    const pp = planTopology(loadScenarioOrThrow('public-nlb-proxy-protocol'), { injectLatency: false });
    expect(kernelSegments(pp).some(([a]) => pp.hops[a].hop.component === 'nlb')).toBe(false);
    const tls = planTopology(loadScenarioOrThrow('public-nlb-tls'), { injectLatency: false });
    expect(kernelSegments(tls).some(([a]) => a === 0)).toBe(false);
  });

  it('API Gateway -> VPC link -> NLB -> kube-proxy: behind the L7 hop, one segment of three kernel hops', () => {
    const plan = planTopology(loadScenarioOrThrow('apigw-nlb-gateway'), { injectLatency: false });
    const segs = kernelSegments(plan);
    expect(segs).toHaveLength(1);
    expect(plan.hops.slice(segs[0][0], segs[0][1] + 1).map((h) => h.hop.component)).toEqual(['vpc-link', 'nlb', 'kube-proxy']);
  });

  it('rules: statistic balancing as kube-proxy writes it, SNAT tied to its path by a mark, and an exact removal', () => {
    const seg = {
      first: 0,
      last: 1,
      entries: [
        {
          listener: { host: '127.20.1.1', port: 80 },
          paths: [
            { probability: 0.25, target: { host: '127.23.1.1', port: 9000 }, source: '127.22.1.1', via: [] },
            { probability: 0.25, target: { host: '127.23.2.1', port: 9000 }, source: '127.22.1.1', via: [] },
            { probability: 0.5, target: { host: '127.23.3.1', port: 9000 }, source: null, via: [] },
          ],
        },
      ],
    };
    const r = natRules([seg], 'XL7', 0x1000);
    const lines = r.install.split('\n');
    expect(lines[0]).toBe('*nat');
    expect(lines).toContain('-A OUTPUT -d 127.20.1.1/32 -p tcp -m tcp --dport 80 -j XL7-E0');
    expect(lines).toContain('-A XL7-E0 -m statistic --mode random --probability 0.2500000000 -j XL7-P0');
    // 0.25 of what is left (0.75) is 1/3.
    expect(lines).toContain('-A XL7-E0 -m statistic --mode random --probability 0.3333333333 -j XL7-P1');
    expect(lines).toContain('-A XL7-E0 -j XL7-P2');
    expect(lines).toContain('-A XL7-P0 -j MARK --set-xmark 0x1000/0xffffffff');
    expect(lines).toContain('-A XL7-SNAT -m mark --mark 0x1000 -p tcp -j SNAT --to-source 127.22.1.1');
    expect(lines.filter((l) => l.startsWith('-A XL7-P2'))).toEqual(['-A XL7-P2 -p tcp -j DNAT --to-destination 127.23.3.1:9000']);
    expect(lines).toContain('-A POSTROUTING -j XL7-SNAT');
    expect(r.remove).toContain('-D OUTPUT -d 127.20.1.1/32 -p tcp -m tcp --dport 80 -j XL7-E0');
    expect(r.remove).toContain('-D POSTROUTING -j XL7-SNAT');
    for (const c of r.chains) expect(r.remove).toContain(`-X ${c}`);
    expect(() => natRules([seg], 'bad prefix!', 1)).toThrow(/prefix/);
  });
});
