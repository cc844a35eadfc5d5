// The scenario document: a small versioned YAML file naming a chain of catalog components with settings.
// The hop shapes come from the catalog entries, so a new component needs no change here.
import { z } from 'zod';
import { CATALOG, COMPONENT_KINDS } from '../catalog/index.ts';

export const API_VERSION = 'exposure-lab.dev/v1alpha1';

export const latencyOverride = z.strictObject({
  medianMs: z.number().min(0).max(60_000),
  p99Ms: z.number().min(0).max(60_000),
  /** Why you override it (e.g. "fitted from EKS run 2026-11-02"). */
  basis: z.string().optional(),
  /** How far you trust these figures (default low: an override without a stated basis is an assumption). */
  confidence: z.enum(['low', 'low-medium', 'medium', 'high']).optional(),
});

const hopName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lower-case DNS label such as "public-nlb"');

/**
 * A gateway hop's own configuration files instead of settings: paths relative to the scenario file. The files
 * decide the settings the catalog's gateway facet lists (userConfig.owns); the lab runs them unchanged.
 */
export const hopConfig = z.strictObject({
  files: z.array(z.string().min(1)).min(1).max(32),
  /** Envoy Gateway: the Gateway the chain reaches ("name" or "namespace/name"), when the files define several. */
  gateway: z.string().min(1).optional(),
  /** Envoy Gateway: that Gateway's listener, when it has several HTTP listeners. */
  listener: z.string().min(1).optional(),
});

function hopSchema(kind: (typeof COMPONENT_KINDS)[number]) {
  const base = {
    component: z.literal(kind),
    /** Unique name of the hop in this scenario; defaults to the component kind. */
    name: hopName.optional(),
    settings: (CATALOG[kind].settings as z.ZodObject).prefault({}),
    /** Replace the catalog's latency model for this hop. */
    latency: latencyOverride.optional(),
  };
  // Only gateways whose product reads its own configuration files take `config`.
  return CATALOG[kind].gateway?.userConfig ? z.strictObject({ ...base, config: hopConfig.optional() }) : z.strictObject(base);
}

export const hopUnion = z.discriminatedUnion(
  'component',
  COMPONENT_KINDS.map(hopSchema) as unknown as [ReturnType<typeof hopSchema>, ...ReturnType<typeof hopSchema>[]],
);

export const scenarioSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal('Scenario'),
  metadata: z.strictObject({
    name: hopName,
    title: z.string().min(1),
    description: z.string().min(1),
    /** The trade-off this topology stands for, in the review's words. */
    tradeoffs: z.strictObject({
      waf: z.string().min(1),
      tls: z.string().min(1),
      certificates: z.string().min(1),
      podAwareRouting: z.string().min(1),
      redundancy: z.string().min(1),
    }),
    /** The scenario this one is a variant of (ip-matrix rows, what-if variants). */
    variantOf: hopName.optional(),
    /** facts/client-ip.md row this scenario reproduces, when it does. */
    factsRow: z.number().int().min(1).optional(),
    labels: z.array(z.string()).default([]),
  }),
  spec: z.strictObject({
    cluster: z
      .strictObject({
        nodes: z.number().int().min(1).max(32).default(3),
        azs: z.number().int().min(1).max(6).default(3),
        /** Services exposed (per-service topologies such as clb-per-service scale with it). */
        services: z.number().int().min(1).max(500).default(1),
      })
      .prefault({}),
    /** client first, service last, the exposure path in between. */
    chain: z.array(hopUnion).min(2),
  }),
});

export type ScenarioDoc = z.infer<typeof scenarioSchema>;
export type HopDoc = ScenarioDoc['spec']['chain'][number];

/** JSON Schema for editors (yaml-language-server), generated from the same definition as the loader. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const s = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...s, $id: 'https://exposure-lab.dev/schemas/scenario-v1alpha1.json', title: 'exposure-lab Scenario' };
}
