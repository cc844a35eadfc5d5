// Hand-derived cases for every component and every pitfall of facts/aws-pricing.md; each states its
// arithmetic. Amounts are exact (1e-18 USD).
import { describe, expect, it } from 'vitest';
import { componentTotal, lines, profile, scenario, usd } from './cost-helpers.ts';
import { priceScenarioExact } from '../../harness/cost/engine.ts';
import { loadPriceSnapshot } from '../../harness/cost/prices.ts';
import { httpApiMeteredRequests } from '../../harness/catalog/components/apigw-http.cost.ts';
import { vcpusOf } from '../../harness/cost/items/gateway-capacity.ts';

const NLB = (settings: string) => scenario(`    - component: nlb\n      settings: ${settings}\n    - component: kube-proxy`);
const ALB = (rules: number) => scenario(`    - component: alb\n      settings: { rulesEvaluated: ${rules} }`);

describe('pitfall 1: capacity units are the max over dimensions, per hour', () => {
  // 12 hours at 2x (bytes 2 LCU/h), 12 hours at 0 rate: per-hour max = 12 x 2 = 24 LCU-h per day.
  // Connections are flat at 1 LCU (25/s) all day: hours 0-11 = max(2, 1) = 2, hours 12-23 = max(0, 1) = 1
  // -> 36 LCU-h/day. The monthly-average shortcut (max(1 GB/h, 1) = 1 LCU) would give 24 LCU-h/day.
  it('feeds the 24-value shape hour by hour: 36 LCU-hours per day, not 24', () => {
    const shape = [...Array(12).fill(2), ...Array(12).fill(0)];
    const p = profile({ hoursPerMonth: 24, requestsPerSecond: 1e9 / 3600 / 1000, responseBytes: 1000, newConnectionsPerSecond: 25, hourlyShape: shape });
    // newConnections scale with the shape too: 2x at peak (2 LCU), 0 at night: both dims peak together -> 24.
    const lcu = lines(ALB(1), p, 'alb').find((l) => l.unit === 'LCU-hour')!;
    expect(lcu.quantity).toBeCloseTo(24, 9);
    // Flat connections (no shape on them) are modeled by a separate profile without shape: 1 LCU x 24 h.
    const flat = lines(ALB(1), profile({ hoursPerMonth: 24, newConnectionsPerSecond: 25 }), 'alb').find((l) => l.unit === 'LCU-hour')!;
    expect(flat.quantity).toBe(24);
  });

  it('dimensions are never added: 1 LCU of each of four dimensions is 1 LCU, not 4', () => {
    // 25 new/s, 3,000 active, 1 GB/h (1000/9 req/s x 2,500 B x 3,600 s), 1,000 evaluations/s (1000/9 x (19 - 10)).
    const rps = 1000 / 9;
    const l = lines(ALB(19), profile({ hoursPerMonth: 1, requestsPerSecond: rps, responseBytes: 2500, newConnectionsPerSecond: 25, activeConnections: 3000 }), 'alb')
      .find((x) => x.unit === 'LCU-hour')!;
    expect(l.quantity).toBe(1);
  });
});

describe('ALB: 10 free rules', () => {
  it('10 rules cost no rule LCU; 11 rules at 1,000 req/s are 1 LCU', () => {
    const p = profile({ hoursPerMonth: 1, requestsPerSecond: 1000 });
    expect(lines(ALB(10), p, 'alb').find((l) => l.unit === 'LCU-hour')!.quantity).toBe(0);
    expect(lines(ALB(11), p, 'alb').find((l) => l.unit === 'LCU-hour')!.quantity).toBe(1);
    // 60 rules at 5 req/s: 5 x 50 = 250 evaluations/s = 0.25 LCU (not 5 x 60 / 100 as infracost divides)
    expect(lines(ALB(60), profile({ hoursPerMonth: 1, requestsPerSecond: 5 }), 'alb').find((l) => l.unit === 'LCU-hour')!.quantity).toBe(0.25);
  });
  it('mutual TLS halves active connections per LCU and adds the trust store hour (uncertain price)', () => {
    const s = scenario('    - component: alb\n      settings: { mutualTls: true }');
    const l = lines(s, profile({ hoursPerMonth: 1, activeConnections: 3000 }), 'alb');
    expect(l.find((x) => x.unit === 'LCU-hour')!.quantity).toBe(2);
    expect(l.find((x) => x.unit === 'trust store-hour')!.uncertain).toBe(true);
  });
});

describe('pitfall 3: NLB dimensions depend on the listener protocol', () => {
  const p = profile({ hoursPerMonth: 1, newConnectionsPerSecond: 100, activeConnections: 3000 });
  it('TLS: 100 new/s / 50 = 2 NLCU; TCP: max(100/800, 3000/100000) = 0.125 NLCU', () => {
    expect(lines(NLB('{ listener: TLS }'), p, 'nlb').find((l) => l.unit === 'NLCU-hour')!.quantity).toBe(2);
    expect(lines(NLB('{ listener: TCP }'), p, 'nlb').find((l) => l.unit === 'NLCU-hour')!.quantity).toBe(0.125);
  });
  it('TLS active connections: 3,000 per NLCU (3,000 active = 1 NLCU)', () => {
    expect(lines(NLB('{ listener: TLS }'), profile({ hoursPerMonth: 1, activeConnections: 6000 }), 'nlb').find((l) => l.unit === 'NLCU-hour')!.quantity).toBe(2);
  });
  it('cross-zone on adds cross-AZ data: 2/3 of bytes cross with 3 AZs, $0.01 out + $0.01 in', () => {
    // 1 GB/h for 730 h = 730 GB; 2/3 cross = 486.67 GB; x 2 directions x $0.01 = $9.7333...
    const pp = profile({ requestsPerSecond: 1e9 / 3600 / 1e6, responseBytes: 1_000_000 });
    const on = lines(scenario('    - component: nlb\n      settings: { crossZone: true }\n    - component: kube-proxy\n      settings: { externalTrafficPolicy: Local }'), pp, 'cross-az');
    expect(on).toHaveLength(1);
    expect(on[0].quantity).toBeCloseTo(973.333333333, 6);
    expect(lines(scenario('    - component: nlb\n    - component: kube-proxy\n      settings: { externalTrafficPolicy: Local }'), pp, 'cross-az')).toHaveLength(0);
  });
});

describe('pitfall 2 and 4: month length and partial hours', () => {
  it('hoursPerMonth 100.5 bills 101 load-balancer hours', () => {
    expect(lines(NLB('{}'), profile({ hoursPerMonth: 100.5 }), 'nlb').find((l) => l.unit === 'NLB-hour')!.quantity).toBe(101);
  });
  it('but 100.5 hours of usage: 1,000 req/s for 100.5 h = 361.8M REST calls = 333M x $3.50 + 28.8M x $2.80 = $1,246.14', () => {
    const s = scenario('    - component: apigw-rest\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    const p = profile({ hoursPerMonth: 100.5, requestsPerSecond: 1000, responseBytes: 1_000_000 });
    expect(lines(s, p, 'apigw-rest').reduce((a, l) => a + l.quantity, 0)).toBeCloseTo(361.8, 9);
    expect(componentTotal(s, p, 'apigw-rest')).toBe(usd('1246.14'));
    // NLCU: 3.6 TB/h = 3,600 NLCU in each of the 100.5 hours; the NLB's own hourly fee bills 101
    expect(lines(s, p, 'nlb').find((l) => l.unit === 'NLCU-hour')!.quantity).toBe(361_800);
    expect(lines(s, p, 'nlb').find((l) => l.unit === 'NLB-hour')!.quantity).toBe(101);
  });
  it('the bill states its month length', () => {
    expect(priceScenarioExact(NLB('{}'), profile()).result.assumptions.join('\n')).toMatch(/month: usage counted over exactly 730 hours.*hourly fees bill 730 hours/);
  });
});

describe('pitfall 5: HTTP API metering in 512 KB increments', () => {
  it('512 KB (512,000 bytes) meters as 1, one byte more as 2, 513 KB as 2, 0 bytes as 1', () => {
    expect(httpApiMeteredRequests(512_000)).toBe(1);
    expect(httpApiMeteredRequests(512_001)).toBe(2);
    expect(httpApiMeteredRequests(513_000)).toBe(2);
    expect(httpApiMeteredRequests(512 * 1024)).toBe(2); // 512 KiB is more than 512 KB
    expect(httpApiMeteredRequests(0)).toBe(1);
  });
  it('the bill states which KB it meters in, with its source', () => {
    const s = scenario('    - component: apigw-http\n    - component: vpc-link\n      settings: { version: v2 }\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    expect(priceScenarioExact(s, profile()).result.assumptions.join('\n')).toMatch(/HTTP API metering: "512 KB increments" \(aws\.amazon\.com\/api-gateway\/pricing\/\) read as 512 KB = 512,000 bytes/);
    expect(priceScenarioExact(NLB('{}'), profile()).result.assumptions.join('\n')).not.toMatch(/HTTP API metering/);
  });
  it('1M requests of 513 KB bill 2M metered requests: $2.00', () => {
    const s = scenario('    - component: apigw-http\n    - component: vpc-link\n      settings: { version: v2 }\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    const p = profile({ requestsPerSecond: 1e6 / (730 * 3600), requestBytes: 513_000 });
    expect(componentTotal(s, p, 'apigw-http')).toBe(usd('2'));
  });
});

describe('pitfall 8: Lattice free allowance is per hour per service', () => {
  const s = scenario('    - component: lattice');
  it('a flat 100 req/s (360,000/h) bills 60,000/h: 730 x 0.06M x $0.10 = $4.38', () => {
    const l = lines(s, profile({ requestsPerSecond: 100 }), 'lattice').find((x) => x.unit === 'million requests')!;
    expect(l.money).toBe(usd('4.38'));
  });
  it('a mean under the allowance still pays at the peak: 12 h at 150 req/s (540,000/h), 12 h idle', () => {
    // mean 75 req/s = 270,000/h (monthly-average reasoning: free); per hour: 12 x 240,000 = 2.88M/day.
    const p = profile({ requestsPerSecond: 75, hoursPerMonth: 24, hourlyShape: [...Array(12).fill(1), ...Array(12).fill(0)] });
    const l = lines(s, p, 'lattice').find((x) => x.unit === 'million requests')!;
    expect(l.quantity).toBeCloseTo(2.88, 9);
  });
  it('service hours $0.025 and GB $0.025; per Service when no gateway is behind it', () => {
    const per = scenario('    - component: lattice', '{ nodes: 3, azs: 3, services: 4 }');
    expect(lines(per, profile({ hoursPerMonth: 1 }), 'lattice').find((x) => x.unit === 'service-hour')!.money).toBe(usd('0.1'));
  });
});

describe('pitfall 9: tier boundaries', () => {
  const pub = NLB('{}');
  const gbToRps = (gb: number) => (gb * 1e9) / (730 * 3600 * 1e6);
  it('data out: exactly 10,240 GB stays in the first tier ($921.60); 10,241 GB puts 1 GB at $0.085', () => {
    const at = lines(pub, profile({ requestsPerSecond: gbToRps(10240), responseBytes: 1_000_000 }), 'data-transfer');
    expect(at).toHaveLength(1);
    expect(at[0].money).toBe(usd('921.6'));
    const over = lines(pub, profile({ requestsPerSecond: gbToRps(10241), responseBytes: 1_000_000 }), 'data-transfer');
    expect(over.map((l) => l.quantity)).toEqual([10240, 1]);
    expect(over.reduce((a, l) => a + l.money, 0n)).toBe(usd('921.685'));
  });
  it('REST API: 1.5 billion requests = 333M x $3.50 + 667M x $2.80 + 500M x $2.38 = $4,223.10', () => {
    const s = scenario('    - component: apigw-rest\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    expect(componentTotal(s, profile({ requestsPerSecond: 1.5e9 / (730 * 3600) }), 'apigw-rest')).toBe(usd('4223.1'));
  });
  it('REST API cache 1.6 GB: $0.038/h x 730 = $27.74', () => {
    const s = scenario('    - component: apigw-rest\n      settings: { cacheGb: 1.6 }\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    expect(lines(s, profile(), 'apigw-rest').find((l) => l.unit === 'cache-hour')!.money).toBe(usd('27.74'));
  });
  it('CloudFront Japan: 20,000 GB = 10,240 x $0.114 + 9,760 x $0.089 = $2,036.00 (its own second tier)', () => {
    const s = scenario('    - component: cloudfront\n      settings: { geography: japan }\n    - component: clb\n      settings: { listener: http }\n    - component: kube-proxy');
    const out = lines(s, profile({ requestsPerSecond: gbToRps(20000), responseBytes: 1_000_000 }), 'cloudfront').filter((l) => l.unit === 'GB' && l.item.startsWith('data out'));
    expect(out.map((l) => l.quantity)).toEqual([10240, 9760]);
    expect(out.reduce((a, l) => a + l.money, 0n)).toBe(usd('2036'));
  });
  it('a CloudFront price missing from the snapshot is an error naming the component, the price and the region', () => {
    const s = scenario('    - component: cloudfront\n      settings: { geography: japan }\n    - component: clb\n      settings: { listener: http }\n    - component: kube-proxy');
    const snap = loadPriceSnapshot('us-east-1');
    const { ['cloudfront.data-out.japan']: _gone, ...rest } = snap.prices;
    expect(() => priceScenarioExact(s, profile(), { ...snap, prices: rest })).toThrow(/component cloudfront, price "cloudfront.data-out.japan".*region us-east-1/);
  });
});

describe('CloudFront, WAF, Classic LB, VPC link, baseline items', () => {
  it('CloudFront: 10M HTTPS requests (US) = 1,000 x $0.01 = $10; 1 TB out = 1,024 GB x $0.085; no EC2 data out', () => {
    const s = scenario('    - component: cloudfront\n    - component: clb\n      settings: { listener: http }\n    - component: kube-proxy');
    const p = profile({ requestsPerSecond: 1e7 / (730 * 3600), responseBytes: 102_400 });
    const cf = lines(s, p, 'cloudfront');
    expect(cf.find((l) => l.item.startsWith('HTTPS requests'))!.money).toBe(usd('10'));
    expect(cf[0].money).toBe(usd('87.04'));
    expect(lines(s, p, 'data-transfer')).toHaveLength(0);
    // always-free covers exactly that
    expect(componentTotal(s, { ...p, freeTiers: { alwaysFree: true, newAccount12Months: false } }, 'cloudfront')).toBe(0n);
  });
  it('WAF: $5 ACL + 5 rules x $1 + 10M requests x $0.60/M = $16; prorated over 365 h = half', () => {
    const s = scenario('    - component: alb\n    - component: waf\n      settings: { rules: 5 }');
    expect(componentTotal(s, profile({ requestsPerSecond: 1e7 / (730 * 3600) }), 'waf')).toBe(usd('16'));
    expect(componentTotal(s, profile({ hoursPerMonth: 365 }), 'waf')).toBe(usd('5'));
  });
  it('WAF in a 744-hour month run in full is one month: $5.00 per ACL (not 744/730 x $5 = $5.10), $1.00 per rule', () => {
    const s = scenario('    - component: alb\n    - component: waf\n      settings: { rules: 5 }');
    const l = lines(s, profile({ hoursPerMonth: 744 }), 'waf');
    expect(l.find((x) => x.item === 'web ACL')!.money).toBe(usd('5'));
    expect(l.find((x) => x.unit === 'rule-month')!.money).toBe(usd('5'));
    // half of a 744-hour month: $2.50; 100.5 h of the average month bill 101/730 of it
    expect(lines(s, profile({ hoursPerMonth: 372, monthLengthHours: 744 }), 'waf').find((x) => x.item === 'web ACL')!.money).toBe(usd('2.5'));
    expect(lines(s, profile({ hoursPerMonth: 100.5 }), 'waf').find((x) => x.item === 'web ACL')!.quantity).toBeCloseTo(101 / 730, 9);
  });
  it('Classic LB: $0.025/h + $0.008/GB; one per Service (5 Services = 5 x $18.25 hours)', () => {
    const s = scenario('    - component: clb\n    - component: kube-proxy', '{ nodes: 3, azs: 3, services: 5 }');
    const l = lines(s, profile({ requestsPerSecond: 1e9 / (730 * 3600 * 1000), responseBytes: 1000 }), 'clb');
    expect(l[0].money).toBe(usd('91.25'));
    expect(l[1].money).toBe(usd('0.008')); // 1 GB processed in total across the 5
  });
  it('CloudFront Japan: 10,000 GB x $0.114, 1,000 x 10k HTTPS requests x $0.012, origin bytes of POSTs only x $0.060', () => {
    const s = scenario('    - component: cloudfront\n      settings: { geography: japan }\n    - component: clb\n      settings: { listener: http }\n    - component: kube-proxy');
    const p = profile({ requestsPerSecond: 1e7 / (730 * 3600), responseBytes: 1_000_000, requestBytes: 10_000, methodMix: { GET: 0.8, POST: 0.2 } });
    const cf = lines(s, p, 'cloudfront');
    expect(cf.find((l) => l.item.startsWith('data out'))!.money).toBe(usd('1140'));
    expect(cf.find((l) => l.item.startsWith('HTTPS requests'))!.money).toBe(usd('12'));
    // 1e7 requests x 20% POST x 10,000 B = 20 GB x $0.060 (Japan's origin price; the US one is $0.020)
    const origin = cf.find((l) => l.item.startsWith('data transfer out to origin'))!;
    expect(origin.quantity).toBeCloseTo(20, 9);
    expect(origin.money).toBe(usd('1.2'));
    expect(origin.note).toMatch(/DELETE, OPTIONS, PATCH, POST and PUT requests only; profile methodMix: 20%/);
  });
  it('CloudFront bills no origin bytes for GET and HEAD, and all of them (an upper bound, said) without a method mix', () => {
    const s = scenario('    - component: cloudfront\n    - component: clb\n      settings: { listener: http }\n    - component: kube-proxy');
    const base = { requestsPerSecond: 1e7 / (730 * 3600), requestBytes: 10_000 };
    const origin = (p: ReturnType<typeof profile>) => lines(s, p, 'cloudfront').find((l) => l.item.startsWith('data transfer out to origin'))!;
    expect(origin(profile({ ...base, methodMix: { GET: 0.9, HEAD: 0.1 } })).money).toBe(0n);
    expect(origin(profile({ ...base, methodMix: { GET: 0.5, PUT: 0.2, PATCH: 0.1, DELETE: 0.1, OPTIONS: 0.1 } })).quantity).toBeCloseTo(50, 9);
    const all = origin(profile(base));
    expect(all.money).toBe(usd('2')); // 100 GB x $0.020 (US)
    expect(priceScenarioExact(s, profile(base)).result.assumptions.join('\n')).toMatch(/no methodMix in the profile: every request .* upper bound/);
  });
  it('CloudFront request prices for all nine geographies (HTTPS per 10,000)', () => {
    const want: Record<string, string> = { us: '0.01', europe: '0.012', 'middle-east': '0.012', africa: '0.012', 'south-america': '0.022', japan: '0.012', australia: '0.0125', 'asia-pacific': '0.012', india: '0.012' };
    for (const [geography, per10k] of Object.entries(want)) {
      const s = scenario(`    - component: cloudfront\n      settings: { geography: ${geography} }\n    - component: clb\n      settings: { listener: http }\n    - component: kube-proxy`);
      const l = lines(s, profile({ requestsPerSecond: 1e4 / (730 * 3600) }), 'cloudfront').find((x) => x.item.startsWith('HTTPS requests'))!;
      expect(l.money, geography).toBe(usd(per10k));
    }
  });
  it('a private REST API pays PrivateLink: 3 AZs x 730 x $0.01 = $21.90 + 1,000 GB x $0.01 = $10, and no data out', () => {
    const s = scenario('    - component: apigw-rest\n      settings: { endpointType: private }\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    // 1M requests of 1,000 + 999,000 bytes = 1,000 GB through the execute-api endpoint
    const p = profile({ requestsPerSecond: 1e6 / (730 * 3600), requestBytes: 1000, responseBytes: 999_000 });
    const pl = lines(s, p, 'privatelink');
    expect(pl.map((l) => [l.item, l.quantity, l.unit])).toEqual([
      ['execute-api interface endpoint (3 AZs)', 2190, 'endpoint AZ-hour'],
      ['execute-api endpoint data processed (first 1,000,000 GB)', 1000, 'GB'],
    ]);
    expect(componentTotal(s, p, 'privatelink')).toBe(usd('31.9'));
    expect(lines(s, p, 'data-transfer')).toHaveLength(0);
    // a regional API has neither
    expect(lines(scenario('    - component: apigw-rest\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy'), p, 'privatelink')).toHaveLength(0);
  });
  it('VPC link has its own zero line saying why', () => {
    const s = scenario('    - component: apigw-rest\n    - component: vpc-link\n    - component: nlb\n      settings: { scheme: internal }\n    - component: kube-proxy');
    const v = lines(s, profile(), 'vpc-link');
    expect(v[0].money).toBe(0n);
    expect(v[0].note).toMatch(/no separate fee/);
  });
  it('EKS $0.10/h, NAT $0.045/h + $0.045/GB, Route 53 $0.50 zone', () => {
    const p = profile({ cluster: { controlPlane: 'standard', natGateways: 2, natProcessedGbPerMonth: 100 } });
    const s = NLB('{}');
    expect(componentTotal(s, p, 'eks')).toBe(usd('73'));
    expect(componentTotal(s, p, 'nat')).toBe(usd('70.2')); // 2 x 730 x 0.045 + 100 x 0.045
    expect(componentTotal(s, p, 'route53')).toBe(usd('0.5'));
  });
  it('gateway replicas scale with the rate per hour: 12,000 req/s at 5,000 per replica = 3 replicas x 0.5 m6i.large', () => {
    const s = scenario('    - component: nlb\n    - component: kube-proxy\n      settings: { externalTrafficPolicy: Local }\n    - component: envoy-gateway');
    expect(componentTotal(s, profile({ hoursPerMonth: 1, requestsPerSecond: 12_000 }), 'envoy-gateway')).toBe(usd('0.144'));
  });
});

describe('vCPUs per instance type (gateway replica share of a node)', () => {
  it('burstable types have 2 vCPUs from nano to large (t2: 1 up to small); other medium sizes 1; large 2, xlarge 4, Nxlarge 4N', () => {
    expect(['t3.medium', 't4g.medium', 't3a.medium', 't3.nano', 't3.small', 't2.medium'].map(vcpusOf)).toEqual([2, 2, 2, 2, 2, 2]);
    expect(['t2.micro', 'm6g.medium', 'c7g.medium'].map(vcpusOf)).toEqual([1, 1, 1]);
    expect(['m6i.large', 'c6i.xlarge', 'm6i.4xlarge', 't3.2xlarge'].map(vcpusOf)).toEqual([2, 4, 16, 8]);
    expect(vcpusOf('m6i.metal')).toBeUndefined();
  });
  it('an instance type the lab cannot size is a clear error naming the hop', () => {
    const s = scenario('    - component: nlb\n    - component: kube-proxy\n      settings: { externalTrafficPolicy: Local }\n    - component: envoy-gateway\n      settings: { instanceType: m6i.metal }');
    expect(() => priceScenarioExact(s, profile())).toThrow(/hop envoy-gateway \(envoy-gateway\): cannot tell the vCPU count of instance type m6i.metal/);
  });
});

describe('pitfall 6: free tiers are off unless the profile says so', () => {
  it('12-month tier removes 750 ALB hours and 15 LCU only when asked', () => {
    const p = profile({ activeConnections: 3000 });
    expect(componentTotal(ALB(1), p, 'alb')).toBe(usd('22.265')); // 730 x 0.0225 + 730 x 0.008
    expect(componentTotal(ALB(1), { ...p, freeTiers: { alwaysFree: false, newAccount12Months: true } }, 'alb')).toBe(usd('5.72')); // (730 - 15) x 0.008
  });
});

describe('regions and missing prices', () => {
  it('eu-west-1 uses its own (uncertain) hourly price', () => {
    const s = NLB('{}');
    const eu = priceScenarioExact(s, profile({ region: 'eu-west-1' }), loadPriceSnapshot('eu-west-1'));
    expect(eu.lines.find((l) => l.unit === 'NLB-hour')!.money).toBe(usd('18.396'));
    expect(eu.result.assumptions.join('\n')).toMatch(/uncertain prices used for: load balancer hours/);
  });
  it('a price missing from the snapshot names the component, the price and the region', () => {
    const snap = loadPriceSnapshot('us-east-1');
    const { ['nlb.nlcu-hour']: _gone, ...rest } = snap.prices;
    expect(() => priceScenarioExact(NLB('{}'), profile(), { ...snap, prices: rest })).toThrow(/missing price: component nlb, price "nlb.nlcu-hour", region us-east-1/);
  });
});
