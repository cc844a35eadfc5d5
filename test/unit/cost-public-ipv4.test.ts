// Public IPv4 addresses ($0.005 per address-hour, billed under Amazon VPC): what each internet-facing load
// balancer and NAT gateway holds, hand-derived. Amounts are exact (1e-18 USD).
import { describe, expect, it } from 'vitest';
import { componentTotal, lines, profile, scenario, usd } from './cost-helpers.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { loadProfile, priceScenarioExact } from '../../harness/cost/index.ts';

const ipv4 = (s: ReturnType<typeof scenario>, p = profile()) => lines(s, p, 'public-ipv4');

describe('public IPv4 addresses of load balancers', () => {
  it('an internet-facing NLB in 3 AZs: 3 x 730 x $0.005 = $10.95, its own line with the unit in its name', () => {
    const l = ipv4(scenario('    - component: nlb\n    - component: kube-proxy'));
    expect(l).toHaveLength(1);
    expect(l[0]).toMatchObject({ component: 'public-ipv4', item: 'nlb: 3 addresses', quantity: 2190, unit: 'address-hour', unitPriceUsd: 0.005 });
    expect(l[0].money).toBe(usd('10.95'));
    expect(l[0].note).toMatch(/one Elastic IP per AZ subnet/);
  });
  it('is two thirds of the NLB\'s own hourly line ($16.425) and does not change the NLB component', () => {
    const s = scenario('    - component: nlb\n    - component: kube-proxy');
    expect(lines(s, profile(), 'nlb').find((l) => l.unit === 'NLB-hour')!.money).toBe(usd('16.425'));
    expect(componentTotal(s, profile(), 'public-ipv4') * 3n).toBe(usd('32.85'));
  });
  it('an internal load balancer holds no public address', () => {
    expect(ipv4(scenario('    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy'))).toHaveLength(0);
    expect(ipv4(scenario('    - component: alb\n      settings: { scheme: internal }'))).toHaveLength(0);
    expect(ipv4(scenario('    - component: clb\n      settings: { scheme: internal }\n    - component: kube-proxy'))).toHaveLength(0);
  });
  it('an ALB spans two AZs at least: in a one-AZ cluster it still holds 2 addresses, 2 x 730 x $0.005 = $7.30', () => {
    const l = ipv4(scenario('    - component: alb', '{ nodes: 1, azs: 1, services: 1 }'));
    expect(l[0].item).toBe('alb: 2 addresses');
    expect(l[0].money).toBe(usd('7.3'));
    expect(ipv4(scenario('    - component: alb'))[0].money).toBe(usd('10.95'));
  });
  it('Classic LB per Service: 5 Services x 3 AZs = 15 addresses, 15 x 730 x $0.005 = $54.75', () => {
    const l = ipv4(scenario('    - component: clb\n    - component: kube-proxy', '{ nodes: 3, azs: 3, services: 5 }'));
    expect(l[0].item).toBe('clb: 15 addresses');
    expect(l[0].money).toBe(usd('54.75'));
    expect(l[0].note).toMatch(/x 5 \(one load balancer per Service\)/);
    // the shipped scenario: the same 15 addresses
    expect(componentTotal(loadScenarioOrThrow('clb-per-service'), { ...profile(), cluster: { controlPlane: 'none', natGateways: 0, natProcessedGbPerMonth: 0 } }, 'public-ipv4')).toBe(usd('54.75'));
  });
  it('partial hours bill as full hours for an address: 100.5 h bills 101 address-hours per address', () => {
    expect(ipv4(scenario('    - component: nlb\n    - component: kube-proxy'), profile({ hoursPerMonth: 100.5 }))[0].quantity).toBe(303);
  });
});

describe('public IPv4 addresses of NAT gateways', () => {
  it('one Elastic IP per NAT gateway: 2 x 730 x $0.005 = $7.30, whatever the topology', () => {
    const p = profile({ cluster: { controlPlane: 'none', natGateways: 2, natProcessedGbPerMonth: 0 } });
    for (const s of [scenario('    - component: lattice'), scenario('    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy')]) {
      const l = ipv4(s, p);
      expect(l).toHaveLength(1);
      expect(l[0]).toMatchObject({ item: 'nat-gateway: 2 addresses', quantity: 1460 });
      expect(l[0].money).toBe(usd('7.3'));
    }
    expect(ipv4(scenario('    - component: lattice'))).toHaveLength(0);
  });
});

describe('rankings', () => {
  it('with the small profile, public IPv4 puts the per-Service Classic LBs further behind a single NLB', () => {
    const small = loadProfile('profiles/small.yaml');
    const total = (n: string) => priceScenarioExact(loadScenarioOrThrow(n), small).total;
    const v4 = (n: string) => priceScenarioExact(loadScenarioOrThrow(n), small).lines.filter((l) => l.component === 'public-ipv4').reduce((a, l) => a + l.money, 0n);
    // clb-per-service: 15 LB addresses + 1 NAT; public-nlb: 3 + 1; lattice: 1 (NAT only)
    expect(v4('clb-per-service')).toBe(usd('58.4'));
    expect(v4('public-nlb')).toBe(usd('14.6'));
    expect(v4('lattice-gateway-api')).toBe(usd('3.65'));
    expect(total('clb-per-service') - total('public-nlb')).toBeGreaterThan(usd('40'));
  });
});
