// Load balancers the Kubernetes controllers created for a run (the AWS Load Balancer Controller's NLB / ALB, the
// in-tree Classic LB), read back by the run's tags: their DNS name, listener, VPC, subnets and security
// groups are what the lab's own resources in front of them need. Also the private addresses of an NLB (its
// network interfaces), the targets of a standalone ALB in front of it.
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { DescribeListenersCommand, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeNetworkInterfacesCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../clients.ts';
import type { HopOutput } from '../run.ts';
import { fromTagList, runTag, SDK_PROVISIONER, TAG } from '../tags.ts';

export type LbType = 'network' | 'application' | 'classic';

/** The load balancer type of an ELB ARN (loadbalancer/net/..., loadbalancer/app/..., loadbalancer/<name>). */
export function lbTypeOfArn(arn: string): LbType | null {
  const m = /:loadbalancer\/(?:(net|app|gwy)\/)?([^/]+)/.exec(arn);
  if (!m) return null;
  return m[1] === 'net' ? 'network' : m[1] === 'app' ? 'application' : m[1] === 'gwy' ? null : 'classic';
}

/** Load balancers tagged with the run id that a controller created (not the lab's own SDK resources). */
export async function controllerLoadBalancers(clients: AwsClients, runId: string): Promise<Array<{ arn: string; type: LbType; tags: Record<string, string> }>> {
  const tagged: Array<{ arn: string; tags: Record<string, string> }> = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await clients.tagging().send(
      // Filtered by ARN below rather than by ResourceTypeFilters: emulators type Classic LBs differently.
      new GetResourcesCommand({ TagFilters: [{ Key: TAG.runId, Values: [runTag(runId)] }], PaginationToken: token }),
    );
    for (const m of r.ResourceTagMappingList ?? []) {
      const tags = fromTagList(m.Tags);
      if (m.ResourceARN && /:elasticloadbalancing:[^:]*:[^:]*:loadbalancer\//.test(m.ResourceARN) && tags[TAG.provisioner] !== SDK_PROVISIONER) tagged.push({ arn: m.ResourceARN, tags });
    }
    token = r.PaginationToken || undefined;
    if (!token) break;
  }
  // The type comes from DescribeLoadBalancers, not from the ARN's app/ or net/ (emulators do not always keep it).
  const v2 = tagged.filter((t) => lbTypeOfArn(t.arn) !== 'classic');
  const types = new Map<string, LbType>();
  for (let i = 0; i < v2.length; i += 20) {
    const r = await clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: v2.slice(i, i + 20).map((t) => t.arn) }));
    for (const lb of r.LoadBalancers ?? []) if (lb.Type === 'network' || lb.Type === 'application') types.set(lb.LoadBalancerArn!, lb.Type);
  }
  return tagged.flatMap((t) => {
    const type = lbTypeOfArn(t.arn) === 'classic' ? 'classic' : types.get(t.arn);
    return type ? [{ arn: t.arn, type, tags: t.tags }] : [];
  });
}

/** Reads an ELBv2 load balancer and its listener on `port` (or its first listener). */
export async function describeLoadBalancer(clients: AwsClients, arn: string, port?: number): Promise<Omit<HopOutput, 'origin'>> {
  const lb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [arn] }))).LoadBalancers?.[0];
  if (!lb?.DNSName) throw new Error(`load balancer ${arn} has no DNS name`);
  const listeners = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: arn }))).Listeners ?? [];
  const l = listeners.find((x) => x.Port === port) ?? listeners.find((x) => x.Port === 80) ?? listeners[0];
  return {
    dnsName: lb.DNSName,
    port: l?.Port ?? 80,
    arn,
    listenerArn: l?.ListenerArn,
    lbType: lb.Type === 'network' ? 'network' : 'application',
    vpcId: lb.VpcId,
    subnetIds: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId!).filter(Boolean),
    securityGroupIds: lb.SecurityGroups ?? [],
    webAclTarget: lb.Type === 'application' ? { scope: 'REGIONAL', resourceArn: arn } : undefined,
  };
}

export async function describeClassic(clients: AwsClients, arn: string): Promise<Omit<HopOutput, 'origin'>> {
  const name = /:loadbalancer\/([^/]+)$/.exec(arn)?.[1];
  const lb = (await clients.elb.send(new DescribeClassicCommand({ LoadBalancerNames: [name!] }))).LoadBalancerDescriptions?.[0];
  if (!lb?.DNSName) throw new Error(`classic load balancer ${name} has no DNS name`);
  const port = lb.ListenerDescriptions?.map((d) => d.Listener?.LoadBalancerPort).find((p) => p === 80) ?? lb.ListenerDescriptions?.[0]?.Listener?.LoadBalancerPort ?? 80;
  return { dnsName: lb.DNSName, port, arn, lbType: 'classic', vpcId: lb.VPCId, subnetIds: lb.Subnets ?? [], securityGroupIds: lb.SecurityGroups ?? [] };
}

/** Private IPv4 addresses of a network load balancer: its interfaces are described "ELB net/<name>/<id>". */
export async function nlbPrivateAddresses(clients: AwsClients, arn: string): Promise<string[]> {
  const m = /:loadbalancer\/([^/]+\/[^/]+\/[^/]+)$/.exec(arn);
  if (!m) throw new Error(`${arn} is not an ELBv2 load balancer ARN`);
  const r = await clients.ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'description', Values: [`ELB ${m[1]}`] }] }));
  return (r.NetworkInterfaces ?? []).map((n) => n.PrivateIpAddress!).filter(Boolean).sort();
}
