// Before a run creates anything in AWS: who the caller is (STS GetCallerIdentity), the region, the quotas the
// run will consume (VPC links, API Gateway APIs) against what is already in use, the inputs it needs that the
// lab cannot invent (a certificate ARN), and what the run costs per hour while it is up (the cost engine,
// modeled). The caller then proceeds only with --yes or an interactive confirmation.
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { GetServiceQuotaCommand, ListServiceQuotasCommand } from '@aws-sdk/client-service-quotas';
import type { Scenario } from '../scenario/model.ts';
import { availableRegions, priceScenario, type Profile } from '../cost/index.ts';
import { explain } from './errors.ts';
import type { AwsClients } from './clients.ts';
import type { AwsInputs } from './run.ts';
import type { AwsPlan } from './plan.ts';
import { AWS_REALIZERS, type QuotaKey } from './realizers.ts';
import { listVpcLinksV1, listVpcLinksV2 } from './resources/vpc-link.ts';
import { listRestApis } from './resources/rest-api.ts';
import { listHttpApis } from './resources/http-api.ts';

/** A quota the lab checks: how to count what is in use, and where its limit comes from. */
interface QuotaSpec {
  title: string;
  /** Service Quotas code when the lab knows it; otherwise matched by name. */
  code?: string;
  namePattern: RegExp;
  /** The documented default (API Gateway developer guide quota tables), when one is documented. */
  documentedDefault?: number;
  adjustable: boolean;
  inUse(c: AwsClients): Promise<number>;
  free: string;
}

export const QUOTAS: Record<QuotaKey, QuotaSpec> = {
  'vpc-links-v2': {
    title: 'API Gateway VPC links v2 per account per Region',
    code: 'L-608BDCD4',
    namePattern: /^VPC links per account per Region$/i,
    documentedDefault: 10,
    adjustable: true,
    inUse: async (c) => (await listVpcLinksV2(c)).length,
    free: 'delete unused VPC links v2 (aws apigatewayv2 get-vpc-links)',
  },
  'vpc-links-v1': {
    title: 'API Gateway VPC links v1 (REST) per account per Region',
    namePattern: /VPC links/i,
    adjustable: true,
    inUse: async (c) => (await listVpcLinksV1(c)).length,
    free: 'delete unused VPC links v1 (aws apigateway get-vpc-links)',
  },
  'regional-apis': {
    title: 'API Gateway regional REST APIs per Region',
    namePattern: /^Regional APIs per Region$/i,
    documentedDefault: 600,
    adjustable: false,
    inUse: async (c) => (await listRestApis(c)).length,
    free: 'delete unused REST APIs (aws apigateway get-rest-apis)',
  },
  'http-apis': {
    title: 'API Gateway HTTP APIs per Region',
    namePattern: /^APIs per account per Region$/i,
    adjustable: false,
    inUse: async (c) => (await listHttpApis(c)).length,
    free: 'delete unused HTTP APIs (aws apigatewayv2 get-apis)',
  },
};

export interface QuotaCheck {
  key: QuotaKey;
  title: string;
  inUse: number;
  needed: number;
  /** null when neither Service Quotas nor the documentation gives a value. */
  limit: number | null;
  source: string;
  ok: boolean;
}

export interface PrecheckReport {
  account: string;
  arn: string;
  region: string;
  quotas: QuotaCheck[];
  missingInputs: string[];
  /** Modeled cost per hour while the run's resources exist, in USD. */
  costPerHourUsd: number | null;
  costBasis: string;
  creates: string[];
  failures: string[];
  warnings: string[];
}

async function quotaValue(c: AwsClients, q: QuotaSpec): Promise<{ value: number | null; source: string }> {
  try {
    if (q.code) {
      const r = await c.quotas.send(new GetServiceQuotaCommand({ ServiceCode: 'apigateway', QuotaCode: q.code }));
      if (r.Quota?.Value !== undefined) return { value: r.Quota.Value, source: `Service Quotas ${q.code}` };
    } else {
      let token: string | undefined;
      for (let page = 0; page < 20; page++) {
        const r = await c.quotas.send(new ListServiceQuotasCommand({ ServiceCode: 'apigateway', NextToken: token }));
        const hit = r.Quotas?.find((x) => q.namePattern.test(x.QuotaName ?? ''));
        if (hit?.Value !== undefined) return { value: hit.Value, source: `Service Quotas ${hit.QuotaCode} "${hit.QuotaName}"` };
        token = r.NextToken;
        if (!token) break;
      }
    }
    return q.documentedDefault !== undefined ? { value: q.documentedDefault, source: 'documented default (Service Quotas has no value for it)' } : { value: null, source: 'not listed in Service Quotas' };
  } catch (e) {
    const why = `Service Quotas not readable: ${explain(e).code}`;
    return q.documentedDefault !== undefined ? { value: q.documentedDefault, source: `documented default (${why})` } : { value: null, source: why };
  }
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

/** The checks, without asking anything: the report says what failed and what to do. */
export async function precheck(o: { clients: AwsClients; scenario: Scenario; plan: AwsPlan; inputs: AwsInputs; profile?: Profile; rateRps?: number }): Promise<PrecheckReport> {
  const { clients, plan } = o;
  const region = clients.target.region;
  const rep: PrecheckReport = { account: '', arn: '', region, quotas: [], missingInputs: [], costPerHourUsd: null, costBasis: '', creates: [], failures: [], warnings: [] };
  if (!REGION.test(region)) rep.failures.push(`region "${region}" is not an AWS region code: set AWS_REGION to the EKS cluster's region (e.g. us-east-1)`);
  try {
    const id = await clients.sts.send(new GetCallerIdentityCommand({}));
    rep.account = id.Account ?? '';
    rep.arn = id.Arn ?? '';
  } catch (e) {
    const x = explain(e, 'sts GetCallerIdentity');
    rep.failures.push(`credentials: ${x.message}; ${x.hint}`);
    return rep;
  }
  // Quotas: one unit per planned hop that uses one.
  const need = new Map<QuotaKey, number>();
  for (const p of plan.hops) {
    if (p.kind.by !== 'aws-sdk') continue;
    const r = AWS_REALIZERS[p.kind.sdk];
    rep.creates.push(`${r.title} for ${p.hop.name}`);
    for (const k of r.quotas(p.hop.settings)) need.set(k, (need.get(k) ?? 0) + 1);
    rep.missingInputs.push(...(r.missingInputs?.(p.hop.settings, o.inputs) ?? []));
  }
  for (const [key, needed] of need) {
    const q = QUOTAS[key];
    let inUse: number;
    try {
      inUse = await q.inUse(clients);
    } catch (e) {
      const x = explain(e);
      rep.failures.push(`quota ${q.title}: cannot count what is in use: ${x.message}; ${x.hint}`);
      continue;
    }
    const { value, source } = await quotaValue(clients, q);
    const ok = value === null || inUse + needed <= value;
    rep.quotas.push({ key, title: q.title, inUse, needed, limit: value, source, ok });
    if (!ok)
      rep.failures.push(
        `quota ${q.title}: ${inUse} in use + ${needed} for this run > ${value} (${source}): ${q.free}${q.adjustable ? `, or raise it in Service Quotas${q.code ? ` (apigateway ${q.code})` : ''}` : ' (not adjustable)'}`,
      );
    else if (value === null) rep.warnings.push(`quota ${q.title}: ${inUse} in use + ${needed} for this run; the limit is unknown here (${source})`);
  }
  for (const m of rep.missingInputs) rep.failures.push(`missing input ${m}`);
  if (o.profile) {
    const profile = { ...o.profile, region: availableRegions().includes(region) ? region : o.profile.region, ...(o.rateRps ? { requestsPerSecond: o.rateRps } : {}) };
    if (profile.region !== region) rep.warnings.push(`no price snapshot for ${region}: the cost is estimated with ${profile.region} prices`);
    try {
      const bill = priceScenario(o.scenario, profile);
      rep.costPerHourUsd = bill.monthlyUsd / profile.hoursPerMonth;
      rep.costBasis = `modeled by the cost engine: profile ${profile.name} at ${profile.requestsPerSecond} req/s, ${bill.region} prices of ${bill.snapshotDate}, the whole topology (load balancers, API Gateway, WAF, CloudFront, EKS) while it exists`;
    } catch (e) {
      rep.warnings.push(`cost not estimated: ${(e as Error).message}`);
    }
  }
  return rep;
}

export function precheckLines(r: PrecheckReport): string[] {
  const lines = [`AWS prechecks (region ${r.region}):`];
  if (r.arn) lines.push(`  ok    caller ${r.arn} (account ${r.account})`);
  for (const q of r.quotas) lines.push(`  ${q.ok ? 'ok   ' : 'FAIL '} ${q.title}: ${q.inUse} in use + ${q.needed} for this run, limit ${q.limit ?? 'unknown'} (${q.source})`);
  if (r.costPerHourUsd !== null) lines.push(`  cost  ~$${r.costPerHourUsd.toFixed(r.costPerHourUsd < 1 ? 3 : 2)} per hour while provisioned (${r.costBasis})`);
  for (const c of r.creates) lines.push(`  will create: ${c}`);
  for (const w of r.warnings) lines.push(`  warn  ${w}`);
  for (const f of r.failures) lines.push(`  FAIL  ${f}`);
  return lines;
}
