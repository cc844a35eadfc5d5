// API Gateway REST API with an HTTP_PROXY integration on the root and on {proxy+}, mapping the caller's address
// into the scenario's header (facts/client-ip.md row 14), deployed to a tagged stage. The integration goes to
// the next hop over a VPC link v1 (NLB), a VPC link v2 (NLB or ALB: integrationTarget is the load balancer),
// or over the internet (an emulator's upstream on the kind path).
import {
  CreateDeploymentCommand,
  CreateResourceCommand,
  CreateRestApiCommand,
  CreateStageCommand,
  DeleteRestApiCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  PutIntegrationCommand,
  PutMethodCommand,
  type EndpointType,
  type PutIntegrationCommandInput,
} from '@aws-sdk/client-api-gateway';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, remember, resourceName, tagsFor, type AwsRun } from '../run.ts';
import { isOurs, type TagMap } from '../tags.ts';

export const REST_STAGE = 'lab';

export type RestIntegration =
  /** A public URL (the kind path: the emulated hop behind LocalStack). */
  | { via: 'internet'; baseUrl: string }
  | { via: 'vpc-link-v1'; vpcLinkId: string; dnsName: string; port: number }
  | { via: 'vpc-link-v2'; vpcLinkId: string; dnsName: string; port: number; lbArn: string };

export interface RestApiSpec {
  hop: string;
  endpointType: 'regional' | 'edge' | 'private';
  sourceIpHeader: string | null;
  timeoutS: number;
  integration: RestIntegration;
}

/** The PutIntegration input of the root (proxy: false) or the {proxy+} resource. Pure. */
export function restIntegrationInput(api: string, resourceId: string, spec: RestApiSpec, proxy: boolean): PutIntegrationCommandInput {
  const i = spec.integration;
  const base = i.via === 'internet' ? i.baseUrl.replace(/\/$/, '') : `http://${i.dnsName}${i.port === 80 ? '' : `:${i.port}`}`;
  const requestParameters: Record<string, string> = {};
  if (proxy) requestParameters['integration.request.path.proxy'] = 'method.request.path.proxy';
  if (spec.sourceIpHeader) requestParameters[`integration.request.header.${spec.sourceIpHeader}`] = 'context.identity.sourceIp';
  return {
    restApiId: api,
    resourceId,
    httpMethod: 'ANY',
    type: 'HTTP_PROXY',
    integrationHttpMethod: 'ANY',
    uri: `${base}/${proxy ? '{proxy}' : ''}`,
    requestParameters,
    timeoutInMillis: Math.round(spec.timeoutS * 1000),
    ...(i.via === 'internet' ? { connectionType: 'INTERNET' } : { connectionType: 'VPC_LINK', connectionId: i.vpcLinkId }),
    ...(i.via === 'vpc-link-v2' ? { integrationTarget: i.lbArn } : {}),
  };
}

export async function listRestApis(clients: AwsClients): Promise<Array<{ id: string; name: string; tags: TagMap }>> {
  const out: Array<{ id: string; name: string; tags: TagMap }> = [];
  let position: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = await clients.apigw.send(new GetRestApisCommand({ position, limit: 500 }));
    for (const a of r.items ?? []) out.push({ id: a.id!, name: a.name ?? '', tags: a.tags ?? {} });
    position = r.position;
    if (!position) break;
  }
  return out;
}

export interface RestApiOut {
  id: string;
  stage: string;
  url: string;
  host: string;
  stageArn: string;
}

export async function createRestApi(run: AwsRun, spec: RestApiSpec): Promise<RestApiOut> {
  const { apigw } = run.clients;
  // An API of this run and hop from an interrupted attempt is replaced: its methods may be half made.
  for (const old of (await listRestApis(run.clients)).filter((a) => isOurs(a.tags, run.runId, spec.hop))) {
    run.log(`replacing REST API ${old.id} left by an earlier attempt of this run`);
    await deleteRestApi(run.clients, old.id);
    forget(run, 'rest-api', old.id);
  }
  const types: EndpointType[] = [spec.endpointType === 'edge' ? 'EDGE' : spec.endpointType === 'private' ? 'PRIVATE' : 'REGIONAL'];
  const api = await apigw.send(new CreateRestApiCommand({ name: resourceName(run, spec.hop, '', 128), description: `exposure-lab run ${run.runId}`, endpointConfiguration: { types }, tags: tagsFor(run, spec.hop) }));
  const id = api.id!;
  const region = run.clients.target.region;
  const host = `${id}.execute-api.${region}.amazonaws.com`;
  remember(run, { kind: 'rest-api', id, hop: spec.hop, label: `REST API ${id} (${types[0]}, stage ${REST_STAGE} with its deployment)` });
  const root = (await apigw.send(new GetResourcesCommand({ restApiId: id }))).items?.find((r) => r.path === '/')?.id;
  if (!root) throw new Error(`REST API ${id} has no root resource`);
  await apigw.send(new PutMethodCommand({ restApiId: id, resourceId: root, httpMethod: 'ANY', authorizationType: 'NONE' }));
  await apigw.send(new PutIntegrationCommand(restIntegrationInput(id, root, spec, false)));
  const proxy = await apigw.send(new CreateResourceCommand({ restApiId: id, parentId: root, pathPart: '{proxy+}' }));
  await apigw.send(new PutMethodCommand({ restApiId: id, resourceId: proxy.id!, httpMethod: 'ANY', authorizationType: 'NONE', requestParameters: { 'method.request.path.proxy': true } }));
  await apigw.send(new PutIntegrationCommand(restIntegrationInput(id, proxy.id!, spec, true)));
  // The stage is created on its own (not by CreateDeployment) so that it carries the run's tags.
  const dep = await apigw.send(new CreateDeploymentCommand({ restApiId: id, description: `exposure-lab run ${run.runId}` }));
  await apigw.send(new CreateStageCommand({ restApiId: id, stageName: REST_STAGE, deploymentId: dep.id!, tags: tagsFor(run, spec.hop) }));
  return { id, stage: REST_STAGE, host, url: `https://${host}/${REST_STAGE}/`, stageArn: `arn:aws:apigateway:${region}::/restapis/${id}/stages/${REST_STAGE}` };
}

/** Deletes the API with its resources, deployments and stages. Not-found counts as done. */
export async function deleteRestApi(clients: AwsClients, id: string): Promise<void> {
  try {
    await clients.apigw.send(new DeleteRestApiCommand({ restApiId: id }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export async function undoRestApi(run: AwsRun, id: string): Promise<void> {
  await deleteRestApi(run.clients, id);
  forget(run, 'rest-api', id);
}
