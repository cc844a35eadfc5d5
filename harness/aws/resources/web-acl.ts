// AWS WAF web ACLs: one per WAF hop, scope REGIONAL (an ALB, an API Gateway REST stage) or CLOUDFRONT (in
// us-east-1), with the scenario's header block rules and rate-based rule; and their association with the
// resource in front (AssociateWebACL for regional resources; a CloudFront distribution names its web ACL in
// its own configuration: distribution.ts).
import {
  AssociateWebACLCommand,
  CreateWebACLCommand,
  DeleteWebACLCommand,
  DisassociateWebACLCommand,
  GetWebACLCommand,
  ListResourcesForWebACLCommand,
  ListTagsForResourceCommand,
  ListWebACLsCommand,
  type Rule,
} from '@aws-sdk/client-wafv2';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, remember, resourceName, tagsFor, type AwsRun } from '../run.ts';
import { fromTagList, isOurs, tagList, type TagMap } from '../tags.ts';

export type WafScope = 'REGIONAL' | 'CLOUDFRONT';

export interface WebAclSpec {
  hop: string;
  scope: WafScope;
  blockRules: Array<{ name: string; header: string; contains: string }>;
  rateLimitPer5Min: number | null;
}

export interface WebAclRef {
  arn: string;
  id: string;
  name: string;
  scope: WafScope;
}

const visibility = (metric: string) => ({ SampledRequestsEnabled: false, CloudWatchMetricsEnabled: false, MetricName: metric.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 128) });

/** Pure: the scenario's rules as WAF rules (header contains text, case-insensitive; rate per IP per 5 min). */
export function wafRules(spec: WebAclSpec): Rule[] {
  const rules: Rule[] = spec.blockRules.map((r, i) => ({
    Name: r.name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 128),
    Priority: i,
    Action: { Block: {} },
    VisibilityConfig: visibility(r.name),
    Statement: {
      ByteMatchStatement: {
        SearchString: new TextEncoder().encode(r.contains.toLowerCase()),
        FieldToMatch: { SingleHeader: { Name: r.header.toLowerCase() } },
        TextTransformations: [{ Priority: 0, Type: 'LOWERCASE' }],
        PositionalConstraint: 'CONTAINS',
      },
    },
  }));
  if (spec.rateLimitPer5Min)
    rules.push({
      Name: 'rate-per-ip',
      Priority: rules.length,
      Action: { Block: {} },
      VisibilityConfig: visibility('rate-per-ip'),
      Statement: { RateBasedStatement: { Limit: spec.rateLimitPer5Min, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
    });
  return rules;
}

export async function listWebAcls(clients: AwsClients, scope: WafScope): Promise<Array<WebAclRef & { tags: TagMap }>> {
  const out: Array<WebAclRef & { tags: TagMap }> = [];
  const waf = clients.wafv2(scope);
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await waf.send(new ListWebACLsCommand({ Scope: scope, NextMarker: marker, Limit: 100 }));
    for (const a of r.WebACLs ?? []) {
      const tags = fromTagList((await waf.send(new ListTagsForResourceCommand({ ResourceARN: a.ARN! }))).TagInfoForResource?.TagList);
      out.push({ arn: a.ARN!, id: a.Id!, name: a.Name!, scope, tags });
    }
    marker = r.NextMarker;
    if (!marker || !r.WebACLs?.length) break;
  }
  return out;
}

export async function ensureWebAcl(run: AwsRun, spec: WebAclSpec): Promise<WebAclRef> {
  const waf = run.clients.wafv2(spec.scope);
  const name = resourceName(run, spec.hop, '', 128);
  let ref: WebAclRef | undefined = (await listWebAcls(run.clients, spec.scope)).find((a) => isOurs(a.tags, run.runId, spec.hop));
  if (ref) run.log(`adopted web ACL ${ref.name} left by an earlier attempt of this run`);
  else {
    const r = await waf.send(
      new CreateWebACLCommand({
        Name: name,
        Scope: spec.scope,
        DefaultAction: { Allow: {} },
        Description: `exposure-lab run ${run.runId}`,
        Rules: wafRules(spec),
        VisibilityConfig: visibility(name),
        Tags: tagList(tagsFor(run, spec.hop)),
      }),
    );
    ref = { arn: r.Summary!.ARN!, id: r.Summary!.Id!, name, scope: spec.scope };
  }
  remember(run, { kind: 'web-acl', id: ref.arn, arn: ref.arn, hop: spec.hop, label: `web ACL ${ref.name} (${spec.scope}, ${wafRules(spec).length} rule(s))`, extra: { id: ref.id, name: ref.name, scope: ref.scope } });
  return ref;
}

/** Deletes a web ACL (its current lock token first). Not-found counts as done. */
export async function deleteWebAcl(clients: AwsClients, ref: WebAclRef): Promise<void> {
  const waf = clients.wafv2(ref.scope);
  try {
    const got = await waf.send(new GetWebACLCommand({ Name: ref.name, Scope: ref.scope, Id: ref.id }));
    await waf.send(new DeleteWebACLCommand({ Name: ref.name, Scope: ref.scope, Id: ref.id, LockToken: got.LockToken! }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export async function undoWebAcl(run: AwsRun, ref: WebAclRef): Promise<void> {
  await deleteWebAcl(run.clients, ref);
  forget(run, 'web-acl', ref.arn);
}

/** Associates a regional web ACL with an ALB or an API Gateway stage. */
export async function associateWebAcl(run: AwsRun, hop: string, acl: WebAclRef, resourceArn: string): Promise<void> {
  await run.clients.wafv2('REGIONAL').send(new AssociateWebACLCommand({ WebACLArn: acl.arn, ResourceArn: resourceArn }));
  remember(run, { kind: 'web-acl-association', id: resourceArn, hop, label: `association of web ACL ${acl.name} with ${resourceArn}`, extra: { acl: acl.arn } });
}

export async function disassociateWebAcl(clients: AwsClients, resourceArn: string): Promise<void> {
  try {
    await clients.wafv2('REGIONAL').send(new DisassociateWebACLCommand({ ResourceArn: resourceArn }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

/** Resources a regional web ACL is associated with (ALBs and API Gateway stages). */
export async function webAclResources(clients: AwsClients, aclArn: string): Promise<string[]> {
  const waf = clients.wafv2('REGIONAL');
  const out: string[] = [];
  for (const type of ['APPLICATION_LOAD_BALANCER', 'API_GATEWAY'] as const) {
    const r = await waf.send(new ListResourcesForWebACLCommand({ WebACLArn: aclArn, ResourceType: type }));
    out.push(...(r.ResourceArns ?? []));
  }
  return out;
}
