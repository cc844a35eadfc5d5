// API Gateway HTTP API: one HTTP_PROXY integration over a VPC link v2 to a load balancer listener, the
// $default route and an auto-deployed $default stage (tagged). The caller's address goes into the scenario's
// header by parameter mapping (facts/client-ip.md rows 15-16).
import {
  CreateApiCommand,
  CreateIntegrationCommand,
  CreateRouteCommand,
  CreateStageCommand,
  DeleteApiCommand,
  GetApisCommand,
  type CreateIntegrationCommandInput,
} from '@aws-sdk/client-apigatewayv2';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, remember, resourceName, tagsFor, type AwsRun } from '../run.ts';
import { isOurs, type TagMap } from '../tags.ts';

export interface HttpApiSpec {
  hop: string;
  sourceIpHeader: string | null;
  timeoutS: number;
  vpcLinkId: string;
  /** The load balancer listener the integration targets (ALB or NLB). */
  listenerArn: string;
}

/** Pure: the CreateIntegration input. */
export function httpIntegrationInput(apiId: string, spec: HttpApiSpec): CreateIntegrationCommandInput {
  return {
    ApiId: apiId,
    IntegrationType: 'HTTP_PROXY',
    IntegrationMethod: 'ANY',
    IntegrationUri: spec.listenerArn,
    ConnectionType: 'VPC_LINK',
    ConnectionId: spec.vpcLinkId,
    PayloadFormatVersion: '1.0',
    TimeoutInMillis: Math.round(spec.timeoutS * 1000),
    ...(spec.sourceIpHeader ? { RequestParameters: { [`overwrite:header.${spec.sourceIpHeader}`]: '$context.identity.sourceIp' } } : {}),
  };
}

export async function listHttpApis(clients: AwsClients): Promise<Array<{ id: string; name: string; endpoint?: string; tags: TagMap }>> {
  const out: Array<{ id: string; name: string; endpoint?: string; tags: TagMap }> = [];
  let token: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await clients.apigw2.send(new GetApisCommand({ NextToken: token }));
    for (const a of r.Items ?? []) out.push({ id: a.ApiId!, name: a.Name ?? '', endpoint: a.ApiEndpoint, tags: a.Tags ?? {} });
    token = r.NextToken;
    if (!token) break;
  }
  return out;
}

export async function createHttpApi(run: AwsRun, spec: HttpApiSpec): Promise<{ id: string; url: string; host: string }> {
  const { apigw2 } = run.clients;
  for (const old of (await listHttpApis(run.clients)).filter((a) => isOurs(a.tags, run.runId, spec.hop))) {
    run.log(`replacing HTTP API ${old.id} left by an earlier attempt of this run`);
    await deleteHttpApi(run.clients, old.id);
    forget(run, 'http-api', old.id);
  }
  const api = await apigw2.send(new CreateApiCommand({ Name: resourceName(run, spec.hop, '', 128), ProtocolType: 'HTTP', Description: `exposure-lab run ${run.runId}`, Tags: tagsFor(run, spec.hop) }));
  const id = api.ApiId!;
  remember(run, { kind: 'http-api', id, hop: spec.hop, label: `HTTP API ${id} (integration, $default route and stage)` });
  const integ = await apigw2.send(new CreateIntegrationCommand(httpIntegrationInput(id, spec)));
  await apigw2.send(new CreateRouteCommand({ ApiId: id, RouteKey: '$default', Target: `integrations/${integ.IntegrationId}` }));
  await apigw2.send(new CreateStageCommand({ ApiId: id, StageName: '$default', AutoDeploy: true, Tags: tagsFor(run, spec.hop) }));
  const url = api.ApiEndpoint ?? `https://${id}.execute-api.${run.clients.target.region}.amazonaws.com`;
  return { id, url: `${url.replace(/\/$/, '')}/`, host: new URL(url).hostname };
}

export async function deleteHttpApi(clients: AwsClients, id: string): Promise<void> {
  try {
    await clients.apigw2.send(new DeleteApiCommand({ ApiId: id }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export async function undoHttpApi(run: AwsRun, id: string): Promise<void> {
  await deleteHttpApi(run.clients, id);
  forget(run, 'http-api', id);
}
