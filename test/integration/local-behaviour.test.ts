// Catalog behaviours reproduced by the local emulation with real traffic: broken-by-design PROXY setups,
// Lattice weights, API Gateway throttle / timeout / payload limits, WAF rules, spoofable configurations,
// TLS termination, and agreement with the catalog's prediction for every scenario in scenarios/.
import { describe, it, expect, afterEach } from 'vitest';
import { loadScenarioText } from '../../harness/scenario/load.ts';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { provisionLocal, type LocalOptions } from '../../harness/providers/local/index.ts';
import { predictClientIp, describeAddress } from '../../harness/analysis/predict.ts';
import { probe } from '../../harness/measure/probe.ts';
import { runSpoofProbes } from '../../harness/measure/spoof.ts';
import { weightSplit, splitMatches } from '../../harness/analysis/weights.ts';
import type { Realized } from '../../harness/providers/types.ts';
import type { Scenario } from '../../harness/scenario/model.ts';

const base = { runId: 'test-behaviour', injectLatency: false, seed: 11, log: () => {} };
let live: Realized[] = [];
afterEach(async () => {
  await Promise.all(live.map((r) => r.teardown()));
  live = [];
});

async function up(s: Scenario, opts: Partial<typeof base> = {}, local: LocalOptions = { gatewayRealization: 'builtin' }): Promise<Realized> {
  const r = await provisionLocal(s, { ...base, ...opts }, local);
  live.push(r);
  return r;
}

function variant(chain: unknown[], name = 'variant'): Scenario {
  const doc = {
    apiVersion: 'exposure-lab.dev/v1alpha1',
    kind: 'Scenario',
    metadata: { name, title: name, description: 'test variant', tradeoffs: { waf: '-', tls: '-', certificates: '-', podAwareRouting: '-', redundancy: '-' } },
    spec: { cluster: { nodes: 3, azs: 3 }, chain: [{ component: 'client', settings: { sources: 16 } }, ...chain] },
  };
  const { scenario, diagnostics } = loadScenarioText(JSON.stringify(doc), `${name}.yaml`);
  if (!scenario) throw new Error(diagnostics.map((d) => d.message).join('; '));
  return scenario;
}

describe('local emulation behaviours (real traffic)', () => {
  it('PROXY v2 on the NLB but not parsed by the gateway: every request fails with 400', async () => {
    const s = variant([
      { component: 'nlb', settings: { targetType: 'instance', proxyProtocol: 'v2' } },
      { component: 'kube-proxy', settings: { externalTrafficPolicy: 'Cluster' } },
      { component: 'envoy-gateway', settings: { proxyProtocol: false } },
      { component: 'service' },
    ]);
    const r = await up(s);
    for (const source of r.sources.slice(0, 4)) expect((await probe({ target: r.entry, source })).status).toBe(400);
  });

  it('gateway requires PROXY but nothing sends it: the connection is closed without a response', async () => {
    const s = variant([
      { component: 'nlb', settings: { targetType: 'instance' } },
      { component: 'kube-proxy', settings: { externalTrafficPolicy: 'Local' } },
      { component: 'envoy-gateway', settings: { proxyProtocol: true } },
      { component: 'service' },
    ]);
    const r = await up(s);
    const res = await probe({ target: r.entry, source: r.sources[0] });
    expect(res.status).toBeNull();
  });

  it('lattice-gateway-api: measured 75/25 split, configured weights inside the 95% intervals', async () => {
    const s = loadScenarioOrThrow('lattice-gateway-api');
    const r = await up(s);
    const tallies: Record<string, number> = {};
    for (let i = 0; i < 400; i++) {
      const res = await probe({ target: r.entry, source: r.sources[i % r.sources.length] });
      expect(res.status).toBe(200);
      const v = res.headers['x-lab-version'];
      tallies[v] = (tallies[v] ?? 0) + 1;
    }
    const split = weightSplit(tallies, s.hops[1].settings.routes);
    expect(split.map((x) => x.version)).toEqual(['v1', 'v2']);
    expect(split[0].count + split[1].count).toBe(400);
    expect(splitMatches(split)).toBe(true);
  });

  it('API Gateway: burst exhausted gives 429, oversized payload 413, slow integration 504', async () => {
    const s = variant([
      { component: 'apigw-rest', settings: { throttle: { rateRps: 0.01, burst: 3 }, timeoutS: 0.2 } },
      { component: 'vpc-link' },
      { component: 'nlb', settings: { scheme: 'internal' } },
      { component: 'kube-proxy', settings: { externalTrafficPolicy: 'Local' } },
      { component: 'service' },
    ]);
    const r = await up(s, {}, { throttleScale: 1 });
    const statuses: Array<number | null> = [];
    for (let i = 0; i < 5; i++) statuses.push((await probe({ target: r.entry, source: r.sources[i] })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);

    const big = variant([{ component: 'apigw-http' }, { component: 'vpc-link', settings: { version: 'v2' } }, { component: 'nlb', settings: { scheme: 'internal' } }, { component: 'kube-proxy', settings: { externalTrafficPolicy: 'Local' } }, { component: 'service' }], 'payload');
    const r2 = await up(big);
    expect((await probe({ target: r2.entry, source: r2.sources[0], headers: [['content-length', String(11 * 1024 * 1024)]] })).status).toBe(413);

    const slow = variant([
      { component: 'apigw-rest', settings: { timeoutS: 0.2 } },
      { component: 'vpc-link' },
      { component: 'nlb', settings: { scheme: 'internal' } },
      { component: 'kube-proxy', settings: { externalTrafficPolicy: 'Local' } },
      { component: 'service', settings: { processingMs: 2000 } },
    ], 'slow');
    const r3 = await up(slow, { injectLatency: true });
    expect((await probe({ target: r3.entry, source: r3.sources[0] })).status).toBe(504);
  });

  it('WAF: a block rule and the rate-based rule answer 403, per source', async () => {
    const s = variant([
      { component: 'alb', settings: { https: false } },
      { component: 'waf', settings: { blockRules: [{ name: 'bad-bot', header: 'user-agent', contains: 'badbot' }], rateLimitPer5Min: 10 } },
      { component: 'envoy-gateway', settings: { xffNumTrustedHops: 1 } },
      { component: 'service' },
    ]);
    const r = await up(s);
    expect((await probe({ target: r.entry, source: r.sources[1], headers: [['user-agent', 'BadBot/1.0']] })).status).toBe(403);
    const statuses: Array<number | null> = [];
    for (let i = 0; i < 12; i++) statuses.push((await probe({ target: r.entry, source: r.sources[0] })).status);
    expect(statuses.slice(0, 10).every((x) => x === 200)).toBe(true);
    expect(statuses.slice(10)).toEqual([403, 403]);
    expect((await probe({ target: r.entry, source: r.sources[2] })).status).toBe(200);
  });

  it('spoofing: ingress-nginx trusting 0.0.0.0/0 believes a forged X-Forwarded-For; trusting the VPC does not, unless the NLB itself is the peer', async () => {
    const mk = (cidr: string[], targetType: 'instance' | 'ip') =>
      variant([
        { component: 'nlb', settings: { targetType } },
        ...(targetType === 'instance' ? [{ component: 'kube-proxy', settings: { externalTrafficPolicy: 'Local' } }] : []),
        { component: 'ingress-nginx', settings: { useForwardedHeaders: true, proxyRealIpCidr: cidr } },
        { component: 'service' },
      ]);
    const open = mk(['0.0.0.0/0'], 'instance');
    const f1 = await runSpoofProbes(await up(open), open);
    const xff = f1.find((f) => f.probe === 'forged X-Forwarded-For')!;
    expect(xff.spoofable).toBe(true);
    expect(xff.appSaw).toBe(xff.forged);
    expect(xff.fix).toMatch(/proxy-real-ip-cidr/);
    const locked = mk(['vpc'], 'instance');
    const f2 = await runSpoofProbes(await up(locked), locked);
    expect(f2.filter((f) => f.spoofable)).toEqual([]);
    // A client-forged PROXY header reaches a plain gateway as garbage: 400, not a spoof.
    expect(f2.find((f) => f.probe === 'forged PROXY v2 header')?.status).toBe(400);
    // ip targets without client-IP preservation: the peer is the NLB, inside the trusted VPC, so the
    // client's own X-Forwarded-For is believed (facts row 8 + failure case 9).
    const ipTargets = mk(['vpc'], 'ip');
    const f3 = await runSpoofProbes(await up(ipTargets), ipTargets);
    expect(f3.find((f) => f.probe === 'forged X-Forwarded-For')?.spoofable).toBe(true);
  });

  it('NLB TLS listener: TLS terminated with a generated certificate, client IP kept', async () => {
    const s = variant([
      { component: 'nlb', settings: { targetType: 'instance', listener: 'TLS' } },
      { component: 'kube-proxy', settings: { externalTrafficPolicy: 'Local' } },
      { component: 'envoy-gateway' },
      { component: 'service' },
    ]);
    const r = await up(s);
    expect(r.entry.tls).not.toBeNull();
    const res = await probe({ target: r.entry, source: r.sources[3] });
    expect(res.status).toBe(200);
    expect(res.headers['x-lab-app-client-ip']).toBe(r.sources[3]);
  });

  it('every scenario in scenarios/: the application-visible client IP agrees with the catalog prediction', async () => {
    for (const name of scenarioNames()) {
      const s = loadScenarioOrThrow(name);
      const pred = predictClientIp(s);
      const r = await up(s, {}, { gatewayRealization: 'auto' });
      for (const source of r.sources.slice(0, 3)) {
        const res = await probe({ target: r.entry, source });
        expect(res.status, `${name} from ${source}: ${res.error ?? ''}`).toBe(200);
        const seen = res.headers['x-lab-app-client-ip'];
        if (pred.retained) expect(seen, name).toBe(source);
        else expect(describeAddress(seen), name).toBe(describeAddress(pred.seen));
      }
      await r.teardown();
    }
  }, 300_000);
});
