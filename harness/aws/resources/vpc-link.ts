// API Gateway VPC links. v1 (REST only, legacy): a PrivateLink endpoint service on an NLB. v2 (HTTP APIs, and
// REST APIs since November 2025): ENIs in the load balancer's subnets, to an NLB or an ALB. Both take minutes
// to become AVAILABLE on AWS; creating one is idempotent per run and hop (an existing tagged link is adopted).
import { CreateVpcLinkCommand, DeleteVpcLinkCommand, GetVpcLinkCommand, GetVpcLinksCommand } from '@aws-sdk/client-api-gateway';
import {
  CreateVpcLinkCommand as CreateVpcLinkV2Command,
  DeleteVpcLinkCommand as DeleteVpcLinkV2Command,
  GetVpcLinkCommand as GetVpcLinkV2Command,
  GetVpcLinksCommand as GetVpcLinksV2Command,
} from '@aws-sdk/client-apigatewayv2';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, pollUntil, remember, resourceName, tagsFor, type AwsRun } from '../run.ts';
import { isOurs, type TagMap } from '../tags.ts';

export interface VpcLinkRef {
  id: string;
  version: 'v1' | 'v2';
}

export async function listVpcLinksV1(clients: AwsClients): Promise<Array<{ id: string; name: string; status: string; tags: TagMap }>> {
  const out: Array<{ id: string; name: string; status: string; tags: TagMap }> = [];
  let position: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await clients.apigw.send(new GetVpcLinksCommand({ position, limit: 500 }));
    for (const l of r.items ?? []) out.push({ id: l.id!, name: l.name ?? '', status: l.status ?? '', tags: l.tags ?? {} });
    position = r.position;
    if (!position) break;
  }
  return out;
}

export async function listVpcLinksV2(clients: AwsClients): Promise<Array<{ id: string; name: string; status: string; tags: TagMap }>> {
  const out: Array<{ id: string; name: string; status: string; tags: TagMap }> = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await clients.apigw2.send(new GetVpcLinksV2Command({ NextToken: token }));
    for (const l of r.Items ?? []) out.push({ id: l.VpcLinkId!, name: l.Name ?? '', status: l.VpcLinkStatus ?? '', tags: l.Tags ?? {} });
    token = r.NextToken;
    if (!token) break;
  }
  return out;
}

/** A VPC link v1 to the NLB `nlbArn`; waits until AVAILABLE. */
export async function ensureVpcLinkV1(run: AwsRun, hop: string, nlbArn: string, signal?: AbortSignal): Promise<VpcLinkRef> {
  const { apigw } = run.clients;
  let id = (await listVpcLinksV1(run.clients)).find((l) => isOurs(l.tags, run.runId, hop))?.id;
  if (id) run.log(`adopted VPC link v1 ${id} left by an earlier attempt of this run`);
  else {
    const r = await apigw.send(new CreateVpcLinkCommand({ name: resourceName(run, hop, '', 128), targetArns: [nlbArn], description: `exposure-lab run ${run.runId}`, tags: tagsFor(run, hop) }));
    id = r.id!;
  }
  remember(run, { kind: 'vpc-link-v1', id, hop, label: `VPC link v1 ${id} -> ${nlbArn}` });
  await pollUntil(
    async () => {
      const l = await apigw.send(new GetVpcLinkCommand({ vpcLinkId: id }));
      if (l.status === 'FAILED') throw new Error(`VPC link v1 ${id} failed: ${l.statusMessage ?? 'no message'}`);
      return l.status === 'AVAILABLE';
    },
    { pollMs: run.waits.pollMs, maxMs: run.waits.createMs, what: `VPC link v1 ${id} to become AVAILABLE`, signal },
  );
  return { id, version: 'v1' };
}

/** A VPC link v2 in the target load balancer's subnets; waits until AVAILABLE. */
export async function ensureVpcLinkV2(run: AwsRun, hop: string, subnetIds: string[], securityGroupIds: string[], signal?: AbortSignal): Promise<VpcLinkRef> {
  const { apigw2 } = run.clients;
  if (!subnetIds.length) throw new Error('a VPC link v2 needs subnets: the target load balancer reported none');
  let id = (await listVpcLinksV2(run.clients)).find((l) => isOurs(l.tags, run.runId, hop))?.id;
  if (id) run.log(`adopted VPC link v2 ${id} left by an earlier attempt of this run`);
  else {
    const r = await apigw2.send(
      new CreateVpcLinkV2Command({ Name: resourceName(run, hop, '', 128), SubnetIds: subnetIds, SecurityGroupIds: securityGroupIds.length ? securityGroupIds : undefined, Tags: tagsFor(run, hop) }),
    );
    id = r.VpcLinkId!;
  }
  remember(run, { kind: 'vpc-link-v2', id, hop, label: `VPC link v2 ${id} in ${subnetIds.join(',')}` });
  await pollUntil(
    async () => {
      const l = await apigw2.send(new GetVpcLinkV2Command({ VpcLinkId: id }));
      if (l.VpcLinkStatus === 'FAILED') throw new Error(`VPC link v2 ${id} failed: ${l.VpcLinkStatusMessage ?? 'no message'}`);
      // An emulator may not report a status at all: then there is nothing to wait for.
      return l.VpcLinkStatus === 'AVAILABLE' || l.VpcLinkStatus === undefined;
    },
    { pollMs: run.waits.pollMs, maxMs: run.waits.createMs, what: `VPC link v2 ${id} to become AVAILABLE`, signal },
  );
  return { id, version: 'v2' };
}

export async function deleteVpcLink(clients: AwsClients, ref: VpcLinkRef): Promise<void> {
  try {
    if (ref.version === 'v1') await clients.apigw.send(new DeleteVpcLinkCommand({ vpcLinkId: ref.id }));
    else await clients.apigw2.send(new DeleteVpcLinkV2Command({ VpcLinkId: ref.id }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export async function undoVpcLink(run: AwsRun, ref: VpcLinkRef): Promise<void> {
  await deleteVpcLink(run.clients, ref);
  forget(run, ref.version === 'v1' ? 'vpc-link-v1' : 'vpc-link-v2', ref.id);
}
