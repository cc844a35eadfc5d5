// The state of one run's AWS side while it is provisioned: the clients, the tags, what each hop realized (its
// address, ARN, listener) for the hop in front of it, and the ledger of what was created. The ledger is what
// undo works through, and what is left in it after an undo is what could not be undone (printed with the
// sweep command that removes it).
import type { AwsClients } from './clients.ts';
import { labTags, runTag, type TagMap } from './tags.ts';

/** Every kind of resource the lab creates with the SDK (sweep.ts knows how to list and delete each). */
export type ResourceKind =
  | 'rest-api'
  | 'http-api'
  | 'vpc-link-v1'
  | 'vpc-link-v2'
  | 'web-acl'
  | 'web-acl-association'
  | 'distribution'
  | 'load-balancer'
  | 'target-group'
  | 'listener'
  | 'security-group'
  | 'security-group-rule'
  | 'dns-record'
  | 'origin-lock';

export interface Created {
  kind: ResourceKind;
  /** The id the delete call takes (API id, ARN, distribution id, record name, ...). */
  id: string;
  arn?: string;
  hop: string;
  /** Readable one-liner for logs. */
  label: string;
  /** What the delete needs besides the id (WAF scope and name, hosted zone, revoked rules, ...). */
  extra?: Record<string, string>;
}

/** What a realized hop offers the hop in front of it. */
export interface HopOutput {
  /** DNS name the next hop (or the client) sends to. */
  dnsName: string;
  /** Port it listens on for the hop in front. */
  port: number;
  /** Full URL the client uses when this hop is the entry (API Gateway invoke URL, https://<distribution>). */
  url?: string;
  arn?: string;
  /** Load balancers: the listener the hop in front targets (HTTP API integrations, ALB). */
  listenerArn?: string;
  lbType?: 'network' | 'application' | 'classic';
  vpcId?: string;
  subnetIds?: string[];
  securityGroupIds?: string[];
  /** Set by a VPC link: the hop in front integrates through it. */
  vpcLink?: { id: string; version: 'v1' | 'v2' };
  /** Where a web ACL right after this hop attaches. */
  webAclTarget?: { scope: 'REGIONAL'; resourceArn: string } | { scope: 'CLOUDFRONT'; distributionId: string };
  /** How this hop came to be: "created by the lab (aws-sdk)" or "read back: created by ...". */
  origin: string;
}

/** What the run needs that the lab cannot invent (checked before anything is created: prechecks.ts). */
export interface AwsInputs {
  /** ACM certificate for an HTTPS listener of a standalone ALB (EXPOSURE_LAB_CERT_ARN). */
  certificateArn?: string;
  /** Route 53 hosted zone for the origin record (EXPOSURE_LAB_HOSTED_ZONE_ID); none: the origin is the LB name. */
  hostedZoneId?: string;
  /** Public subnets of a standalone ALB (EXPOSURE_LAB_PUBLIC_SUBNETS); default: the VPC's kubernetes.io/role/elb subnets. */
  publicSubnets?: string[];
  /** Security groups of a VPC link v2 (EXPOSURE_LAB_VPC_LINK_SECURITY_GROUPS); default: the target LB's. */
  vpcLinkSecurityGroups?: string[];
}

export function awsInputsFromEnv(env: NodeJS.ProcessEnv = process.env): AwsInputs {
  const list = (v: string | undefined) => v?.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    certificateArn: env.EXPOSURE_LAB_CERT_ARN || undefined,
    hostedZoneId: env.EXPOSURE_LAB_HOSTED_ZONE_ID || undefined,
    publicSubnets: list(env.EXPOSURE_LAB_PUBLIC_SUBNETS),
    vpcLinkSecurityGroups: list(env.EXPOSURE_LAB_VPC_LINK_SECURITY_GROUPS),
  };
}

/** Bounded polling: how often and how long to wait for AWS to finish something (a VPC link, a distribution). */
export interface Waits {
  pollMs: number;
  /** Creation waits (VPC link available, ALB active). */
  createMs: number;
  /** Deletion waits inside an undo (a distribution disabling): must fit the step runner's undo budget. */
  undoMs: number;
}

export const REAL_AWS_WAITS: Waits = { pollMs: 10_000, createMs: 600_000, undoMs: 100_000 };
/** An emulator finishes everything at once: short polls, and a bound that still catches a stuck wait. */
export const EMULATOR_WAITS: Waits = { pollMs: 200, createMs: 30_000, undoMs: 30_000 };

export function waitsFor(target: { endpoint?: string }): Waits {
  return target.endpoint ? EMULATOR_WAITS : REAL_AWS_WAITS;
}

export interface AwsRun {
  clients: AwsClients;
  runId: string;
  scenario: string;
  inputs: AwsInputs;
  waits: Waits;
  log: (line: string) => void;
  outputs: Map<string, HopOutput>;
  /** The ledger: appended by creates, entries removed by successful deletes. */
  created: Created[];
}

export function newAwsRun(o: { clients: AwsClients; runId: string; scenario: string; inputs?: AwsInputs; waits?: Waits; log: (l: string) => void }): AwsRun {
  return { clients: o.clients, runId: o.runId, scenario: o.scenario, inputs: o.inputs ?? {}, waits: o.waits ?? REAL_AWS_WAITS, log: o.log, outputs: new Map(), created: [] };
}

export function tagsFor(run: AwsRun, hop: string): TagMap {
  return labTags(run.runId, run.scenario, hop);
}

/** A name AWS accepts for most resources: [a-zA-Z0-9-], run first so names of one run sort together. */
export function resourceName(run: AwsRun, hop: string, suffix = '', max = 32): string {
  const s = ['lab', runTag(run.runId), hop, suffix].filter(Boolean).join('-').replace(/[^a-zA-Z0-9-]+/g, '-').replace(/-+/g, '-');
  if (s.length <= max) return s.replace(/-$/, '');
  // Keep it unique when cut: a short hash of the full name at the end.
  let h = 0;
  for (const ch of s) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const tail = h.toString(36).slice(0, 6);
  return `${s.slice(0, max - tail.length - 1).replace(/-$/, '')}-${tail}`;
}

export function remember(run: AwsRun, c: Created): void {
  if (!run.created.some((x) => x.kind === c.kind && x.id === c.id)) run.created.push(c);
  run.log(`created ${c.label}`);
}

export function forget(run: AwsRun, kind: ResourceKind, id: string): void {
  const i = run.created.findIndex((x) => x.kind === kind && x.id === id);
  if (i >= 0) {
    const [c] = run.created.splice(i, 1);
    run.log(`deleted ${c.label}`);
  }
}

export function createdFor(run: AwsRun, hop: string, kind: ResourceKind): Created[] {
  return run.created.filter((c) => c.hop === hop && c.kind === kind);
}

/** Polls check() until it returns true; throws with `what` when maxMs passes. Bounded in time and count. */
export async function pollUntil(check: () => Promise<boolean>, o: { pollMs: number; maxMs: number; what: string; signal?: AbortSignal }): Promise<void> {
  const until = Date.now() + o.maxMs;
  for (let i = 0; i < 100_000; i++) {
    if (await check()) return;
    if (o.signal?.aborted) throw new Error(`interrupted while waiting for ${o.what}`);
    if (Date.now() + o.pollMs > until) break;
    await new Promise((r) => setTimeout(r, o.pollMs));
  }
  throw new Error(`${o.what}: not done after ${Math.round(o.maxMs / 1000)} s`);
}
