// Calibration from real runs, tested on synthetic runs of known per-hop distributions (fixed seeds): the
// fit recovers each hop where the data separates it (a segment timing of the hop alone, a ladder of runs
// of the same provider, a same-run direct control), states its goodness, lists what it could not separate;
// the overlay file round-trips through its strict loader (located errors for bad files), and applying it to
// a scenario replaces the catalog's numbers with the fitted ones and says so in the run's report.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeHistogram, newHistogram, recordMs, summarize, type Histogram } from '../../harness/load/histogram.ts';
import { Rng } from '../../harness/providers/model/rng.ts';
import type { RunResult } from '../../harness/result/types.ts';
import { buildOverlay, type CalibrationRun } from '../../harness/calibration/build.ts';
import { applyOverlay, overlayYaml, parseOverlay } from '../../harness/calibration/overlay.ts';
import { fitDeconvolved, fitDirect, histogramSampler } from '../../harness/calibration/fit.ts';
import { provenanceProblems, recordLatency } from '../../harness/catalog/latency.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { runBench } from '../../harness/run/bench.ts';

const Z99 = 2.3263478740408408;
type Dist = [median: number, p99: number];
/** The truth the synthetic runs are drawn from. */
const FLOOR: Dist = [0.4, 1.2]; // client <-> service with no exposure hop: network, echo
const KUBE_PROXY: Dist = [0.1, 0.4];
const NLB: Dist = [0.3, 1.0];
const ENVOY: Dist = [0.2, 0.8];
const APIGW: Dist = [6, 20];
const VPC_LINK: Dist = [0.2, 0.6];

const draw = (rng: Rng, [m, p]: Dist) => rng.lognormal(Math.log(m), Math.log(p / m) / Z99);
function hist(rng: Rng, n: number, parts: Dist[]): Histogram {
  const h = newHistogram();
  for (let i = 0; i < n; i++) recordMs(h, parts.reduce((a, d) => a + draw(rng, d), 0));
  return h;
}

/** A measured run (provider eks) of a chain of hops, its total drawn from the floor plus each hop. */
function run(scenario: string, hops: Array<[name: string, component: string, dist: Dist]>, seed: number, extra: Partial<RunResult> = {}, n = 40_000): CalibrationRun {
  const rng = new Rng(seed);
  const total = hist(rng, n, [FLOOR, ...hops.map((h) => h[2])]);
  const result = {
    schemaVersion: 1,
    scenario,
    provider: 'eks',
    meta: { startedAt: '2026-11-30T00:00:00Z', settings: {} } as unknown as RunResult['meta'],
    load: { targetRps: 200, achievedRps: 200, requests: n } as RunResult['load'],
    latencyMs: { ...summarize(total), fidelity: 'measured', histogram: encodeHistogram(total) },
    hops: [
      { name: 'client', component: 'client', realizedBy: 'k6', fidelity: 'measured' },
      ...hops.map(([name, component]) => ({ name, component, realizedBy: 'AWS', fidelity: 'measured' as const })),
      { name: 'app', component: 'service', realizedBy: 'echo', fidelity: 'measured' },
    ],
    validity: { valid: true, reasons: [], achievedRatio: 1, lateRequests: 0, unsentRequests: 0 },
    ...extra,
  } as RunResult;
  return { file: `${scenario}.json`, result };
}

const within = (got: number, want: number, tol: number) => expect(Math.abs(got / want - 1), `${got} vs ${want}`).toBeLessThan(tol);

describe('hop fits on synthetic data (fixed seeds)', () => {
  it('direct: a hop measured alone per request', () => {
    const f = fitDirect(hist(new Rng(3), 30_000, [ENVOY]));
    within(f.medianMs, ENVOY[0], 0.02);
    within(f.p99Ms, ENVOY[1], 0.06);
    expect(f.goodness.ks).toBeLessThan(0.01);
  });

  it('deconvolution: a small hop inside a larger floor, and a large one over a small floor', () => {
    for (const [x, seed] of [[[0.08, 0.15], 11], [[6, 20], 12]] as Array<[Dist, number]>) {
      const rng = new Rng(seed);
      const f = fitDeconvolved(hist(rng, 50_000, [FLOOR, x]), histogramSampler(hist(rng, 50_000, [FLOOR])), { seed });
      if ('unseparable' in f) throw new Error(f.unseparable);
      within(f.medianMs, x[0], 0.1);
      within(f.p99Ms, x[1], 0.15);
      expect(f.identifiable).toBe(true);
      expect(f.goodness.ks).toBeLessThan(0.02);
      expect(Math.abs(f.goodness.relErr.p99)).toBeLessThan(0.05);
    }
  });

  it('a total that is not above its reference is refused, with the reason', () => {
    const rng = new Rng(4);
    const f = fitDeconvolved(hist(rng, 5_000, [FLOOR]), histogramSampler(hist(rng, 5_000, [[0.6, 2]])), { seed: 4 });
    expect(f).toEqual({ unseparable: expect.stringMatching(/not above the reference's/) });
  });
});

describe('an overlay from a team\'s runs', () => {
  // A ladder on one provider (direct -> nodeport -> public-nlb), the gateway's own access-log timing in the
  // public-nlb run, and an API Gateway path whose two managed hops only ever appear together.
  const envoyTiming = hist(new Rng(21), 30_000, [ENVOY]);
  const runs = [
    run('direct', [], 1),
    run('nodeport', [['kube-proxy', 'kube-proxy', KUBE_PROXY]], 2),
    run('public-nlb', [['public-nlb', 'nlb', NLB], ['kube-proxy', 'kube-proxy', KUBE_PROXY], ['envoy', 'envoy-gateway', ENVOY]], 3, {
      segmentTimings: [{ hops: ['envoy'], method: 'Envoy access log: downstream start to end minus upstream time', fidelity: 'measured', histogram: encodeHistogram(envoyTiming) }],
    }),
    run('apigw-nlb-gateway', [['api', 'apigw-rest', APIGW], ['vpc-link', 'vpc-link', VPC_LINK], ['private-nlb', 'nlb', NLB], ['kube-proxy', 'kube-proxy', KUBE_PROXY], ['envoy', 'envoy-gateway', ENVOY]], 4),
  ];
  const { doc, notes } = buildOverlay(runs, { name: 'team-eks', createdAt: '2026-11-30T00:00:00Z', seed: 7 });
  const fit = (c: string) => doc.spec.hops.find((h) => h.component === c)!;

  it('recovers each separable hop, with its method, goodness and evidence', () => {
    expect(doc.spec.hops.map((h) => h.component).sort()).toEqual(['envoy-gateway', 'kube-proxy', 'nlb']);
    // The gateway from its own per-request timing.
    expect(fit('envoy-gateway').fit).toMatchObject({ method: 'direct', hop: 'envoy', scenario: 'public-nlb', samples: 30_000 });
    within(fit('envoy-gateway').medianMs, ENVOY[0], 0.03);
    within(fit('envoy-gateway').p99Ms, ENVOY[1], 0.08);
    // kube-proxy from nodeport over direct; the NLB from public-nlb over nodeport, less the fitted envoy.
    expect(fit('kube-proxy').fit).toMatchObject({ method: 'deconvolution', scenario: 'nodeport' });
    within(fit('kube-proxy').medianMs, KUBE_PROXY[0], 0.2);
    within(fit('kube-proxy').p99Ms, KUBE_PROXY[1], 0.3);
    expect(fit('nlb').fit).toMatchObject({ method: 'deconvolution', scenario: 'public-nlb' });
    expect(fit('nlb').fit.evidence).toMatch(/public-nlb over nodeport .* and the fitted envoy/);
    within(fit('nlb').medianMs, NLB[0], 0.15);
    within(fit('nlb').p99Ms, NLB[1], 0.25);
    for (const h of doc.spec.hops) {
      expect(h.fit.ks, h.component).toBeLessThan(0.03);
      expect(['medium', 'low-medium'], h.component).toContain(h.confidence);
    }
  });

  it('states what could not be separated, and why', () => {
    const ns = doc.spec.notSeparated.find((n) => n.run === 'apigw-nlb-gateway.json' && n.hops.includes('api'));
    expect(ns).toBeDefined();
    expect(ns!.components).toEqual(expect.arrayContaining(['apigw-rest', 'vpc-link']));
    expect(ns!.why).toMatch(/2 hops of it are unknown \(api: apigw-rest, vpc-link: vpc-link\): only their sum is measured/);
    expect(notes.join('\n')).not.toMatch(/skipped/);
  });

  it('a same-run direct control separates a single hop too', () => {
    const rng = new Rng(31);
    const floor = hist(rng, 40_000, [FLOOR]);
    const r = run('nodeport', [['kube-proxy', 'kube-proxy', KUBE_PROXY]], 32, { floor: { latencyMs: summarize(floor), note: 'same-run control', histogram: encodeHistogram(floor) } });
    const one = buildOverlay([r], { name: 'x', createdAt: 'now', seed: 2 }).doc;
    expect(one.spec.hops).toHaveLength(1);
    expect(one.spec.hops[0].fit.evidence).toMatch(/same run's direct control/);
    within(one.spec.hops[0].medianMs, KUBE_PROXY[0], 0.2);
  });

  it('a real component\'s own timing attached to its hop (latencyModel.measured) is fitted directly', () => {
    const timing = hist(new Rng(41), 20_000, [ENVOY]);
    const r = run('public-nlb', [['public-nlb', 'nlb', NLB], ['envoy', 'envoy-gateway', ENVOY]], 42);
    const envoy = r.result.hops.find((h) => h.name === 'envoy')!;
    envoy.latencyModel = {
      ...recordLatency(loadScenarioOrThrow('public-nlb').hops.find((h) => h.component === 'envoy-gateway')!.latency, 'measured-instead'),
      measured: { p50Ms: 0.2, p99Ms: 0.8, count: 20_000, what: 'Envoy access log', fidelity: 'measured', histogram: encodeHistogram(timing) },
    };
    const one = buildOverlay([r], { name: 'x', createdAt: 'now' }).doc;
    expect(one.spec.hops.map((h) => [h.component, h.fit.method])).toEqual([['envoy-gateway', 'direct']]);
    expect(one.spec.hops[0].fit.evidence).toMatch(/envoy's own timing \(Envoy access log\)/);
    within(one.spec.hops[0].medianMs, ENVOY[0], 0.03);
  });

  it('nothing separable: no fit, and a note that says which data would separate hops', () => {
    const out = buildOverlay([run('public-nlb', [['public-nlb', 'nlb', NLB]], 5)], { name: 'x', createdAt: 'now' });
    expect(out.doc.spec.hops).toEqual([]);
    expect(out.notes.join('\n')).toMatch(/record segment timings .* a same-run direct control .* a ladder of scenarios/);
  });

  it('the file round-trips through the strict loader, and applying it says which numbers came from it', () => {
    const text = overlayYaml(doc);
    const { overlay, diagnostics } = parseOverlay(text, 'team-eks.yaml');
    expect(diagnostics).toEqual([]);
    expect(overlay!.doc).toEqual(doc);
    const { scenario, application } = applyOverlay(loadScenarioOrThrow('public-nlb'), overlay!);
    const nlb = scenario.hops.find((h) => h.component === 'nlb')!.latency;
    expect(nlb).toMatchObject({ medianMs: fit('nlb').medianMs, p99Ms: fit('nlb').p99Ms, origin: 'calibration' });
    expect(nlb.provenance.medianMs).toMatchObject({ basis: 'calibration', file: 'team-eks.yaml', fit: expect.stringMatching(/deconvolution fit of public-nlb .* KS /) });
    expect(provenanceProblems(nlb)).toEqual([]);
    expect(application.applied.map((a) => a.hop).sort()).toEqual(['envoy', 'kube-proxy', 'public-nlb']);
    expect(application.notSeparated.join('\n')).toMatch(/api \+ vpc-link/);
  });
});

describe('the overlay file: strict, located errors', () => {
  const good = overlayYaml(buildOverlay([run('direct', [], 1), run('nodeport', [['kube-proxy', 'kube-proxy', KUBE_PROXY]], 2, {}, 5_000)], { name: 'x', createdAt: 'now' }).doc);
  const errs = (src: string) => parseOverlay(src, 'o.yaml').diagnostics.map((d) => `${d.line}:${d.field}:${d.code}:${d.message}`);
  const lineOf = (src: string, needle: string) => src.slice(0, src.indexOf(needle)).split('\n').length;

  it('unknown keys, unknown components, bad numbers are located', () => {
    const bad = good.replace('component: kube-proxy', 'component: kube-proxi').replace('  hops:', '  hopz: []\n  hops:');
    const e = errs(bad);
    expect(e).toContain(`${lineOf(bad, 'component: kube-proxi')}:spec.hops[0].component:schema-invalid_value:"kube-proxi" is not allowed here`);
    expect(e.some((x) => x.startsWith(`${lineOf(bad, 'hopz')}:spec.hopz:schema-unrecognized_keys`))).toBe(true);
    const neg = good.replace(/medianMs: [\d.]+/, 'medianMs: -1');
    expect(errs(neg)[0]).toMatch(/:spec\.hops\[0\]\.medianMs:schema-too_small:/);
  });

  it('p99 below the median, a component twice, and a file that is not an overlay', () => {
    const low = good.replace(/p99Ms: [\d.]+/, 'p99Ms: 0.00001');
    expect(errs(low)[0]).toMatch(/:spec\.hops\[0\]\.p99Ms:overlay-p99-below-median:p99Ms 0.00001 is below medianMs/);
    const hopsAt = good.indexOf('  hops:\n') + '  hops:\n'.length;
    const entryEnd = good.indexOf('  notSeparated:');
    const twice = good.slice(0, entryEnd) + good.slice(hopsAt, entryEnd) + good.slice(entryEnd);
    expect(errs(twice).join('\n')).toMatch(/spec\.hops\[1\]\.component:overlay-duplicate-component:component kube-proxy appears twice/);
    expect(errs('apiVersion: exposure-lab.dev/v1alpha1\nkind: Scenario\n')).toContain('2:kind:schema-invalid_value:"Scenario" is not allowed here');
  });
});

describe('--calibration on a run', () => {
  it('a model run computes with the fitted numbers and its report says which came from the overlay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'calibration-run-'));
    try {
      const file = join(dir, 'team.yaml');
      const { doc } = buildOverlay([run('direct', [], 1), run('nodeport', [['kube-proxy', 'kube-proxy', KUBE_PROXY]], 2, {}, 10_000)], { name: 'team', createdAt: 'now' });
      writeFileSync(file, overlayYaml(doc));
      const { result, dir: runDir } = await runBench({ scenario: 'public-nlb', provider: 'model', driver: 'builtin', rate: 100, durationS: 2, warmupS: 0, outDir: dir, injectLatency: true, seed: 1, log: () => {}, calibration: file });
      const kp = result.hops.find((h) => h.component === 'kube-proxy')!.latencyModel!;
      expect(kp).toMatchObject({ origin: 'calibration', use: 'modeled', medianMs: doc.spec.hops[0].medianMs });
      expect(result.hops.find((h) => h.component === 'nlb')!.latencyModel!.origin).toBe('catalog');
      expect((result.meta.settings.calibrationOverlay as { applied: Array<{ hop: string }> }).applied.map((a) => a.hop)).toEqual(['kube-proxy']);
      const md = readFileSync(join(runDir, 'report.md'), 'utf8');
      expect(md).toMatch(/Calibration overlay `.*team\.yaml` \(team, sha256 [0-9a-f]{12}\): the numbers of \*\*kube-proxy\*\*/);
      expect(md).toMatch(/\| kube-proxy \(kube-proxy\) \| [\d.]+ \/ [\d.]+ \| [a-z-]+ \| calibration \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is refused on providers that measure real components, before anything starts', async () => {
    await expect(runBench({ scenario: 'public-nlb', provider: 'eks', driver: 'builtin', rate: 1, durationS: 1, warmupS: 0, outDir: tmpdir(), injectLatency: true, seed: 1, log: () => {}, calibration: 'x.yaml' }))
      .rejects.toThrow(/--calibration applies to the local and model providers, not eks/);
  });
});
