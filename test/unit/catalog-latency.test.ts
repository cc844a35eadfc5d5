// Provenance of the catalog's latency models: every parameter names a source or is an assumption with low
// confidence (the check fails for a model with neither), the sourced figures do not contradict their
// sources, and scenario overrides carry their file as the basis. Every component and settings combination
// is also checked in catalog-entries.test.ts.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../harness/catalog/index.ts';
import { CROSS_AZ_RTT, SAME_AZ_RTT } from '../../harness/catalog/network.ts';
import { assumption, lognormalModel, lowestConfidence, provenanceProblems, recordLatency, sourced, SOURCES } from '../../harness/catalog/latency.ts';
import type { LatencyModel } from '../../harness/catalog/types.ts';
import { loadScenarioText } from '../../harness/scenario/load.ts';
import { readFileSync } from 'node:fs';
import { scenarioPath } from '../../harness/scenario/resolve.ts';
import { lognormalSigma } from '../../harness/catalog/network.ts';

const model = (kind: keyof typeof CATALOG, settings: Record<string, unknown> = {}) => CATALOG[kind].latency(CATALOG[kind].settings.parse(settings));
const Z90 = 1.2815515655446004;

describe('latency provenance: the check', () => {
  const good = lognormalModel({ medianMs: 1, p99Ms: 2, median: assumption('an estimate that says what it rests on'), p99: sourced('medium', 'the p99 of the cited measurement, as published', SOURCES.istio120) });

  it('accepts a model whose every parameter is sourced or an assumption, and derives the lowest confidence', () => {
    expect(provenanceProblems(good)).toEqual([]);
    expect(good.confidence).toBe('low');
    expect(lowestConfidence({ medianMs: sourced('medium', 'x'.repeat(30), SOURCES.istio120), p99Ms: sourced('low-medium', 'y'.repeat(30), SOURCES.istio120) })).toBe('low-medium');
  });

  it('fails a model with neither a source nor the assumption label', () => {
    const { provenance: _p, ...bare } = good;
    expect(provenanceProblems(bare as unknown as LatencyModel)).toEqual(['no provenance']);
  });

  it('fails a source without URL, without what was measured or without conditions, and an assumption above low', () => {
    const bad = lognormalModel({
      medianMs: 1,
      p99Ms: 2,
      median: sourced('medium', 'the median of the cited measurement', { url: 'facts/latency.md', title: 'facts', measured: 'x', conditions: '' }),
      p99: { basis: 'assumption', confidence: 'medium' as 'low', why: 'short' },
    });
    const problems = provenanceProblems(bad).join('\n');
    expect(problems).toMatch(/median: source "facts" has no https URL/);
    expect(problems).toMatch(/median: source "facts" does not say what was measured/);
    expect(problems).toMatch(/median: source "facts" does not say under which conditions/);
    expect(problems).toMatch(/p99: an assumption must have low confidence/);
    expect(problems).toMatch(/p99: the assumption does not say what it rests on/);
  });

  it('fails new-connection figures without their provenance', () => {
    const m = { ...good, newConnection: { medianMs: 1, p99Ms: 3 } };
    expect(provenanceProblems(m)).toContain('newConnection figures and their provenance do not match');
  });

  it('the network round trips carry provenance too', () => {
    expect(provenanceProblems(CROSS_AZ_RTT)).toEqual([]);
    expect(provenanceProblems(SAME_AZ_RTT)).toEqual([]);
    expect(CROSS_AZ_RTT.provenance.medianMs.basis).toBe('source');
  });
});

describe('latency models agree with the sources they cite', () => {
  it('HTTP API: p99 within AWS\'s launch statement (under 10 ms added at p99)', () => {
    const m = model('apigw-http');
    expect(m.p99Ms).toBeLessThanOrEqual(10);
    expect(m.provenance.p99Ms).toMatchObject({ basis: 'source', sources: [SOURCES.httpApiLaunch] });
  });

  it('REST API: at most what "HTTP APIs cut latency by up to 60%" implies, and above the HTTP API', () => {
    const rest = model('apigw-rest');
    const http = model('apigw-http');
    expect(rest.p99Ms).toBeLessThanOrEqual(10 / (1 - 0.6) + 1e-9);
    expect(rest.medianMs).toBeGreaterThan(http.medianMs);
    expect(http.medianMs).toBeGreaterThanOrEqual(rest.medianMs * (1 - 0.6));
  });

  it('Envoy: one proxy of the Istio 1.20 benchmark (two proxies: +0.228 ms p90, +0.298 ms p99)', () => {
    const m = model('envoy-gateway');
    const sigma = lognormalSigma(m);
    const p90 = m.medianMs * Math.exp(sigma * Z90);
    expect(p90).toBeCloseTo(0.228 / 2, 2);
    expect(m.p99Ms).toBeCloseTo(0.298 / 2, 2);
    expect(m.measuredWhenReal).toMatch(/measured in the run/);
  });

  it('VPC link: its own forwarding only, not the NLB behind it nor a zone crossing again', () => {
    const link = model('vpc-link');
    const nlb = model('nlb');
    expect(link.medianMs).toBeLessThan(nlb.medianMs);
    expect(link.medianMs).toBeLessThan(CROSS_AZ_RTT.medianMs);
    expect(CATALOG['vpc-link'].forwarding(CATALOG['vpc-link'].settings.parse({})).scope).toBe('managed-fleet');
  });

  it('cross-AZ median inside the measured range (best-of-50 pings 0.25-3.37 ms; 0.82 ms average in one region)', () => {
    expect(CROSS_AZ_RTT.medianMs).toBeGreaterThanOrEqual(0.25);
    expect(CROSS_AZ_RTT.medianMs).toBeLessThanOrEqual(0.83);
  });

  it('models that a real component replaces say what is measured instead', () => {
    for (const kind of ['envoy-gateway', 'ingress-nginx'] as const) expect(model(kind).measuredWhenReal, kind).toMatch(/measured/);
    for (const kind of ['nlb', 'alb', 'apigw-rest', 'lattice'] as const) expect(model(kind).measuredWhenReal, kind).toBeUndefined();
  });
});

describe('scenario overrides and records', () => {
  const base = readFileSync(scenarioPath('public-nlb'), 'utf8');

  it('an override names the scenario file as its basis; without a stated confidence it is low', () => {
    const src = base.replace('settings: { scheme: internet-facing, targetType: instance, listener: TCP }\n', (m) => `${m}      latency: { medianMs: 0.3, p99Ms: 1.2, basis: "fitted from our EKS run of 2026-11-02" }\n`);
    expect(src).not.toBe(base);
    const { scenario, diagnostics } = loadScenarioText(src, 'mine.yaml');
    expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const nlb = scenario!.hops.find((h) => h.component === 'nlb')!.latency;
    expect(nlb).toMatchObject({ medianMs: 0.3, p99Ms: 1.2, origin: 'scenario', overridden: true, confidence: 'low' });
    expect(nlb.provenance.medianMs).toEqual({ basis: 'scenario', file: 'mine.yaml', why: 'fitted from our EKS run of 2026-11-02', confidence: 'low' });
    expect(provenanceProblems(nlb)).toEqual([]);
  });

  it('result.json records the model, its provenance and its use', () => {
    const r = recordLatency(model('envoy-gateway'), 'measured-instead');
    expect(r).toMatchObject({ medianMs: 0.08, p99Ms: 0.15, origin: 'catalog', use: 'measured-instead' });
    expect(r.provenance.p99Ms.sources?.[0].url).toBe(SOURCES.istio120.url);
  });
});
