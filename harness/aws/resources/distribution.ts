// A CloudFront distribution with the next hop (a load balancer, or the Route 53 name published for it) as a
// custom origin, no caching for an API-like path unless the scenario says otherwise, the viewer address
// header when asked, and optionally a web ACL (CLOUDFRONT scope) named in its configuration. Deleting one is
// slow on AWS: disable, wait until the change is deployed (minutes), then delete with the latest ETag.
import {
  CreateDistributionWithTagsCommand,
  DeleteDistributionCommand,
  GetDistributionCommand,
  GetDistributionConfigCommand,
  ListDistributionsCommand,
  ListTagsForResourceCommand,
  UpdateDistributionCommand,
  type DistributionConfig,
  type Method,
  type PriceClass,
} from '@aws-sdk/client-cloudfront';
import type { AwsClients } from '../clients.ts';
import { isNotFound } from '../errors.ts';
import { forget, pollUntil, remember, tagsFor, type AwsRun } from '../run.ts';
import { cloudFrontTags, fromTagList, isOurs, runTag, type TagMap } from '../tags.ts';

/** Managed policy ids (CloudFront developer guide, "Use managed cache / origin request policies"). */
export const MANAGED_POLICY = {
  cachingDisabled: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad',
  cachingOptimized: '658327ea-f89d-4fab-a63d-7e88639e58f6',
  allViewerExceptHostHeader: 'b689b0a8-53d0-40ab-baf2-68738e2966ac',
  /** All viewer headers plus CloudFront-Viewer-Address and the other CloudFront headers of 2022-06. */
  allViewerAndCloudFrontHeaders: '33f36d7e-f396-46d9-90e0-52428a34d9dc',
} as const;

export interface DistributionSpec {
  hop: string;
  originDns: string;
  originPort: number;
  viewerProtocol: 'https' | 'http';
  geography: string;
  viewerAddressHeader: boolean;
  originKeepaliveS: number;
  originTimeoutS: number;
  cacheHitRatio: number;
}

const PRICE_CLASS: Record<string, PriceClass> = {
  us: 'PriceClass_100',
  europe: 'PriceClass_100',
  japan: 'PriceClass_200',
  'asia-pacific': 'PriceClass_200',
  india: 'PriceClass_200',
  'middle-east': 'PriceClass_200',
  africa: 'PriceClass_200',
  'south-america': 'PriceClass_All',
  australia: 'PriceClass_All',
};

/** The marker in the distribution's comment that finds it again (distributions are listed without tags). */
export function distributionComment(runId: string, hop: string): string {
  return `exposure-lab ${runTag(runId)} ${hop}`;
}

/** Pure: the distribution configuration of a CloudFront hop. */
export function distributionConfig(runId: string, spec: DistributionSpec, callerReference: string): DistributionConfig {
  const methods: Method[] = ['GET', 'HEAD', 'OPTIONS', 'PUT', 'POST', 'PATCH', 'DELETE'];
  return {
    CallerReference: callerReference,
    Comment: distributionComment(runId, spec.hop),
    Enabled: true,
    PriceClass: PRICE_CLASS[spec.geography] ?? 'PriceClass_All',
    HttpVersion: 'http2',
    Origins: {
      Quantity: 1,
      Items: [
        {
          Id: 'lab-origin',
          DomainName: spec.originDns,
          CustomOriginConfig: {
            HTTPPort: spec.originPort,
            HTTPSPort: 443,
            OriginProtocolPolicy: 'http-only',
            OriginReadTimeout: spec.originTimeoutS,
            OriginKeepaliveTimeout: spec.originKeepaliveS,
          },
        },
      ],
    },
    DefaultCacheBehavior: {
      TargetOriginId: 'lab-origin',
      ViewerProtocolPolicy: spec.viewerProtocol === 'https' ? 'redirect-to-https' : 'allow-all',
      CachePolicyId: spec.cacheHitRatio > 0 ? MANAGED_POLICY.cachingOptimized : MANAGED_POLICY.cachingDisabled,
      OriginRequestPolicyId: spec.viewerAddressHeader ? MANAGED_POLICY.allViewerAndCloudFrontHeaders : MANAGED_POLICY.allViewerExceptHostHeader,
      AllowedMethods: { Quantity: methods.length, Items: methods, CachedMethods: { Quantity: 2, Items: ['GET', 'HEAD'] } },
      Compress: false,
    },
    ViewerCertificate: { CloudFrontDefaultCertificate: true },
  };
}

export async function listDistributions(clients: AwsClients): Promise<Array<{ id: string; arn: string; comment: string; domain: string; enabled: boolean; status: string; tags: TagMap }>> {
  const out: Array<{ id: string; arn: string; comment: string; domain: string; enabled: boolean; status: string; tags: TagMap }> = [];
  let marker: string | undefined;
  for (let page = 0; page < 100; page++) {
    const r = (await clients.cloudfront.send(new ListDistributionsCommand({ Marker: marker }))).DistributionList;
    for (const d of r?.Items ?? []) {
      const tags = fromTagList((await clients.cloudfront.send(new ListTagsForResourceCommand({ Resource: d.ARN! }))).Tags?.Items);
      out.push({ id: d.Id!, arn: d.ARN!, comment: d.Comment ?? '', domain: d.DomainName!, enabled: !!d.Enabled, status: d.Status ?? '', tags });
    }
    marker = r?.IsTruncated ? r.NextMarker : undefined;
    if (!marker) break;
  }
  return out;
}

export async function ensureDistribution(run: AwsRun, spec: DistributionSpec): Promise<{ id: string; domain: string; arn: string }> {
  const found = (await listDistributions(run.clients)).find((d) => isOurs(d.tags, run.runId, spec.hop));
  let d: { id: string; domain: string; arn: string };
  if (found) {
    run.log(`adopted CloudFront distribution ${found.id} left by an earlier attempt of this run`);
    d = { id: found.id, domain: found.domain, arn: found.arn };
  } else {
    const callerReference = `${distributionComment(run.runId, spec.hop)} ${Date.now()}`;
    const r = await run.clients.cloudfront.send(
      new CreateDistributionWithTagsCommand({ DistributionConfigWithTags: { DistributionConfig: distributionConfig(run.runId, spec, callerReference), Tags: cloudFrontTags(tagsFor(run, spec.hop)) } }),
    );
    d = { id: r.Distribution!.Id!, domain: r.Distribution!.DomainName!, arn: r.Distribution!.ARN! };
  }
  remember(run, { kind: 'distribution', id: d.id, arn: d.arn, hop: spec.hop, label: `CloudFront distribution ${d.id} (${d.domain}) -> ${spec.originDns}` });
  return d;
}

/** Names a web ACL (CLOUDFRONT scope) in the distribution's configuration; '' removes it. */
export async function setDistributionWebAcl(clients: AwsClients, id: string, aclArn: string): Promise<void> {
  const cur = await clients.cloudfront.send(new GetDistributionConfigCommand({ Id: id }));
  await clients.cloudfront.send(new UpdateDistributionCommand({ Id: id, IfMatch: cur.ETag, DistributionConfig: { ...cur.DistributionConfig!, WebACLId: aclArn } }));
}

export class DistributionStillDeploying extends Error {
  constructor(readonly id: string, waitedS: number) {
    super(`CloudFront distribution ${id} is disabled but its change was still deploying after ${waitedS} s; AWS deletes it only once deployed (usually 5-15 minutes)`);
    this.name = 'DistributionStillDeploying';
  }
}

/** Disables the distribution, waits (up to maxMs) until deployed, deletes it. Not-found counts as done. */
export async function deleteDistribution(clients: AwsClients, id: string, w: { pollMs: number; maxMs: number; signal?: AbortSignal }): Promise<void> {
  const cf = clients.cloudfront;
  try {
    let cur = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    if (cur.DistributionConfig?.Enabled || cur.DistributionConfig?.WebACLId) {
      await cf.send(new UpdateDistributionCommand({ Id: id, IfMatch: cur.ETag, DistributionConfig: { ...cur.DistributionConfig!, Enabled: false, WebACLId: '' } }));
    }
    try {
      await pollUntil(async () => (await cf.send(new GetDistributionCommand({ Id: id }))).Distribution?.Status === 'Deployed', { pollMs: w.pollMs, maxMs: w.maxMs, what: `distribution ${id}`, signal: w.signal });
    } catch (e) {
      if (isNotFound(e)) return;
      throw new DistributionStillDeploying(id, Math.round(w.maxMs / 1000));
    }
    cur = await cf.send(new GetDistributionConfigCommand({ Id: id }));
    await cf.send(new DeleteDistributionCommand({ Id: id, IfMatch: cur.ETag }));
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
}

export async function undoDistribution(run: AwsRun, id: string): Promise<void> {
  await deleteDistribution(run.clients, id, { pollMs: run.waits.pollMs, maxMs: run.waits.undoMs });
  forget(run, 'distribution', id);
}
