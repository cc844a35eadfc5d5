// The calibration overlay file: per-component latency distributions fitted from a team's own runs
// (`exposure-lab calibrate`), loaded by local and model runs with `--calibration <file>`. A small versioned
// YAML document, loaded strictly like scenarios: every problem located (file, line, column, field) with a
// hint. Applying it replaces a hop's catalog model by the fitted one, with the fit as its provenance.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { z } from 'zod';
import { COMPONENT_KINDS } from '../catalog/index.ts';
import type { ComponentKind, LatencyModel } from '../catalog/types.ts';
import { lowestConfidence, type LatencyProvenance, type ParamBasis } from '../catalog/latency.ts';
import { formatDiagnostic, type LocatedDiagnostic } from '../lib/diagnostics.ts';
import { UserError } from '../lib/errors.ts';
import { locate } from '../lib/positions.ts';
import { parseStrictYaml } from '../lib/strict-yaml.ts';
import type { ResolvedHop, Scenario } from '../scenario/model.ts';

export const OVERLAY_API_VERSION = 'exposure-lab.dev/v1alpha1';

const confidence = z.enum(['low', 'low-medium', 'medium', 'high']);
const ms = z.number().positive().max(600_000);

const fitSchema = z.strictObject({
  /** direct: the hop's own per-request timing; deconvolution: a measured total less what is known of it. */
  method: z.enum(['direct', 'deconvolution']),
  /** What the fit rests on, in words. */
  evidence: z.string().min(1),
  /** The hop (name in the run's scenario) it was measured at, and where. */
  hop: z.string().min(1),
  scenario: z.string().min(1),
  provider: z.string().min(1),
  runs: z.array(z.string().min(1)).min(1),
  samples: z.number().int().min(1),
  /** Kolmogorov-Smirnov distance between what the fit predicts and what was measured. */
  ks: z.number().min(0).max(1),
  /** (fitted - measured) / measured at each percentile. */
  relErr: z.strictObject({ p50: z.number(), p90: z.number(), p99: z.number() }),
  note: z.string().optional(),
  caution: z.string().optional(),
});

const hopSchema = z.strictObject({
  component: z.enum(COMPONENT_KINDS as [ComponentKind, ...ComponentKind[]]),
  medianMs: ms,
  p99Ms: ms,
  confidence,
  fit: fitSchema,
});

export const overlaySchema = z.strictObject({
  apiVersion: z.literal(OVERLAY_API_VERSION),
  kind: z.literal('CalibrationOverlay'),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lower-case DNS label such as "team-eks-2026-11"'),
    createdAt: z.string().min(1),
    description: z.string().optional(),
  }),
  spec: z.strictObject({
    /** The runs it was fitted from. */
    sources: z.array(z.strictObject({
      file: z.string().min(1),
      scenario: z.string().min(1),
      provider: z.string().min(1),
      startedAt: z.string().min(1),
      rateRps: z.number().min(0),
      requests: z.number().int().min(0),
    })),
    hops: z.array(hopSchema),
    /** Stretches of paths the runs could not split, and why. */
    notSeparated: z.array(z.strictObject({
      hops: z.array(z.string()).min(1),
      components: z.array(z.string()).min(1),
      run: z.string().min(1),
      evidence: z.string().min(1),
      why: z.string().min(1),
    })).default([]),
  }),
});

export type OverlayDoc = z.infer<typeof overlaySchema>;
export type OverlayHop = OverlayDoc['spec']['hops'][number];
export type OverlayNotSeparated = OverlayDoc['spec']['notSeparated'][number];

export interface Overlay {
  file: string;
  sha256: string;
  doc: OverlayDoc;
}

/** Parses an overlay; never throws: a located problem for everything wrong with it. */
export function parseOverlay(source: string | Uint8Array, file: string): { overlay?: Overlay; diagnostics: LocatedDiagnostic[] } {
  const parsed = parseStrictYaml(source, file, overlaySchema, {
    startFrom: 'a file written by `exposure-lab calibrate` (apiVersion, kind, metadata, spec)',
    formatRef: 'docs/calibration.md',
    choicesRef: 'exposure-lab catalog',
  });
  if (!parsed.data) return { diagnostics: parsed.diagnostics };
  const doc = parsed.data;
  const diagnostics: LocatedDiagnostic[] = [];
  const at = (path: Array<string | number>, code: string, message: string, hint: string) => {
    const pos = locate(parsed.doc, parsed.lc, path);
    diagnostics.push({ severity: 'error', code, file, line: pos.line, column: pos.column, field: path.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '['), message, hint });
  };
  const seen = new Map<string, number>();
  doc.spec.hops.forEach((h, i) => {
    if (h.p99Ms < h.medianMs) at(['spec', 'hops', i, 'p99Ms'], 'overlay-p99-below-median', `p99Ms ${h.p99Ms} is below medianMs ${h.medianMs}`, 'a p99 is at least the median: write the fitted p99');
    const prev = seen.get(h.component);
    if (prev !== undefined) at(['spec', 'hops', i, 'component'], 'overlay-duplicate-component', `component ${h.component} appears twice (also spec.hops[${prev}])`, 'keep one fit per component (exposure-lab calibrate keeps the better-supported one)');
    seen.set(h.component, i);
  });
  if (diagnostics.length) return { diagnostics };
  const bytes = typeof source === 'string' ? Buffer.from(source) : source;
  return { overlay: { file, sha256: createHash('sha256').update(bytes).digest('hex'), doc }, diagnostics: [] };
}

export function loadOverlay(file: string): Overlay {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`calibration overlay ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`}`, 'pass a file written by `exposure-lab calibrate <result.json...> --out <file>`');
  }
  const { overlay, diagnostics } = parseOverlay(bytes, file);
  if (!overlay) throw new UserError(`${file} has ${diagnostics.length} error(s):\n${diagnostics.map(formatDiagnostic).join('\n')}`, 'fix them, or write the file again with `exposure-lab calibrate`; the format is in docs/calibration.md', 1);
  return overlay;
}

/** The overlay as YAML, with a header saying what it is and how to use it. */
export function overlayYaml(doc: OverlayDoc): string {
  return [
    '# Calibration overlay: latency distributions fitted from measured runs (exposure-lab calibrate).',
    '# Use: exposure-lab bench <scenario> --calibration <this file>   (local and model providers)',
    '# Format and method: docs/calibration.md',
    stringify(doc, { lineWidth: 0 }),
  ].join('\n');
}

/** What applying an overlay to a scenario did, for result.json (meta.settings.calibrationOverlay) and the report. */
export interface OverlayApplication {
  file: string;
  sha256: string;
  name: string;
  applied: Array<{ hop: string; component: string; medianMs: number; p99Ms: number; confidence: string; from: string }>;
  /** Hops of the scenario the overlay has no fit for: they keep the catalog's model. */
  catalog: string[];
  notSeparated: string[];
}

function fittedModel(base: LatencyModel, h: OverlayHop, file: string): LatencyModel {
  const f = h.fit;
  const fit = `${f.method} fit of ${f.hop} (${f.scenario}, ${f.provider}) from ${f.evidence}; ${f.samples} requests, KS ${f.ks}, error p50 ${pct(f.relErr.p50)}, p90 ${pct(f.relErr.p90)}, p99 ${pct(f.relErr.p99)}${f.caution ? `; ${f.caution}` : ''}`;
  const b: ParamBasis = { basis: 'calibration', file, fit, confidence: h.confidence };
  // The new-connection extra is not fitted (runs measure warm connections): it stays the catalog's.
  const provenance: LatencyProvenance = { ...base.provenance, medianMs: b, p99Ms: b };
  return {
    ...base,
    medianMs: h.medianMs,
    p99Ms: h.p99Ms,
    provenance,
    confidence: lowestConfidence(provenance),
    basis: `calibrated from ${file}: ${f.method} fit of ${f.hop} (${f.provider})`,
    origin: 'calibration',
    overridden: false,
  };
}

/**
 * The scenario with every hop whose component the overlay fitted using the fitted distribution instead of
 * the catalog's (a scenario file's own override wins: the user said so for this hop).
 */
export function applyOverlay(s: Scenario, o: Overlay): { scenario: Scenario; application: OverlayApplication } {
  const byKind = new Map(o.doc.spec.hops.map((h) => [h.component, h]));
  const application: OverlayApplication = {
    file: o.file,
    sha256: o.sha256,
    name: o.doc.metadata.name,
    applied: [],
    catalog: [],
    notSeparated: o.doc.spec.notSeparated.map((n) => `${n.hops.join(' + ')} (${n.run}): ${n.why}`),
  };
  const hops: ResolvedHop[] = s.hops.map((h) => {
    if (h.entry.position) return h; // the chain's ends: the client's RTT and the service's processing are settings
    const fit = byKind.get(h.component);
    if (!fit || h.latency.origin === 'scenario') {
      application.catalog.push(`${h.name} (${h.component})${h.latency.origin === 'scenario' ? ': the scenario file overrides it' : ''}`);
      return h;
    }
    application.applied.push({ hop: h.name, component: h.component, medianMs: fit.medianMs, p99Ms: fit.p99Ms, confidence: fit.confidence, from: `${fit.fit.method} fit, ${fit.fit.samples} requests, KS ${fit.fit.ks}` });
    return { ...h, latency: fittedModel(h.latency, fit, o.file) };
  });
  return { scenario: { ...s, hops }, application };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
