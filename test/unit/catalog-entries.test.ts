// Every catalog entry, table-driven: each settings combination of its enum and boolean fields goes through
// apply() and every facet, against invariants the whole lab relies on; the facts/client-ip.md rows go through
// the catalog's semantics alone (no processes) and must match the documented column by column; the cross-AZ
// rule is checked against its table (README "Cross-AZ traffic").
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { CATALOG, COMPONENT_KINDS } from '../../harness/catalog/index.ts';
import { FEATURE_LABELS, type CatalogEntry, type Envelope, type Hop } from '../../harness/catalog/types.ts';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { provenanceProblems } from '../../harness/catalog/latency.ts';
import { xffList } from '../../harness/catalog/headers.ts';
import { LOCAL_REALIZERS } from '../../harness/providers/local/realizers.ts';
import { CLUSTER_LB_REALIZERS, OUTSIDE_REALIZERS } from '../../harness/k8s/realizers.ts';
import { fold } from '../../harness/analysis/predict.ts';
import { MATRIX_ROWS, compare, observe, rowScenario } from '../../harness/measure/ip-matrix.ts';

const CLIENT = '127.1.0.10';
const SELF = '127.20.1.5';
const NODE = '127.22.1.1';

/** The enum and boolean fields of a strict settings object, with every value they take (numbers and strings stay at their defaults). */
function axes(schema: z.ZodType): Array<[string, unknown[]]> {
  const unwrap = (s: any): any => {
    while (s && ['default', 'prefault', 'optional', 'nullable'].includes(s._zod?.def?.type)) s = s._zod.def.innerType;
    return s;
  };
  const shape = (unwrap(schema) as any)._zod.def.shape as Record<string, any>;
  const out: Array<[string, unknown[]]> = [];
  for (const [k, v] of Object.entries(shape)) {
    const inner = unwrap(v);
    const optional = v._zod?.def?.type === 'optional';
    if (inner?._zod?.def?.type === 'enum') out.push([k, [...Object.values(inner._zod.def.entries as Record<string, unknown>), ...(optional ? [undefined] : [])]]);
    else if (inner?._zod?.def?.type === 'boolean') out.push([k, [true, false, ...(optional ? [undefined] : [])]]);
  }
  return out;
}

/** Settings that are neither enums nor booleans (headers, hop counts, trust lists, routes), crossed with the axes too. */
const EXTRAS: Partial<Record<string, Array<Record<string, unknown>>>> = {
  'apigw-rest': [{ sourceIpHeader: 'X-Client-IP' }],
  'apigw-http': [{ sourceIpHeader: 'X-Client-IP' }],
  'envoy-gateway': [{ xffNumTrustedHops: 1 }, { xffNumTrustedHops: 2 }, { clientIpHeader: 'X-Client-IP' }, { trustedCidrs: ['vpc', 'cloudfront'] }],
  'ingress-nginx': [{ proxyRealIpCidr: ['vpc'] }, { forwardedForHeader: 'X-Client-IP' }],
  service: [{ clientIpHeader: 'X-Client-IP' }, { versions: [{ name: 'v1' }, { name: 'v2', replicas: 1 }] }],
  lattice: [{ routes: [{ backend: 'v1', weight: 75 }, { backend: 'v2', weight: 25 }] }],
  waf: [{ rateLimitPer5Min: 100, blockRules: [{ name: 'ua', header: 'user-agent', contains: 'bot' }] }],
};

/** Every combination of the axes (the cartesian product) with every extra, each parsed through the entry's schema. */
function combinations(e: CatalogEntry): any[] {
  let combos: Array<Record<string, unknown>> = [{}];
  for (const [k, values] of axes(e.settings)) combos = combos.flatMap((c) => values.map((v) => (v === undefined ? c : { ...c, [k]: v })));
  const extras = [{}, ...(EXTRAS[e.kind] ?? [])];
  return extras.flatMap((x) => combos.map((c) => e.settings.parse({ ...c, ...x })));
}

const ctx = { self: SELF, nodeAddress: NODE, listenPort: 443, networks: LOCAL_NETWORKS, random: () => 0.25 };
const plain = (): Envelope => ({ peer: CLIENT, proxy: [], headers: [['host', 'app.example'], ['x-forwarded-for', '127.99.0.1']] });

describe('every catalog entry, every settings combination', () => {
  for (const kind of COMPONENT_KINDS) {
    const e = CATALOG[kind];
    const combos = combinations(e);
    it(`${kind}: ${combos.length} combination(s) answer every facet consistently`, () => {
      expect(e.kind).toBe(kind);
      for (const s of combos) {
        const at = `${kind} ${JSON.stringify(s)}`;
        // Description, latency, limits, features.
        expect(e.describe(s).every((l) => typeof l === 'string' && l.length > 0), at).toBe(true);
        const lat = e.latency(s);
        expect(lat.medianMs, at).toBeGreaterThanOrEqual(0);
        expect(lat.p99Ms, at).toBeGreaterThanOrEqual(lat.medianMs);
        expect(lat.basis.length, at).toBeGreaterThan(10);
        // Every figure has a source (URL, what was measured, conditions) or is an assumption with low confidence.
        expect(provenanceProblems(lat), at).toEqual([]);
        for (const l of e.limits(s)) expect(l.value, `${at} ${l.name}`).toBeGreaterThan(0);
        expect(Object.keys(e.features(s)).every((k) => k in FEATURE_LABELS), at).toBe(true);

        // Layer, TLS, connection.
        const layer = e.layer(s);
        expect(['client', 'L4', 'L7', 'app'], at).toContain(layer);
        expect(layer === 'client', at).toBe(e.position === 'first');
        expect(layer === 'app', at).toBe(e.position === 'last');
        const tls = e.tls(s);
        expect(['terminate', 'passthrough', 'none'], at).toContain(tls);
        if (tls === 'terminate') expect(e.features(s).tlsTermination, `${at}: a TLS-terminating listener says so in the review table`).toBeTruthy();
        if (tls !== 'none') expect(layer === 'L7' || tls === 'passthrough' || layer === 'L4', at).toBe(true);
        expect(e.terminates(s), at).toBe(e.partOfPrevious !== 'evaluated-inside' && (layer === 'L7' || layer === 'app'));

        // Forwarding and the cross-AZ answer derived from it.
        const f = e.forwarding(s);
        expect(['same-node', 'same-az', 'any-az', 'managed-fleet', 'none'], at).toContain(f.scope);
        expect(f.why.length, at).toBeGreaterThan(5);
        for (const azs of [1, 2, 3, 6]) {
          const c = e.crossAz(s, azs);
          expect(c.share, `${at} azs=${azs}`).toBeCloseTo(f.scope === 'any-az' ? (azs - 1) / azs : 0, 12);
          expect(c.billed, at).toBe(f.billed);
        }
        if (f.billed) expect(f.scope, `${at}: only a spread can be billed as inter-AZ`).toBe('any-az');

        // apply(): the semantics every realization shares.
        const env = plain();
        const out = e.apply(env, s, ctx);
        if (out.ok) {
          if (layer === 'L4') expect(out.env.headers, `${at}: an L4 hop never touches headers`).toEqual(env.headers);
          if (layer === 'L7' && !e.partOfPrevious) {
            expect(out.env.peer, `${at}: an L7 hop connects onward from its own address`).toBe(SELF);
            expect(out.env.proxy, at).toEqual([]);
          }
          const added = out.env.proxy.length - env.proxy.length;
          const header = e.proxyHeader?.(s) ?? null;
          if (layer !== 'L7') expect(added, `${at}: proxyHeader says which PROXY header it writes`).toBe(header ? 1 : 0);
          if (header) expect(`v${out.env.proxy[0].version}`, at).toBe(header);
        } else {
          expect(out.status === 0 || out.status >= 400, at).toBe(true);
          expect(out.reason.length, at).toBeGreaterThan(5);
        }
        // A forged PROXY header from the client: L7 hops refuse it or strip it; L4 hops keep it behind their own.
        const forged: Envelope = { ...plain(), proxy: [{ version: 2, source: '127.99.0.2' }] };
        const fo = e.apply(forged, s, ctx);
        if (fo.ok && layer === 'L4') expect(fo.env.proxy.at(-1), at).toEqual({ version: 2, source: '127.99.0.2' });

        // Optional facets answer in their own types.
        if (e.queue) {
          const q = e.queue(s);
          expect(q.servers * q.perServerRps, at).toBeGreaterThan(0);
        }
        if (e.internetFacing) expect(typeof e.internetFacing(s), at).toBe('boolean');
        if (e.passedShare) expect(e.passedShare(s), at).toBeGreaterThanOrEqual(0);
        if (e.weightedRoutes) expect(e.weightedRoutes(s).length, at).toBeGreaterThan(0);
        if (e.clientIpHeaders) expect(Array.isArray(e.clientIpHeaders(s)), at).toBe(true);
        if (e.bypassable) expect(typeof e.bypassable(s), at).toBe('boolean');
        if (e.clientIpFix) {
          const fix = e.clientIpFix(s, {});
          expect(fix === null || fix.length > 10, at).toBe(true);
        }
        if (e.gateway) {
          expect(['envoy-gateway', 'ingress-nginx'], at).toContain(e.gateway.product);
          expect(typeof e.gateway.parsesProxy(s), at).toBe('boolean');
          expect(Array.isArray(e.gateway.trustEntries(s)), at).toBe(true);
          expect(typeof e.gateway.readsForwardedFor(s), at).toBe('boolean');
          // A gateway that parses PROXY refuses a connection without one; one that does not, refuses one with it.
          expect(out.ok, `${at}: a PROXY listener closes a connection without a header`).toBe(!e.gateway.parsesProxy(s));
        }

        // How each provider realizes it: keys of the providers' registries.
        if (e.position === 'first') {
          expect(e.realize, `${at}: the load driver is the client`).toBeUndefined();
          continue;
        }
        const local = e.realize!.local(s);
        expect(Object.keys(LOCAL_REALIZERS), at).toContain(local.realizer);
        if (local.realizer === 'gateway') expect(e.gateway, `${at}: a gateway realizer needs the gateway facet`).toBeDefined();
        if (local.realizer === 'l4-forwarder') expect(layer, at).toBe('L4');
        if (local.realizer === 'l7-proxy') expect(layer, at).toBe('L7');
        if (local.realizer === 'echo') expect(layer, at).toBe('app');
        if (local.kernelNat) {
          // Kernel NAT only rewrites addresses: an L4 forwarder's hop that writes nothing into the stream, whose
          // source is kept or becomes its own / its node's address, and that never refuses or routes by weight.
          expect(local.realizer, at).toBe('l4-forwarder');
          expect(e.proxyHeader?.(s) ?? null, at).toBeNull();
          expect(e.weightedRoutes, at).toBeUndefined();
          const k = e.apply(plain(), s, ctx);
          expect(k.ok, at).toBe(true);
          if (k.ok) {
            expect(k.env.proxy, at).toEqual([]);
            expect([plain().peer, ctx.self, ctx.nodeAddress], at).toContain(k.env.peer);
            expect(k.route, at).toBeUndefined();
          }
        }
        const cluster = e.realize!.cluster(s);
        if (cluster.where === 'outside') expect(Object.keys(OUTSIDE_REALIZERS), at).toContain(cluster.by);
        else expect(['kube-proxy', 'gateway', 'app'], at).toContain(cluster.by);
        expect(cluster.where === 'inside', `${at}: in the cluster exactly when it is not a managed AWS component`).toBe(!e.managed);
        const eks = e.realize!.eks(s);
        if (eks.by === 'cluster-lb') expect(Object.keys(CLUSTER_LB_REALIZERS), at).toContain(eks.lb);
        if (eks.by === 'not-created') expect(eks.reason.length * eks.hint.length, at).toBeGreaterThan(0);
        expect(eks.by === 'in-cluster', at).toBe(!e.managed);
      }
    });
  }
});

describe('facts/client-ip.md, through the catalog semantics alone', () => {
  it.each(MATRIX_ROWS.map((r) => [r.id, r] as const))('row %s: what arrives where the gateway pod sits matches the documented columns', (_id, row) => {
    const s = rowScenario(row, 'inspect');
    const r = fold(s, { peer: CLIENT, proxy: [], headers: [['host', 'app.example'], ['x-forwarded-for', '127.99.0.1']] });
    expect('env' in r, JSON.stringify(r)).toBe(true);
    if (!('env' in r)) return;
    const o = observe({ peer: r.env.peer, proxy: r.env.proxy, headers: r.env.headers }, CLIENT);
    expect(compare(row.expect, o), `row ${row.id} (${row.title}): xff ${xffList(r.env).join(', ')}`).toEqual([]);
  });
});

describe('the cross-AZ rule (README "Cross-AZ traffic"), per component and settings', () => {
  const at = (kind: keyof typeof CATALOG, raw: object = {}) => {
    const e = CATALOG[kind];
    const c = e.crossAz(e.settings.parse(raw), 3);
    return { scope: c.scope, share: Number(c.share.toFixed(3)), billed: c.billed };
  };
  it.each([
    ['nlb', {}, 'same-az', 0, false],
    ['nlb', { crossZone: true }, 'any-az', 0.667, true],
    ['clb', {}, 'same-az', 0, false],
    ['clb', { crossZone: true }, 'any-az', 0.667, false],
    ['alb', {}, 'any-az', 0.667, false],
    ['kube-proxy', { externalTrafficPolicy: 'Local' }, 'same-node', 0, false],
    ['kube-proxy', { externalTrafficPolicy: 'Cluster' }, 'any-az', 0.667, true],
    ['envoy-gateway', {}, 'any-az', 0.667, true],
    ['ingress-nginx', {}, 'any-az', 0.667, true],
    ['lattice', {}, 'managed-fleet', 0, false],
    ['apigw-rest', {}, 'managed-fleet', 0, false],
    ['cloudfront', {}, 'managed-fleet', 0, false],
  ] as const)('%s %j: %s, share %s with 3 AZs, billed %s', (kind, raw, scope, share, billed) => {
    expect(at(kind, raw)).toEqual({ scope, share, billed });
  });
});

describe('chain facets the consumers ask', () => {
  const hop = (kind: keyof typeof CATALOG, raw: object = {}, name: string = kind): Hop => ({ index: 0, name, component: kind, entry: CATALOG[kind], settings: CATALOG[kind].settings.parse(raw) });
  it('the gateway facet says where the client IP is read and how to fix a lost one', () => {
    const alb = hop('alb');
    expect(alb.entry.clientIpFix!(alb.settings, { gateway: hop('envoy-gateway', {}, 'envoy') })).toMatch(/xffNumTrustedHops on envoy/);
    expect(alb.entry.clientIpFix!(alb.settings, { gateway: hop('envoy-gateway', { xffNumTrustedHops: 1 }) })).toBeNull();
    expect(alb.entry.clientIpFix!(alb.settings, { gateway: hop('ingress-nginx', {}, 'nginx') })).toMatch(/useForwardedHeaders with proxyRealIpCidr on nginx/);
    expect(alb.entry.clientIpFix!(alb.settings, { gateway: hop('ingress-nginx', { useForwardedHeaders: true }) })).toBeNull();
  });
});
