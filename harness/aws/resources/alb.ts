// The standalone ALB in front of a private NLB (alb-nlb-gateway): a security group for its listener, an
// ip-target group holding the NLB's private addresses, the ALB itself (XFF processing as the scenario says)
// and its listener. Each piece is found again by name or tags, so a re-run adopts what an earlier attempt made.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type Filter,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ModifyLoadBalancerAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../clients.ts';
import { isInUse, isNotFound } from '../errors.ts';
import { forget, pollUntil, remember, resourceName, tagsFor, type AwsRun } from '../run.ts';
import { runTag, tagList, TAG } from '../tags.ts';

export interface AlbSpec {
  hop: string;
  scheme: 'internet-facing' | 'internal';
  https: boolean;
  xffMode: 'append' | 'preserve' | 'remove';
  xffClientPort: boolean;
  vpcId: string;
  /** Targets: the private addresses of the load balancer behind, on its port. */
  targets: string[];
  targetPort: number;
  certificateArn?: string;
  /** Subnets given by the user (else found by the kubernetes.io/role tags of the VPC). */
  subnets?: string[];
}

const ourFilters = (run: AwsRun, hop: string): Filter[] => [
  { Name: `tag:${TAG.runId}`, Values: [runTag(run.runId)] },
  { Name: `tag:${TAG.hop}`, Values: [hop] },
];

/** One subnet per AZ for the ALB: the user's, or the VPC's subnets tagged for load balancers of this scheme. */
export async function albSubnets(clients: AwsClients, spec: Pick<AlbSpec, 'vpcId' | 'scheme' | 'subnets'>): Promise<string[]> {
  if (spec.subnets?.length) return spec.subnets;
  const role = spec.scheme === 'internal' ? 'kubernetes.io/role/internal-elb' : 'kubernetes.io/role/elb';
  const r = await clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [spec.vpcId] }, { Name: `tag:${role}`, Values: ['1', ''] }] }));
  const perAz = new Map<string, string>();
  for (const s of (r.Subnets ?? []).sort((a, b) => (a.SubnetId! < b.SubnetId! ? -1 : 1))) if (s.AvailabilityZone && !perAz.has(s.AvailabilityZone)) perAz.set(s.AvailabilityZone, s.SubnetId!);
  const subnets = [...perAz.values()];
  if (subnets.length < 2)
    throw new Error(`an ALB needs subnets in at least two AZs; VPC ${spec.vpcId} has ${subnets.length} subnet(s) tagged ${role}=1: tag them, or set EXPOSURE_LAB_PUBLIC_SUBNETS=subnet-a,subnet-b`);
  return subnets;
}

export async function ensureAlbSecurityGroup(run: AwsRun, spec: AlbSpec): Promise<string> {
  const { ec2 } = run.clients;
  const port = spec.https ? 443 : 80;
  let id = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [...ourFilters(run, spec.hop), { Name: 'vpc-id', Values: [spec.vpcId] }] }))).SecurityGroups?.[0]?.GroupId;
  const tags = tagList(tagsFor(run, spec.hop));
  if (id) run.log(`adopted security group ${id} left by an earlier attempt of this run`);
  else {
    const r = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: resourceName(run, spec.hop, 'alb', 255),
        Description: `exposure-lab run ${run.runId}: ALB ${spec.hop} listener`,
        VpcId: spec.vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tags }],
      }),
    );
    id = r.GroupId!;
  }
  remember(run, { kind: 'security-group', id, hop: spec.hop, label: `security group ${id} (ALB ${spec.hop}, tcp/${port})` });
  // An internal ALB takes traffic from its VPC only; an internet-facing one from anywhere.
  const source = spec.scheme === 'internal' ? (await ec2.send(new DescribeVpcsCommand({ VpcIds: [spec.vpcId] }))).Vpcs?.[0]?.CidrBlock ?? '10.0.0.0/8' : '0.0.0.0/0';
  try {
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: id,
        IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: source, Description: 'exposure-lab listener' }] }],
        TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: tags }],
      }),
    );
  } catch (e) {
    if (!/Duplicate/.test((e as Error).name)) throw e;
  }
  return id;
}

export async function ensureTargetGroup(run: AwsRun, spec: AlbSpec): Promise<string> {
  const { elbv2 } = run.clients;
  const name = resourceName(run, spec.hop, 'tg', 32);
  let arn: string | undefined;
  try {
    arn = (await elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups?.[0]?.TargetGroupArn;
    if (arn) run.log(`adopted target group ${name} left by an earlier attempt of this run`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!arn) {
    const r = await elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: spec.targetPort,
        VpcId: spec.vpcId,
        TargetType: 'ip',
        HealthCheckPath: '/',
        Tags: tagList(tagsFor(run, spec.hop)),
      }),
    );
    arn = r.TargetGroups![0].TargetGroupArn!;
  }
  remember(run, { kind: 'target-group', id: arn, arn, hop: spec.hop, label: `target group ${name} (ip targets ${spec.targets.join(', ')}:${spec.targetPort})` });
  if (!spec.targets.length) throw new Error(`the load balancer behind ${spec.hop} has no private addresses to target`);
  await elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets: spec.targets.map((Id) => ({ Id, Port: spec.targetPort })) }));
  return arn;
}

export async function ensureAlb(run: AwsRun, spec: AlbSpec, securityGroup: string, signal?: AbortSignal): Promise<{ arn: string; dnsName: string }> {
  const { elbv2 } = run.clients;
  const name = resourceName(run, spec.hop, '', 32);
  let lb;
  try {
    lb = (await elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }))).LoadBalancers?.[0];
    if (lb) run.log(`adopted ALB ${name} left by an earlier attempt of this run`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!lb) {
    const subnets = await albSubnets(run.clients, spec);
    lb = (
      await elbv2.send(
        new CreateLoadBalancerCommand({ Name: name, Type: 'application', Scheme: spec.scheme, Subnets: subnets, SecurityGroups: [securityGroup], IpAddressType: 'ipv4', Tags: tagList(tagsFor(run, spec.hop)) }),
      )
    ).LoadBalancers![0];
  }
  const arn = lb.LoadBalancerArn!;
  remember(run, { kind: 'load-balancer', id: arn, arn, hop: spec.hop, label: `ALB ${name} (${spec.scheme}, ${lb.DNSName})` });
  await elbv2.send(
    new ModifyLoadBalancerAttributesCommand({
      LoadBalancerArn: arn,
      Attributes: [
        { Key: 'routing.http.xff_header_processing.mode', Value: spec.xffMode },
        { Key: 'routing.http.xff_client_port.enabled', Value: String(spec.xffClientPort) },
      ],
    }),
  );
  await pollUntil(
    async () => {
      const s = (await elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers?.[0]?.State;
      if (s?.Code === 'failed') throw new Error(`ALB ${name} failed: ${s.Reason ?? 'no reason given'}`);
      return s?.Code === 'active' || s?.Code === undefined;
    },
    { pollMs: run.waits.pollMs, maxMs: run.waits.createMs, what: `ALB ${name} to become active`, signal },
  );
  return { arn, dnsName: lb.DNSName! };
}

export async function ensureListener(run: AwsRun, spec: AlbSpec, lbArn: string, tgArn: string): Promise<string> {
  const { elbv2 } = run.clients;
  const port = spec.https ? 443 : 80;
  let arn = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }))).Listeners?.find((l) => l.Port === port)?.ListenerArn;
  if (!arn) {
    if (spec.https && !spec.certificateArn) throw new Error(`an HTTPS listener on ${spec.hop} needs a certificate: set EXPOSURE_LAB_CERT_ARN`);
    const r = await elbv2.send(
      new CreateListenerCommand({
        LoadBalancerArn: lbArn,
        Protocol: spec.https ? 'HTTPS' : 'HTTP',
        Port: port,
        ...(spec.https ? { Certificates: [{ CertificateArn: spec.certificateArn }] } : {}),
        DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }],
        Tags: tagList(tagsFor(run, spec.hop)),
      }),
    );
    arn = r.Listeners![0].ListenerArn!;
  }
  remember(run, { kind: 'listener', id: arn, arn, hop: spec.hop, label: `listener ${spec.https ? 'HTTPS' : 'HTTP'}:${port} of ALB ${spec.hop}` });
  return arn;
}

async function tolerant(f: () => Promise<unknown>): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export const deleteListener = (c: AwsClients, arn: string) => tolerant(() => c.elbv2.send(new DeleteListenerCommand({ ListenerArn: arn })));
export const deleteLoadBalancer = (c: AwsClients, arn: string) => tolerant(() => c.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn })));

/** A target group is in use until its load balancer's listener is gone: retried within the wait budget. */
export async function deleteTargetGroup(c: AwsClients, arn: string, w: { pollMs: number; maxMs: number }): Promise<void> {
  await pollUntil(
    async () => {
      try {
        await tolerant(() => c.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })));
        return true;
      } catch (e) {
        if (isInUse(e)) return false;
        throw e;
      }
    },
    { ...w, what: `target group ${arn} to be released by its load balancer` },
  );
}

/** A security group is in use while the ALB's network interfaces still exist (a minute after the ALB goes). */
export async function deleteSecurityGroup(c: AwsClients, id: string, w: { pollMs: number; maxMs: number }): Promise<void> {
  await pollUntil(
    async () => {
      try {
        await tolerant(() => c.ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })));
        return true;
      } catch (e) {
        if (isInUse(e)) return false;
        throw e;
      }
    },
    { ...w, what: `security group ${id} to be released by the load balancer's network interfaces` },
  );
}

export async function undoAlbPart(run: AwsRun, kind: 'listener' | 'load-balancer' | 'target-group' | 'security-group', id: string): Promise<void> {
  const w = { pollMs: run.waits.pollMs, maxMs: run.waits.undoMs };
  if (kind === 'listener') await deleteListener(run.clients, id);
  else if (kind === 'load-balancer') await deleteLoadBalancer(run.clients, id);
  else if (kind === 'target-group') await deleteTargetGroup(run.clients, id, w);
  else await deleteSecurityGroup(run.clients, id, w);
  forget(run, kind, id);
}
