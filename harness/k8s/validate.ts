// Validation of every generated object before it goes near a cluster: core kinds with kubernetes-models
// (the Kubernetes OpenAPI schemas), custom resources with the pinned real CRDs (crds.ts) and crd-schemas.ts,
// annotation vocabularies with crd-schemas.ts, and the
// lab's own invariants (run label on every run-owned object, DNS-1123 names, label value syntax).
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import type { K8sObject, Manifest } from './types.ts';
import { CRD_SCHEMAS, ingressAnnotationSchema, ingressNginxConfigSchema, serviceAnnotationSchema } from './crd-schemas.ts';
import { LABELS, isDnsLabel, isLabelValue } from './names.ts';
import { INGRESS_NGINX_CONFIGMAP } from './ingress-nginx.ts';
import { validateAgainstCrd } from '../tools/crds.ts';
import type { z } from 'zod';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const CORE: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
};

export function objectKey(o: K8sObject): string {
  return `${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`;
}

function annotationProblems(ann: Record<string, string> | undefined, vocab: Record<string, z.ZodType<string>>, prefixes: string[]): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(ann ?? {})) {
    if (!prefixes.some((p) => k.startsWith(p))) continue;
    const schema = vocab[k];
    if (!schema) {
      out.push(`annotation ${k} is not one the lab knows (misspelt?)`);
      continue;
    }
    const r = schema.safeParse(v);
    if (!r.success) out.push(`annotation ${k}="${v}": ${r.error.issues.map((i) => i.message).join('; ')}`);
  }
  return out;
}

/** Problems with one object; empty when valid. */
export function validateObject(o: K8sObject, opts: { requireRunLabel?: boolean } = {}): string[] {
  const key = `${o.apiVersion}/${o.kind}`;
  const out: string[] = [];
  const core = CORE[key];
  if (core) {
    try {
      new core(o).validate();
    } catch (e) {
      out.push(`schema: ${(e as Error).message}`);
    }
    if ((o.kind === 'Service' || o.kind === 'Namespace') && !isDnsLabel(o.metadata.name)) out.push(`name "${o.metadata.name}" is not a DNS-1123 label`);
    if (o.kind === 'Service') out.push(...annotationProblems(o.metadata.annotations, serviceAnnotationSchema, ['service.beta.kubernetes.io/aws-']));
    if (o.kind === 'Ingress') out.push(...annotationProblems(o.metadata.annotations, ingressAnnotationSchema, ['alb.ingress.kubernetes.io/']));
    if (o.kind === 'ConfigMap' && o.metadata.name === INGRESS_NGINX_CONFIGMAP) {
      const r = ingressNginxConfigSchema.safeParse(o.data);
      if (!r.success) out.push(...r.error.issues.map((i) => `ingress-nginx ConfigMap ${i.path.join('.')}: ${i.message}`));
    }
  } else {
    // The real CRD (its openAPIV3Schema, unknown fields rejected) when the pinned bundles are installed, and
    // the lab's own schema of the fields it uses, which also carries the CRDs' CEL rules (mutual exclusions).
    const real = validateAgainstCrd(o);
    if (real) out.push(...real.map((p) => `CRD schema ${p.path.join('.')}: ${p.message}`));
    const schema = CRD_SCHEMAS[key];
    if (!schema && !real) out.push(`no schema for ${key}: the lab does not generate it knowingly`);
    else if (schema) {
      const r = schema.safeParse(o);
      if (!r.success) out.push(...r.error.issues.map((i) => `schema ${i.path.join('.')}: ${i.message}`));
    }
  }
  for (const [k, v] of Object.entries(o.metadata.labels ?? {})) if (!isLabelValue(v)) out.push(`label ${k}="${v}" is not a valid label value`);
  if (opts.requireRunLabel && !o.metadata.labels?.[LABELS.runId]) out.push(`missing label ${LABELS.runId} (teardown and leak sweeps could not find it)`);
  return out;
}

/** Every problem in a manifest, each prefixed with the object it is about. */
export function validateManifest(m: Manifest): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const e of m.entries) {
    const k = `${e.object.apiVersion}/${objectKey(e.object)}`;
    if (seen.has(k)) out.push(`${objectKey(e.object)}: generated twice`);
    seen.add(k);
    for (const p of validateObject(e.object, { requireRunLabel: e.ownership === 'run' })) out.push(`${objectKey(e.object)}: ${p}`);
  }
  const ports = m.nodePorts.map((p) => p.nodePort).filter((p): p is number => p !== undefined);
  if (new Set(ports).size !== ports.length) out.push('a NodePort is used twice');
  for (const p of ports) if (p < 30000 || p > 32767) out.push(`NodePort ${p} is outside the default range 30000-32767`);
  return out;
}
