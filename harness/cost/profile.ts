// Traffic profiles (profiles/*.yaml): strict loading with the scenario loader's quality: every problem at
// once, each with file, line, column, field, what is wrong and what to do.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../lib/errors.ts';
import { formatDiagnostic, type LocatedDiagnostic } from '../lib/diagnostics.ts';
import { locate } from '../lib/positions.ts';
import { parseStrictYaml } from '../lib/strict-yaml.ts';
import { availableRegions } from './prices.ts';
import { DEFAULT_HOURS_PER_MONTH, MAX_MONTH_HOURS, MIN_MONTH_HOURS } from './hours.ts';
import { HTTP_METHODS, type Profile } from './types.ts';

export const PROFILE_API_VERSION = 'exposure-lab.dev/v1alpha1';
const nonNeg = z.number().min(0);

export const profileSchema = z.strictObject({
  apiVersion: z.literal(PROFILE_API_VERSION),
  kind: z.literal('TrafficProfile'),
  metadata: z.strictObject({
    name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a lower-case DNS label such as "medium"'),
    description: z.string().min(1),
  }),
  spec: z.strictObject({
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region code such as "us-east-1"'),
    hoursPerMonth: z.number().positive().max(MAX_MONTH_HOURS).default(DEFAULT_HOURS_PER_MONTH),
    monthLengthHours: z.number().min(MIN_MONTH_HOURS).max(MAX_MONTH_HOURS).optional(),
    requestsPerSecond: nonNeg,
    newConnectionsPerSecond: nonNeg,
    activeConnections: nonNeg,
    requestBytes: z.number().int().min(0).max(10_485_760),
    responseBytes: z.number().int().min(0).max(1_073_741_824),
    https: z.boolean(),
    methodMix: z.strictObject(Object.fromEntries(HTTP_METHODS.map((m) => [m, z.number().min(0).max(1).optional()])) as Record<(typeof HTTP_METHODS)[number], z.ZodOptional<z.ZodNumber>>)
      .optional(),
    hourlyShape: z.array(nonNeg).length(24).refine((a) => a.some((v) => v > 0), 'a list of 24 numbers, at least one above 0').optional(),
    upstreamRequestsPerConnection: z.number().min(1).default(1000),
    upstreamConnectionLifetimeS: z.number().positive().default(60),
    freeTiers: z.strictObject({
      alwaysFree: z.boolean().default(false),
      newAccount12Months: z.boolean().default(false),
    }).prefault({}),
    cluster: z.strictObject({
      controlPlane: z.enum(['standard', 'extended', 'none']).default('standard'),
      natGateways: z.number().int().min(0).max(16).default(0),
      natProcessedGbPerMonth: nonNeg.default(0),
    }).prefault({}),
    dnsNonAliasQueriesPerSecond: nonNeg.default(0),
  }),
});
export type ProfileDoc = z.infer<typeof profileSchema>;

export interface ProfileLoad {
  profile?: Profile;
  diagnostics: LocatedDiagnostic[];
}

export function loadProfileText(source: string | Uint8Array, file: string, regions = availableRegions()): ProfileLoad {
  const parsed = parseStrictYaml(source, file, profileSchema, {
    startFrom: 'profiles/medium.yaml (apiVersion, kind, metadata, spec)',
    formatRef: 'the profile format in profiles/README.md',
  });
  if (!parsed.data) return { diagnostics: parsed.diagnostics };
  if (!regions.includes(parsed.data.spec.region)) {
    const pos = locate(parsed.doc, parsed.lc, ['spec', 'region']);
    return {
      diagnostics: [{ severity: 'error', code: 'profile-region-unpriced', file, line: pos.line, column: pos.column, field: 'spec.region',
        message: `no price snapshot for region "${parsed.data.spec.region}"`, hint: `use one of: ${regions.join(', ')} (or add a snapshot: exposure-lab prices refresh --region ${parsed.data.spec.region})` }],
    };
  }
  const { monthLengthHours, hoursPerMonth, methodMix } = parsed.data.spec;
  const mixSum = methodMix ? Object.values(methodMix).reduce<number>((a, v) => a + (v ?? 0), 0) : 1;
  if (Math.abs(mixSum - 1) > 1e-6) {
    const pos = locate(parsed.doc, parsed.lc, ['spec', 'methodMix']);
    return {
      diagnostics: [{ severity: 'error', code: 'profile-method-mix-sum', file, line: pos.line, column: pos.column, field: 'spec.methodMix',
        message: `the shares add up to ${+mixSum.toFixed(6)}, not 1`, hint: 'give the share of requests of each method so that they add up to 1, e.g. { GET: 0.9, POST: 0.1 }' }],
    };
  }
  if (monthLengthHours !== undefined && monthLengthHours < hoursPerMonth) {
    const pos = locate(parsed.doc, parsed.lc, ['spec', 'monthLengthHours']);
    return {
      diagnostics: [{ severity: 'error', code: 'profile-month-too-short', file, line: pos.line, column: pos.column, field: 'spec.monthLengthHours',
        message: `a ${monthLengthHours}-hour month cannot hold hoursPerMonth ${hoursPerMonth}`, hint: `set monthLengthHours to at least ${hoursPerMonth} (a calendar month: 672, 696, 720 or 744), or lower hoursPerMonth` }],
    };
  }
  return { profile: toProfile(parsed.data, file), diagnostics: [] };
}

export function toProfile(d: ProfileDoc, source: string): Profile {
  const s = d.spec;
  return {
    name: d.metadata.name, description: d.metadata.description, source,
    region: s.region, hoursPerMonth: s.hoursPerMonth, ...(s.monthLengthHours !== undefined ? { monthLengthHours: s.monthLengthHours } : {}),
    requestsPerSecond: s.requestsPerSecond, newConnectionsPerSecond: s.newConnectionsPerSecond, activeConnections: s.activeConnections,
    requestBytes: s.requestBytes, responseBytes: s.responseBytes, https: s.https, hourlyShape: s.hourlyShape, ...(s.methodMix ? { methodMix: s.methodMix } : {}),
    upstreamRequestsPerConnection: s.upstreamRequestsPerConnection, upstreamConnectionLifetimeS: s.upstreamConnectionLifetimeS,
    freeTiers: s.freeTiers, cluster: s.cluster, dnsNonAliasQueriesPerSecond: s.dnsNonAliasQueriesPerSecond,
  };
}

/** Loads a profile or throws a UserError listing every located problem. */
export function loadProfile(file: string): Profile {
  let source: Uint8Array;
  try {
    source = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`profile ${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`}`, 'pass a traffic profile such as profiles/medium.yaml');
  }
  const { profile, diagnostics } = loadProfileText(source, file);
  if (!profile) {
    throw new UserError(`${file} has ${diagnostics.length} error(s):\n${diagnostics.map(formatDiagnostic).join('\n')}`, 'fix them; the format is described in profiles/README.md and in the comments of profiles/medium.yaml', 1);
  }
  return profile;
}
