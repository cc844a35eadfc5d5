// The AWS half of `exposure-lab sweep`: every lab-tagged resource, found through the Resource Groups Tagging
// API and, where tagging misses something (API Gateway and WAF in some accounts and emulators, Route 53
// records, which carry no tags at all), through each service's own listing; then deleted in dependency order
// (fronts first: a distribution before its web ACL, an API before its VPC link, a VPC link before the NLB
// behind it). Not-found counts as deleted, so a sweep can run any number of times.
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { DescribeLoadBalancersCommand, DescribeTagsCommand, DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DeleteLoadBalancerCommand as DeleteClassicCommand,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  DescribeTagsCommand as DescribeClassicTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing';
import { DescribeSecurityGroupRulesCommand, DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { GLOBAL_REGION, type AwsClients } from './clients.ts';
import { explain, isNotFound } from './errors.ts';
import type { ResourceKind, Waits } from './run.ts';
import { fromTagList, isLab, MANAGED_BY, runTag, SDK_PROVISIONER, TAG, type TagMap } from './tags.ts';
import { deleteRestApi, listRestApis } from './resources/rest-api.ts';
import { deleteHttpApi, listHttpApis } from './resources/http-api.ts';
import { deleteVpcLink, listVpcLinksV1, listVpcLinksV2 } from './resources/vpc-link.ts';
import { deleteWebAcl, disassociateWebAcl, listWebAcls, webAclResources, type WafScope } from './resources/web-acl.ts';
import { deleteDistribution, listDistributions } from './resources/distribution.ts';
import { deleteListener, deleteLoadBalancer, deleteSecurityGroup, deleteTargetGroup } from './resources/alb.ts';
import { deleteRecord, listLabRecords } from './resources/dns-record.ts';
import { lbTypeOfArn } from './resources/load-balancers.ts';

export type SweptKind = Exclude<ResourceKind, 'origin-lock'> | 'classic-load-balancer' | 'other';

export interface Found {
  kind: SweptKind;
  /** What the delete takes: an id, an ARN, a record name. */
  id: string;
  arn?: string;
  runId: string;
  scenario?: string;
  hop?: string;
  /** Who made it: the lab's SDK calls, or a Kubernetes controller for the run (tagged through annotations). */
  by: 'lab' | 'controller';
  /** Where the sweep saw it. */
  seenBy: Set<'tagging API' | 'service listing'>;
  extra: Record<string, string>;
}

/** Delete order: fronts before what they point at; controller-made resources last (after Kubernetes). */
export const DELETE_RANK: Record<SweptKind, number> = {
  distribution: 1,
  'web-acl-association': 2,
  'rest-api': 3,
  'http-api': 3,
  'vpc-link-v1': 4,
  'vpc-link-v2': 4,
  listener: 5,
  'load-balancer': 6,
  'classic-load-balancer': 6,
  'target-group': 7,
  'security-group-rule': 8,
  'security-group': 9,
  'dns-record': 10,
  'web-acl': 11,
  other: 99,
};

export function describeFound(f: Found): string {
  const who = f.by === 'lab' ? 'made by the lab' : 'made by a Kubernetes controller';
  return `${f.kind} ${f.id} (run ${f.runId}${f.scenario ? `, ${f.scenario}` : ''}${f.hop ? `, hop ${f.hop}` : ''}; ${who}; seen by ${[...f.seenBy].join(' + ')})`;
}

/** Classifies an ARN the tagging API returned. */
export function kindOfArn(arn: string): { kind: SweptKind; id: string; extra: Record<string, string> } | null {
  let m: RegExpExecArray | null;
  if ((m = /^arn:[^:]+:apigateway:[^:]*::\/restapis\/([^/]+)$/.exec(arn))) return { kind: 'rest-api', id: m[1], extra: {} };
  if (/^arn:[^:]+:apigateway:[^:]*::\/(restapis|apis)\/[^/]+\/stages\//.test(arn)) return null; // deleted with its API
  if ((m = /^arn:[^:]+:apigateway:[^:]*::\/apis\/([^/]+)$/.exec(arn))) return { kind: 'http-api', id: m[1], extra: {} };
  if ((m = /^arn:[^:]+:apigateway:[^:]*::\/vpclinks\/([^/]+)$/.exec(arn))) return { kind: 'vpc-link-v1', id: m[1], extra: { ambiguous: 'v1-or-v2' } };
  if ((m = /^arn:[^:]+:wafv2:[^:]*:[^:]*:(regional|global)\/webacl\/([^/]+)\/([^/]+)$/.exec(arn)))
    return { kind: 'web-acl', id: arn, extra: { scope: m[1] === 'global' ? 'CLOUDFRONT' : 'REGIONAL', name: m[2], id: m[3] } };
  if ((m = /^arn:[^:]+:cloudfront::[^:]*:distribution\/([^/]+)$/.exec(arn))) return { kind: 'distribution', id: m[1], extra: {} };
  if (/:elasticloadbalancing:.*:listener\//.test(arn)) return { kind: 'listener', id: arn, extra: {} };
  if (/:elasticloadbalancing:.*:targetgroup\//.test(arn)) return { kind: 'target-group', id: arn, extra: {} };
  if (/:elasticloadbalancing:.*:loadbalancer\//.test(arn)) {
    const t = lbTypeOfArn(arn);
    // Classic LBs are named, not ARN'd, in their own API: the name is the id.
    return t === 'classic' ? { kind: 'classic-load-balancer', id: /loadbalancer\/([^/]+)$/.exec(arn)![1], extra: {} } : t ? { kind: 'load-balancer', id: arn, extra: {} } : { kind: 'other', id: arn, extra: {} };
  }
  if ((m = /^arn:[^:]+:ec2:[^:]*:[^:]*:security-group\/(sg-[0-9a-f]+)$/.exec(arn))) return { kind: 'security-group', id: m[1], extra: {} };
  if ((m = /^arn:[^:]+:ec2:[^:]*:[^:]*:security-group-rule\/(sgr-[0-9a-f]+)$/.exec(arn))) return { kind: 'security-group-rule', id: m[1], extra: {} };
  return { kind: 'other', id: arn, extra: {} };
}

class Collector {
  readonly items = new Map<string, Found>();
  constructor(private runId?: string) {}
  add(kind: SweptKind, id: string, tags: TagMap, seenBy: 'tagging API' | 'service listing', extra: Record<string, string> = {}, arn?: string): void {
    if (!isLab(tags) || (this.runId !== undefined && tags[TAG.runId] !== runTag(this.runId))) return;
    const key = `${kind}:${id}`;
    const cur = this.items.get(key);
    if (cur) {
      cur.seenBy.add(seenBy);
      Object.assign(cur.extra, extra);
      return;
    }
    this.items.set(key, {
      kind, id, arn, runId: tags[TAG.runId], scenario: tags[TAG.scenario], hop: tags[TAG.hop],
      by: tags[TAG.provisioner] === SDK_PROVISIONER ? 'lab' : 'controller', seenBy: new Set([seenBy]), extra: { ...extra },
    });
  }
}

async function taggingApi(clients: AwsClients, c: Collector, runId: string | undefined, region: string, log: (l: string) => void): Promise<void> {
  const filters = [{ Key: TAG.managedBy, Values: [MANAGED_BY] }, ...(runId ? [{ Key: TAG.runId, Values: [runTag(runId)] }] : [])];
  let token: string | undefined;
  try {
    for (let page = 0; page < 1000; page++) {
      const r = await clients.tagging(region).send(new GetResourcesCommand({ TagFilters: filters, PaginationToken: token, ResourcesPerPage: 100 }));
      for (const m of r.ResourceTagMappingList ?? []) {
        const k = m.ResourceARN ? kindOfArn(m.ResourceARN) : null;
        if (k) c.add(k.kind, k.id, fromTagList(m.Tags), 'tagging API', k.extra, m.ResourceARN);
      }
      token = r.PaginationToken || undefined;
      if (!token) break;
    }
  } catch (e) {
    log(`tagging API in ${region}: ${explain(e).message} (the service listings still run)`);
  }
}

/** Runs one listing; a failure is logged and the others still run. */
async function listing(what: string, log: (l: string) => void, f: () => Promise<void>): Promise<void> {
  try {
    await f();
  } catch (e) {
    const x = explain(e);
    log(`cannot list ${what}: ${x.message}${x.kind === 'access-denied' ? ` (${x.hint})` : ''}`);
  }
}

async function elbv2Tags(clients: AwsClients, arns: string[]): Promise<Map<string, TagMap>> {
  const out = new Map<string, TagMap>();
  for (let i = 0; i < arns.length; i += 20) {
    const r = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of r.TagDescriptions ?? []) out.set(d.ResourceArn!, fromTagList(d.Tags));
  }
  return out;
}

/** Every lab resource in the region (and us-east-1 for CloudFront, CLOUDFRONT-scope WAF and Route 53), of one run or all. */
export async function listLabResources(clients: AwsClients, o: { runId?: string; log: (l: string) => void }): Promise<Found[]> {
  const c = new Collector(o.runId);
  const { log } = o;
  const region = clients.target.region;
  await taggingApi(clients, c, o.runId, region, log);
  if (region !== GLOBAL_REGION) await taggingApi(clients, c, o.runId, GLOBAL_REGION, log);
  await listing('REST APIs', log, async () => {
    for (const a of await listRestApis(clients)) c.add('rest-api', a.id, a.tags, 'service listing');
  });
  await listing('HTTP APIs', log, async () => {
    for (const a of await listHttpApis(clients)) c.add('http-api', a.id, a.tags, 'service listing');
  });
  const v2 = new Set<string>();
  await listing('VPC links v2', log, async () => {
    for (const l of await listVpcLinksV2(clients)) {
      v2.add(l.id);
      c.add('vpc-link-v2', l.id, l.tags, 'service listing');
    }
  });
  await listing('VPC links v1', log, async () => {
    for (const l of await listVpcLinksV1(clients)) c.add('vpc-link-v1', l.id, l.tags, 'service listing');
  });
  // The tagging API gives one ARN form for both VPC link versions: the v2 listing decides.
  for (const [key, f] of [...c.items]) {
    if (f.kind === 'vpc-link-v1' && f.extra.ambiguous && v2.has(f.id)) {
      c.items.delete(key);
      const other = c.items.get(`vpc-link-v2:${f.id}`);
      if (other) f.seenBy.forEach((s) => other.seenBy.add(s));
      else c.items.set(`vpc-link-v2:${f.id}`, { ...f, kind: 'vpc-link-v2' });
    }
  }
  for (const scope of ['REGIONAL', 'CLOUDFRONT'] as WafScope[]) {
    await listing(`web ACLs (${scope})`, log, async () => {
      for (const a of await listWebAcls(clients, scope)) c.add('web-acl', a.arn, a.tags, 'service listing', { scope, name: a.name, id: a.id }, a.arn);
    });
  }
  await listing('CloudFront distributions', log, async () => {
    for (const d of await listDistributions(clients)) c.add('distribution', d.id, d.tags, 'service listing', {}, d.arn);
  });
  await listing('load balancers and target groups', log, async () => {
    const lbs = ((await clients.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? []).map((l) => l.LoadBalancerArn!);
    const tgs = ((await clients.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []).map((t) => t.TargetGroupArn!);
    const tags = await elbv2Tags(clients, [...lbs, ...tgs]);
    for (const a of lbs) c.add('load-balancer', a, tags.get(a) ?? {}, 'service listing', {}, a);
    for (const a of tgs) c.add('target-group', a, tags.get(a) ?? {}, 'service listing', {}, a);
  });
  await listing('Classic load balancers', log, async () => {
    const names = ((await clients.elb.send(new DescribeClassicCommand({}))).LoadBalancerDescriptions ?? []).map((l) => l.LoadBalancerName!);
    for (let i = 0; i < names.length; i += 20) {
      const r = await clients.elb.send(new DescribeClassicTagsCommand({ LoadBalancerNames: names.slice(i, i + 20) }));
      for (const d of r.TagDescriptions ?? []) c.add('classic-load-balancer', d.LoadBalancerName!, fromTagList(d.Tags), 'service listing');
    }
  });
  await listing('security groups', log, async () => {
    const r = await clients.ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: `tag:${TAG.managedBy}`, Values: [MANAGED_BY] }] }));
    for (const g of r.SecurityGroups ?? []) c.add('security-group', g.GroupId!, fromTagList(g.Tags), 'service listing');
    const rules = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: `tag:${TAG.managedBy}`, Values: [MANAGED_BY] }] }));
    for (const x of rules.SecurityGroupRules ?? []) c.add('security-group-rule', x.SecurityGroupRuleId!, fromTagList(x.Tags), 'service listing', { group: x.GroupId! });
  });
  await listing('Route 53 records', log, async () => {
    for (const r of await listLabRecords(clients)) {
      const tags: TagMap = { [TAG.managedBy]: MANAGED_BY, [TAG.runId]: r.runId, [TAG.scenario]: r.scenario, [TAG.provisioner]: SDK_PROVISIONER };
      c.add('dns-record', r.name, tags, 'service listing', { zone: r.zoneId });
    }
  });
  // The order a sweep deletes in: the lab's own resources by rank, then what controllers made.
  const by = (f: Found) => (f.by === 'lab' ? 0 : 1);
  return [...c.items.values()].sort((a, b) => by(a) - by(b) || DELETE_RANK[a.kind] - DELETE_RANK[b.kind] || a.id.localeCompare(b.id));
}

/** Deletes one found resource. Not-found is success. */
async function deleteOne(clients: AwsClients, f: Found, w: Waits, log: (l: string) => void): Promise<void> {
  const long = { pollMs: w.pollMs, maxMs: w.createMs };
  switch (f.kind) {
    case 'distribution':
      return deleteDistribution(clients, f.id, long);
    case 'web-acl-association':
      return disassociateWebAcl(clients, f.id);
    case 'rest-api':
      return deleteRestApi(clients, f.id);
    case 'http-api':
      return deleteHttpApi(clients, f.id);
    case 'vpc-link-v1':
    case 'vpc-link-v2':
      return deleteVpcLink(clients, { id: f.id, version: f.kind === 'vpc-link-v1' ? 'v1' : 'v2' });
    case 'listener':
      return deleteListener(clients, f.id);
    case 'load-balancer':
      return deleteLoadBalancer(clients, f.id);
    case 'classic-load-balancer': {
      try {
        await clients.elb.send(new DeleteClassicCommand({ LoadBalancerName: f.id }));
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
      return;
    }
    case 'target-group':
      return deleteTargetGroup(clients, f.id, long);
    case 'security-group-rule': {
      try {
        const group = f.extra.group ?? (await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ SecurityGroupRuleIds: [f.id] }))).SecurityGroupRules?.[0]?.GroupId;
        if (group) await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: group, SecurityGroupRuleIds: [f.id] }));
      } catch (e) {
        if (!isNotFound(e) && !/InvalidPermission\.NotFound|InvalidSecurityGroupRuleId/.test((e as Error).name)) throw e;
      }
      return;
    }
    case 'security-group':
      return deleteSecurityGroup(clients, f.id, long);
    case 'dns-record':
      return deleteRecord(clients, f.extra.zone, f.id);
    case 'web-acl': {
      const scope = f.extra.scope as WafScope;
      if (scope === 'REGIONAL') {
        // AWS refuses to delete an associated web ACL: release its ALBs and API stages first.
        let attached: string[] = [];
        try {
          attached = await webAclResources(clients, f.id);
        } catch (e) {
          log(`cannot list what web ACL ${f.extra.name} is attached to (${explain(e).code}); deleting it anyway`);
        }
        for (const r of attached) await disassociateWebAcl(clients, r);
      }
      return deleteWebAcl(clients, { arn: f.id, id: f.extra.id, name: f.extra.name, scope });
    }
    case 'other':
      throw new Error(`the lab does not delete ${f.id} itself: delete it in the console or with the AWS CLI (it carries the tag ${TAG.runId}=${f.runId})`);
  }
}

export interface DeleteOutcome {
  deleted: Found[];
  failed: Array<{ found: Found; error: string }>;
}

/** Deletes in DELETE_RANK order; one failure does not stop the others (each says what to do). */
export async function deleteLabResources(clients: AwsClients, found: Found[], o: { waits: Waits; log: (l: string) => void }): Promise<DeleteOutcome> {
  const out: DeleteOutcome = { deleted: [], failed: [] };
  for (const f of [...found].sort((a, b) => DELETE_RANK[a.kind] - DELETE_RANK[b.kind])) {
    try {
      await deleteOne(clients, f, o.waits, o.log);
      out.deleted.push(f);
      o.log(`ok      deleted ${describeFound(f)}`);
    } catch (e) {
      const x = explain(e, `delete ${f.kind} ${f.id}`);
      const msg = x.kind === 'other' && !(e as { $call?: unknown }).$call ? (e as Error).message : `${x.message}; ${x.hint}`;
      out.failed.push({ found: f, error: msg });
      o.log(`FAILED  ${describeFound(f)}: ${msg}`);
    }
  }
  return out;
}
