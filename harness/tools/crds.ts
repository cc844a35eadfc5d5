// Validation of custom resources against the real CRDs the lab pins (Gateway API v1.6.1 experimental channel,
// Envoy Gateway v1.9.1: `make setup` copies them out of those modules, tools/registry toolDir): each CRD's
// openAPIV3Schema through ajv, with unknown fields rejected as the API server's strict field validation does
// (structural schemas prune unknown fields unless x-kubernetes-preserve-unknown-fields). CEL rules
// (x-kubernetes-validations) are not evaluated here: Envoy Gateway's own translator (egctl x translate) judges
// the objects as a whole. Returns null when the CRDs are not installed, so callers can say so.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { toolDir } from './registry.ts';

/** CRD bundles: tool name and the folder inside it that holds the CRD files. */
const BUNDLES: Array<{ tool: string; dir: string }> = [
  { tool: 'gateway-api-crds', dir: 'experimental' },
  { tool: 'envoy-gateway-crds', dir: 'generated' },
];

type JsonSchema = Record<string, unknown>;

/** Strict copy of a CRD schema: objects with declared properties reject undeclared ones; K8s int-or-string allowed. */
export function strictSchema(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(strictSchema);
  if (!s || typeof s !== 'object') return s;
  const o: JsonSchema = {};
  for (const [k, v] of Object.entries(s as JsonSchema)) {
    // Keywords ajv does not know: kept out (CEL rules, list/map types, descriptions are noise here).
    if (k.startsWith('x-kubernetes-') || k === 'description') continue;
    o[k] = k === 'properties' || k === 'patternProperties' || k === 'definitions'
      ? Object.fromEntries(Object.entries(v as JsonSchema).map(([pk, pv]) => [pk, strictSchema(pv)]))
      : strictSchema(v);
  }
  const src = s as JsonSchema;
  if (src['x-kubernetes-int-or-string']) {
    delete o.type;
    o.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (o.type === 'object' && o.properties && o.additionalProperties === undefined && !src['x-kubernetes-preserve-unknown-fields']) o.additionalProperties = false;
  return o;
}

/** group/kind -> the CRD file defining it (found by a cheap scan; a file is parsed only when its kind is needed). */
let index: Map<string, string> | null | undefined;
const schemas = new Map<string, JsonSchema | null>();
const compiled = new Map<string, ValidateFunction>();
let ajv: Ajv | undefined;

function crdIndex(): Map<string, string> | null {
  if (index !== undefined) return index;
  const out = new Map<string, string>();
  for (const b of BUNDLES) {
    const root = toolDir(b.tool);
    const dir = root && path.join(root, b.dir);
    if (!dir || !existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      const group = /^ {2}group: (\S+)$/m.exec(text)?.[1];
      const kind = /^ {2}names:\n(?: {4}.*\n)*? {4}kind: (\S+)$/m.exec(text)?.[1];
      if (group && kind) out.set(`${group}/${kind}`, path.join(dir, f));
    }
  }
  index = out.size ? out : null;
  return index;
}

/** The strict schema of apiVersion/kind from its CRD file, or null. */
function crdSchema(apiVersion: string, kind: string): JsonSchema | null {
  const key = `${apiVersion}/${kind}`;
  if (schemas.has(key)) return schemas.get(key)!;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const file = crdIndex()?.get(`${group}/${kind}`);
  let found: JsonSchema | null = null;
  if (file) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS() as { kind?: string; spec?: { versions: Array<{ name: string; served?: boolean; schema?: { openAPIV3Schema?: JsonSchema } }> } } | null;
      if (crd?.kind !== 'CustomResourceDefinition' || !crd.spec) continue;
      const v = crd.spec.versions.find((x) => x.name === version && x.served !== false);
      if (!v?.schema?.openAPIV3Schema) continue;
      found = strictSchema(v.schema.openAPIV3Schema) as JsonSchema;
      // metadata is the API server's (ObjectMeta), not the CRD's: any object passes here.
      if (found.properties) (found.properties as JsonSchema).metadata = { type: 'object' };
    }
  }
  schemas.set(key, found);
  return found;
}

/** The compiled validator of one kind, compiled on first use (the EnvoyProxy schema alone is large). */
function validatorFor(apiVersion: string, kind: string): ValidateFunction | null {
  const key = `${apiVersion}/${kind}`;
  const hit = compiled.get(key);
  if (hit) return hit;
  const schema = crdSchema(apiVersion, kind);
  if (!schema) return null;
  ajv ??= new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const v = ajv.compile(schema);
  compiled.set(key, v);
  return v;
}

export interface CrdProblem {
  /** JSON path inside the object, as segments. */
  path: Array<string | number>;
  message: string;
}

function segments(instancePath: string): Array<string | number> {
  return instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function explain(e: ErrorObject): CrdProblem {
  const path = segments(e.instancePath);
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { path: [...path, extra], message: `unknown field "${extra}" (not in the CRD schema)` };
  }
  if (e.keyword === 'enum') return { path, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}` };
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    return { path: [...path, missing], message: `required field "${missing}" is missing` };
  }
  return { path, message: e.message ?? e.keyword };
}

/**
 * Problems of one object against its CRD: [] when valid, null when no CRD for it is installed (or it is not a
 * custom resource the bundles define).
 */
export function validateAgainstCrd(o: { apiVersion?: unknown; kind?: unknown; [field: string]: unknown }): CrdProblem[] | null {
  const v = validatorFor(String(o.apiVersion), String(o.kind));
  if (!v) return null;
  if (v(o)) return [];
  // One message per path: ajv reports an anyOf failure once per branch.
  const seen = new Set<string>();
  const out: CrdProblem[] = [];
  for (const e of v.errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    const p = explain(e);
    const key = `${p.path.join('.')}: ${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** group/kind pairs the installed CRDs define ("gateway.envoyproxy.io/Backend"). */
export function crdKinds(): string[] {
  return [...(crdIndex()?.keys() ?? [])];
}
