// Rebuilding a price snapshot from the AWS Price List API. Only runs with AWS credentials present: the
// check below looks at the standard places WITHOUT any network call (the SDK's default chain would probe
// the EC2 instance metadata address). Prices the API cannot give (or that fail) are carried over from the
// previous snapshot and say so in their source.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotDoc } from './prices.ts';

/** Where credentials were found, or null. Reads only environment variables and file existence. */
export function findCredentials(env: NodeJS.ProcessEnv = process.env, home = homedir()): string | null {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'environment (AWS_ACCESS_KEY_ID)';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return 'container credentials endpoint';
  const credFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  const confFile = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  if (existsSync(credFile)) return `shared credentials file ${credFile}`;
  if (env.AWS_PROFILE && existsSync(confFile)) return `profile ${env.AWS_PROFILE} in ${confFile}`;
  return null;
}

export const CREDENTIAL_PLACES = 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE+AWS_ROLE_ARN, container credentials, ~/.aws/credentials, AWS_PROFILE in ~/.aws/config';

/** One price dimension of a Price List product (terms.OnDemand.*.priceDimensions.*). */
export interface PriceDimension {
  beginRange: number;
  endRange: number | null;
  usd: string;
  unit: string;
  description: string;
}

/** The on-demand price dimensions of one Price List item (the API returns each product as a JSON string). */
export function onDemandDimensions(item: string | Record<string, any>): PriceDimension[] {
  const doc = typeof item === 'string' ? JSON.parse(item) : item;
  const out: PriceDimension[] = [];
  for (const term of Object.values<any>(doc?.terms?.OnDemand ?? {})) {
    for (const d of Object.values<any>(term.priceDimensions ?? {})) {
      const usd = String(d.pricePerUnit?.USD ?? '');
      if (!/^\d+(\.\d+)?$/.test(usd)) continue;
      out.push({
        beginRange: Number(d.beginRange ?? 0),
        endRange: d.endRange === undefined || d.endRange === 'Inf' ? null : Number(d.endRange),
        usd: trimDecimal(usd), unit: String(d.unit ?? ''), description: String(d.description ?? ''),
      });
    }
  }
  return out.sort((a, b) => a.beginRange - b.beginRange);
}

/** "0.0225000000" -> "0.0225" (the snapshot keeps at most 9 fraction digits; more would be an error). */
export function trimDecimal(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') || '0' : s;
}

/** Multiplies a decimal string by a power of ten exactly ("0.0000035" x 1e6 = "3.5"): per request -> per million. */
export function shiftDecimal(usd: string, scale: number): string {
  const places = Math.round(Math.log10(scale));
  if (10 ** places !== scale) throw new Error(`scale must be a power of ten, got ${scale}`);
  const [w, f = ''] = usd.split('.');
  const pos = w.length + places;
  const digits = (w + f).padEnd(pos, '0');
  const whole = digits.slice(0, pos).replace(/^0+(?=\d)/, '');
  return trimDecimal(`${whole}.${digits.slice(pos)}`);
}

/** A snapshot price from dimensions: one dimension is flat; several contiguous ranges are tiers. */
export function toSnapshotPrice(dims: PriceDimension[], unit: string, source: string, scale = 1): SnapshotDoc['prices'][string] | null {
  const paid = dims;
  if (!paid.length) return null;
  if (paid.length === 1) return { unit, usd: shiftDecimal(paid[0].usd, scale), source, uncertain: false };
  return { unit, tiers: paid.map((d) => ({ upTo: d.endRange === null ? null : d.endRange / scale, usd: shiftDecimal(d.usd, scale) })), source, uncertain: false };
}

/** Price List API queries per snapshot key (ServiceCode + TERM_MATCH filters). Unverified here: no credentials. */
export function priceQueries(region: string): Record<string, { serviceCode: string; filters: Record<string, string>; unit: string; scale?: number }> {
  return {
    'alb.hour': { serviceCode: 'AWSELB', filters: { regionCode: region, productFamily: 'Load Balancer-Application', group: 'ELB:Balancer' }, unit: 'ALB-hour' },
    'alb.lcu-hour': { serviceCode: 'AWSELB', filters: { regionCode: region, productFamily: 'Load Balancer-Application', group: 'ELB:Balancing' }, unit: 'LCU-hour' },
    'nlb.hour': { serviceCode: 'AWSELB', filters: { regionCode: region, productFamily: 'Load Balancer-Network', group: 'ELB:Balancer' }, unit: 'NLB-hour' },
    'nlb.nlcu-hour': { serviceCode: 'AWSELB', filters: { regionCode: region, productFamily: 'Load Balancer-Network', group: 'ELB:Balancing' }, unit: 'NLCU-hour' },
    'clb.hour': { serviceCode: 'AWSELB', filters: { regionCode: region, productFamily: 'Load Balancer', group: 'ELB:Balancer' }, unit: 'CLB-hour' },
    'clb.gb': { serviceCode: 'AWSELB', filters: { regionCode: region, productFamily: 'Load Balancer', group: 'ELB:Balancing' }, unit: 'GB processed' },
    'apigw-rest.requests': { serviceCode: 'AmazonApiGateway', filters: { regionCode: region, operation: 'ApiGatewayRequest' }, unit: 'million requests', scale: 1e6 },
    'apigw-http.requests': { serviceCode: 'AmazonApiGateway', filters: { regionCode: region, operation: 'ApiGatewayHttpApi' }, unit: 'million requests', scale: 1e6 },
    'nat.hour': { serviceCode: 'AmazonEC2', filters: { regionCode: region, productFamily: 'NAT Gateway', group: 'NGW:NatGateway' }, unit: 'NAT gateway-hour' },
    'eks.cluster-hour': { serviceCode: 'AmazonEKS', filters: { regionCode: region, tiertype: 'HAStandard' }, unit: 'cluster-hour' },
    'ec2.m6i.large.hour': { serviceCode: 'AmazonEC2', filters: { regionCode: region, instanceType: 'm6i.large', operatingSystem: 'Linux', tenancy: 'Shared', preInstalledSw: 'NA', capacitystatus: 'Used' }, unit: 'instance-hour' },
  };
}
