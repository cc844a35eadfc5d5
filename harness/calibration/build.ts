// A calibration overlay from a team's own measured runs (eks, cluster, kind; local runs fit the lab's
// emulation and are marked so). What separates one hop from the rest, strongest first:
//   1. a segment timing of that hop alone (result.json segmentTimings: a gateway's access-log timings,
//      the echo's own timing): fitted directly, request by request;
//   2. a stretch whose other parts are known: a segment timing of several hops, or the whole path over the
//      run's own direct control (floor.histogram), or over another run of the same provider whose chain
//      lacks only some of its hops (a ladder such as direct -> nodeport -> public-nlb). When exactly one hop
//      of the stretch is unknown, it is fitted by deconvolution (calibration/fit.ts), the known ones sampled
//      from their fits; repeated until nothing more separates.
// What stays unseparated is listed with the reason: two or more unknown hops, or too little data.
// Pure: parsed results in, an overlay document out.
import { decodeHistogram, type Histogram } from '../load/histogram.ts';
import { CATALOG, type ComponentKind } from '../catalog/index.ts';
import type { RunResult } from '../result/types.ts';
import { fitDeconvolved, fitDirect, histogramSampler, lognormalSampler, sumSampler, type HopFit, type Sampler } from './fit.ts';
import { OVERLAY_API_VERSION, type OverlayDoc, type OverlayHop, type OverlayNotSeparated } from './overlay.ts';

export interface CalibrationRun {
  file: string;
  result: RunResult;
}

/** One thing a run measured that holds some hops' added latency. */
interface Evidence {
  run: CalibrationRun;
  /** Hops of the stretch: name and component kind. */
  hops: Array<{ name: string; component: string }>;
  /** The measured total of the stretch (plus the reference, when there is one). */
  total: Histogram;
  /** What the total holds besides the stretch (a control run's latency); null when the total is the stretch alone. */
  reference: { sampler: Sampler; what: string } | null;
  what: string;
  /** Runs it rests on that their driver flagged invalid (late sends, rate not reached): their fits are low confidence. */
  invalid: string[];
}

export interface BuildOptions {
  name: string;
  createdAt: string;
  seed?: number;
}

/** The path hops of a run: what stands between the chain's ends (the client and the service are the floor's too). */
function pathHops(r: RunResult): Array<{ name: string; component: string }> {
  return r.hops.filter((h) => !CATALOG[h.component as ComponentKind]?.position).map((h) => ({ name: h.name, component: h.component }));
}

function histogramOf(r: RunResult): Histogram | null {
  try {
    return r.latencyMs.histogram ? decodeHistogram(r.latencyMs.histogram) : null;
  } catch {
    return null;
  }
}

/** Component kinds of `a` that are not in `b` (as a multiset), or null when b holds one that a lacks. */
function extraHops(a: Array<{ name: string; component: string }>, b: Array<{ name: string; component: string }>): Array<{ name: string; component: string }> | null {
  const rest = [...a];
  for (const h of b) {
    const i = rest.findIndex((x) => x.component === h.component);
    if (i < 0) return null;
    rest.splice(i, 1);
  }
  return rest;
}

const invalidOf = (x: CalibrationRun): string[] => (x.result.validity.valid ? [] : [`${x.file} (${x.result.validity.reasons.join('; ')})`]);

function evidenceOf(runs: CalibrationRun[], notes: string[]): Evidence[] {
  const out: Evidence[] = [];
  for (const run of runs) {
    const r = run.result;
    for (const seg of r.segmentTimings ?? []) {
      let total: Histogram;
      try {
        total = decodeHistogram(seg.histogram);
      } catch (e) {
        notes.push(`${run.file}: segment timing of ${seg.hops.join(' + ')} does not decode (${(e as Error).message}); skipped`);
        continue;
      }
      const hops = seg.hops.map((name) => ({ name, component: r.hops.find((h) => h.name === name)?.component ?? '?' }));
      const unknown = hops.filter((h) => h.component === '?');
      if (unknown.length) {
        notes.push(`${run.file}: segment timing names hop(s) ${unknown.map((h) => h.name).join(', ')} that the run does not have; skipped`);
        continue;
      }
      out.push({ run, hops, total, reference: null, what: `segment timing of ${seg.hops.join(' + ')} (${seg.method}) in ${run.file}`, invalid: invalidOf(run) });
    }
    // A real component's own timing attached to its hop (latencyModel.measured) is a segment timing of that hop.
    for (const h of r.hops) {
      const m = h.latencyModel?.measured;
      if (!m?.histogram) continue;
      try {
        out.push({ run, hops: [{ name: h.name, component: h.component }], total: decodeHistogram(m.histogram), reference: null, what: `${h.name}'s own timing (${m.what}) in ${run.file}`, invalid: invalidOf(run) });
      } catch (e) {
        notes.push(`${run.file}: the measured timing of ${h.name} does not decode (${(e as Error).message}); skipped`);
      }
    }
    const total = histogramOf(r);
    const floor = r.floor?.histogram;
    if (total && floor) {
      try {
        out.push({ run, hops: pathHops(r), total, reference: { sampler: histogramSampler(decodeHistogram(floor)), what: `the run's direct control` }, what: `whole path over the same run's direct control in ${run.file}`, invalid: invalidOf(run) });
      } catch (e) {
        notes.push(`${run.file}: the direct control's histogram does not decode (${(e as Error).message}); skipped`);
      }
    }
  }
  // Ladders: a run whose path holds every hop of another run of the same provider, and more.
  for (const a of runs) {
    const ta = histogramOf(a.result);
    if (!ta) continue;
    for (const b of runs) {
      if (a === b || a.result.provider !== b.result.provider) continue;
      const tb = histogramOf(b.result);
      if (!tb) continue;
      const extra = extraHops(pathHops(a.result), pathHops(b.result));
      if (!extra?.length) continue;
      const ra = a.result.load.targetRps;
      const rb = b.result.load.targetRps;
      if (Math.max(ra, rb) > 2 * Math.min(ra, rb)) {
        notes.push(`${a.file} over ${b.file}: offered rates differ more than 2x (${ra} vs ${rb} req/s); not compared`);
        continue;
      }
      out.push({ run: a, hops: extra, total: ta, reference: { sampler: histogramSampler(tb), what: `run ${b.file} (${b.result.scenario})` }, what: `${a.result.scenario} over ${b.result.scenario} (${b.file}), same provider`, invalid: [...invalidOf(a), ...invalidOf(b)] });
    }
  }
  return out;
}

function cautionOf(e: Evidence): string | undefined {
  const c = [
    ...(e.run.result.provider === 'local' ? ['fitted from a local run: it describes the lab\'s emulation of this hop (injected model plus the emulator\'s own overhead), not the AWS component'] : []),
    ...(e.invalid.length ? [`rests on run(s) flagged invalid: ${e.invalid.join(', ')}`] : []),
  ];
  return c.length ? c.join('; ') : undefined;
}

/** Confidence of a fit from its goodness and size. */
function confidenceOf(f: HopFit): 'medium' | 'low-medium' | 'low' {
  if (!f.identifiable) return 'low';
  if (f.goodness.ks <= 0.02 && f.goodness.samples >= 10_000) return 'medium';
  if (f.goodness.ks <= 0.05 && f.goodness.samples >= 1_000) return 'low-medium';
  return 'low';
}

/** The overlay: per component a fitted distribution with its goodness and evidence, and what stayed unseparated. */
export function buildOverlay(runs: CalibrationRun[], o: BuildOptions): { doc: OverlayDoc; notes: string[] } {
  const notes: string[] = [];
  const usable = runs.filter((x) => {
    if (x.result.provider === 'model') {
      notes.push(`${x.file}: a model run computes, it measures nothing; skipped`);
      return false;
    }
    if (!x.result.validity.valid) notes.push(`${x.file}: the run was flagged invalid (${x.result.validity.reasons.join('; ')}); used, read its fits with care`);
    return true;
  });
  const evidence = evidenceOf(usable, notes);
  const fitted = new Map<string, OverlayHop>();
  const samplerOf = (component: string): Sampler => {
    const f = fitted.get(component)!;
    return lognormalSampler(f.medianMs, f.p99Ms);
  };
  const record = (e: Evidence, hop: { name: string; component: string }, f: HopFit, via: string) => {
    const prev = fitted.get(hop.component);
    // Keep the better-supported fit of a component: direct over deconvolution, then more samples.
    if (prev && (prev.fit.method === 'direct' && f.method !== 'direct' || (prev.fit.method === f.method && prev.fit.samples >= f.goodness.samples))) {
      notes.push(`${hop.component}: also fitted from ${e.what} (median ${round(f.medianMs)} ms, p99 ${round(f.p99Ms)} ms, KS ${round(f.goodness.ks)}); the better-supported fit was kept`);
      return;
    }
    fitted.set(hop.component, {
      component: hop.component as OverlayHop['component'],
      // Histograms resolve 1 us: keep 4 decimals of a millisecond, never 0.
      medianMs: Math.max(0.0001, round(f.medianMs, 4)),
      p99Ms: Math.max(0.0001, round(f.p99Ms, 4)),
      confidence: e.invalid.length ? 'low' : confidenceOf(f),
      fit: {
        method: f.method,
        evidence: via,
        hop: hop.name,
        scenario: e.run.result.scenario,
        provider: e.run.result.provider,
        runs: [e.run.file],
        samples: f.goodness.samples,
        ks: round(f.goodness.ks, 4),
        relErr: { p50: round(f.goodness.relErr.p50, 4), p90: round(f.goodness.relErr.p90, 4), p99: round(f.goodness.relErr.p99, 4) },
        ...(f.note ? { note: f.note } : {}),
        ...(cautionOf(e) ? { caution: cautionOf(e) } : {}),
      },
    });
  };

  // Direct fits first, then deconvolutions until nothing more separates.
  for (const e of evidence) {
    if (e.reference === null && e.hops.length === 1) record(e, e.hops[0], fitDirect(e.total), e.what);
  }
  const pending = evidence.filter((e) => !(e.reference === null && e.hops.length === 1));
  const why = new Map<Evidence, string>();
  const notSeparated: OverlayNotSeparated[] = [];
  const notSeparatedOf = (e: Evidence, reason: string) =>
    notSeparated.push({ hops: e.hops.map((h) => h.name), components: e.hops.map((h) => h.component), run: e.run.file, evidence: e.what, why: reason });
  let seed = o.seed ?? 1;
  for (;;) {
    // Solvable: exactly one hop of the stretch unknown. Per unknown component, the evidence with the fewest
    // fitted parts wins (a measured reference beats a fitted one), then the one with more requests.
    const solvable = pending.filter((e) => e.hops.filter((h) => !fitted.has(h.component)).length === 1);
    if (!solvable.length) break;
    const pick = new Map<string, Evidence>();
    const knownCount = (e: Evidence) => e.hops.filter((h) => fitted.has(h.component)).length;
    for (const e of solvable) {
      const c = e.hops.find((h) => !fitted.has(h.component))!.component;
      const cur = pick.get(c);
      if (!cur || knownCount(e) < knownCount(cur) || (knownCount(e) === knownCount(cur) && e.total.totalCount > cur.total.totalCount)) pick.set(c, e);
    }
    for (const e of pick.values()) {
      const unknown = e.hops.filter((h) => !fitted.has(h.component));
      const known = e.hops.filter((h) => fitted.has(h.component));
      const parts = [...(e.reference ? [e.reference.sampler] : []), ...known.map((h) => samplerOf(h.component))];
      const reference: Sampler = parts.length ? sumSampler(parts) : (_rng, out) => out.fill(0);
      const f = fitDeconvolved(e.total, reference, { seed: seed++ });
      pending.splice(pending.indexOf(e), 1);
      if ('unseparable' in f) {
        notSeparatedOf(e, f.unseparable);
        continue;
      }
      record(e, unknown[0], f, `${e.what}${e.reference ? `, less ${e.reference.what}` : ''}${known.length ? ` and the fitted ${known.map((h) => h.name).join(', ')}` : ''}`);
    }
  }
  for (const e of pending) {
    const unknown = e.hops.filter((h) => !fitted.has(h.component));
    if (unknown.length) why.set(e, `${unknown.length} hops of it are unknown (${unknown.map((h) => `${h.name}: ${h.component}`).join(', ')}): only their sum is measured`);
  }
  for (const e of pending) {
    const reason = why.get(e);
    if (reason) notSeparatedOf(e, reason);
  }
  if (!evidence.length) {
    notes.push('no run holds data that separates a hop: record segment timings (a gateway access log, the echo\'s timing), a same-run direct control (floor.histogram), or run a ladder of scenarios on the same provider (direct, nodeport, then the topology)');
  }
  const doc: OverlayDoc = {
    apiVersion: OVERLAY_API_VERSION,
    kind: 'CalibrationOverlay',
    metadata: { name: o.name, createdAt: o.createdAt },
    spec: {
      sources: usable.map((x) => ({ file: x.file, scenario: x.result.scenario, provider: x.result.provider, startedAt: x.result.meta.startedAt, rateRps: x.result.load.targetRps, requests: x.result.load.requests })),
      hops: [...fitted.values()],
      notSeparated,
    },
  };
  return { doc, notes };
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;
