// Locking a CloudFront origin to CloudFront (cloudfront.originLockedToCloudFront): the origin load balancer's
// security groups admit the listener port only from the CloudFront origin-facing managed prefix list, and the
// open rules on that port are revoked (and put back on undo). The groups belong to the load balancer's
// controller, which may restore its own rules when it next reconciles the Service: the report says so.
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeManagedPrefixListsCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, remember, tagsFor, type AwsRun } from '../run.ts';
import { tagList } from '../tags.ts';

export const CLOUDFRONT_PREFIX_LIST = 'com.amazonaws.global.cloudfront.origin-facing';

export async function cloudFrontPrefixList(clients: AwsClients): Promise<string> {
  const r = await clients.ec2.send(new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-name', Values: [CLOUDFRONT_PREFIX_LIST] }] }));
  const id = r.PrefixLists?.[0]?.PrefixListId;
  if (!id) throw new Error(`the managed prefix list ${CLOUDFRONT_PREFIX_LIST} is not visible in region ${clients.target.region}`);
  return id;
}

/** Rules the lock replaced, so undo can restore them (JSON in the ledger). */
interface LockRecord {
  groupId: string;
  port: number;
  prefixList: string;
  revoked: Array<{ cidr: string; description?: string }>;
}

export async function lockOrigin(run: AwsRun, hop: string, groupIds: string[], port: number): Promise<void> {
  if (!groupIds.length) throw new Error(`the origin of ${hop} has no security group to lock (a Classic LB outside a VPC?)`);
  const { ec2 } = run.clients;
  const pl = await cloudFrontPrefixList(run.clients);
  for (const groupId of groupIds) {
    const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }))).SecurityGroupRules ?? [];
    const open = rules.filter((r) => !r.IsEgress && r.CidrIpv4 && r.FromPort !== undefined && r.FromPort <= port && (r.ToPort ?? r.FromPort) >= port && r.CidrIpv4 === '0.0.0.0/0');
    const rec: LockRecord = { groupId, port, prefixList: pl, revoked: open.map((r) => ({ cidr: r.CidrIpv4!, description: r.Description })) };
    const hasPl = rules.some((r) => !r.IsEgress && r.PrefixListId === pl && r.FromPort === port);
    if (!hasPl)
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, PrefixListIds: [{ PrefixListId: pl, Description: 'exposure-lab: CloudFront only' }] }],
          TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: tagList(tagsFor(run, hop)) }],
        }),
      );
    remember(run, { kind: 'origin-lock', id: groupId, hop, label: `origin lock on ${groupId}: tcp/${port} from ${pl} only (${open.length} open rule(s) revoked)`, extra: { record: JSON.stringify(rec) } });
    if (open.length) await ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: open.map((r) => r.SecurityGroupRuleId!) }));
  }
}

/** Puts the revoked rules back and removes the prefix-list rule. */
export async function unlockOrigin(clients: AwsClients, recordJson: string): Promise<void> {
  const rec = JSON.parse(recordJson) as LockRecord;
  const perm = (p: Partial<IpPermission>): IpPermission => ({ IpProtocol: 'tcp', FromPort: rec.port, ToPort: rec.port, ...p });
  try {
    if (rec.revoked.length)
      await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: rec.groupId, IpPermissions: [perm({ IpRanges: rec.revoked.map((r) => ({ CidrIp: r.cidr, Description: r.description })) })] }));
  } catch (e) {
    if (!isNotFound(e) && !/Duplicate/.test((e as Error).name)) throw e;
  }
  try {
    await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: rec.groupId, IpPermissions: [perm({ PrefixListIds: [{ PrefixListId: rec.prefixList }] })] }));
  } catch (e) {
    if (!isNotFound(e) && !/InvalidPermission\.NotFound/.test((e as Error).name)) throw e;
  }
}

export async function undoOriginLock(run: AwsRun, groupId: string, recordJson: string): Promise<void> {
  await unlockOrigin(run.clients, recordJson);
  forget(run, 'origin-lock', groupId);
}
