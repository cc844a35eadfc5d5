// How the lab realizes each SDK-made hop on EKS, looked up by the catalog's realize.eks keys (AwsSdkRealizer),
// and how it reads back the load balancer a Kubernetes controller made (by the cluster-lb key). Each realizer
// turns a planned hop into ordered, reversible steps (cluster/steps.ts) built from the resource modules in
// resources/; what a hop realized (its address, ARN, listener) goes into run.outputs for the hop in front.
import type { AwsSdkRealizer } from '../catalog/realization.ts';
import type { ClusterLb } from '../k8s/realizers.ts';
import type { Step } from '../cluster/steps.ts';
import type { ApigwRestSettings } from '../catalog/components/apigw-rest.ts';
import type { ApigwHttpSettings } from '../catalog/components/apigw-http.ts';
import type { VpcLinkSettings } from '../catalog/components/vpc-link.ts';
import type { WafSettings } from '../catalog/components/waf.ts';
import type { CloudFrontSettings } from '../catalog/components/cloudfront.ts';
import type { AlbSettings } from '../catalog/components/alb.ts';
import type { PlannedHop } from './planned.ts';
import { createdFor, pollUntil, remember, forget, type AwsRun, type HopOutput } from './run.ts';
import { controllerLoadBalancers, describeClassic, describeLoadBalancer, nlbPrivateAddresses, type LbType } from './resources/load-balancers.ts';
import { ensureVpcLinkV1, ensureVpcLinkV2, undoVpcLink } from './resources/vpc-link.ts';
import { createRestApi, undoRestApi, type RestIntegration } from './resources/rest-api.ts';
import { createHttpApi, undoHttpApi } from './resources/http-api.ts';
import { associateWebAcl, disassociateWebAcl, ensureWebAcl, undoWebAcl, type WafScope, type WebAclRef } from './resources/web-acl.ts';
import { ensureDistribution, setDistributionWebAcl, undoDistribution } from './resources/distribution.ts';
import { undoRecord, upsertRecord } from './resources/dns-record.ts';
import { lockOrigin, undoOriginLock } from './resources/origin-lock.ts';
import { ensureAlb, ensureAlbSecurityGroup, ensureListener, ensureTargetGroup, undoAlbPart, type AlbSpec } from './resources/alb.ts';

const MIN = 60_000;

/** Quotas a realizer consumes, checked before anything is created (prechecks.ts). */
export type QuotaKey = 'vpc-links-v1' | 'vpc-links-v2' | 'regional-apis' | 'http-apis';

export interface AwsRealizer {
  title: string;
  /** Whether it gives the hop in front an address (a WAF does not: it is evaluated inside its resource). */
  output: boolean;
  /** Scope of a web ACL evaluated inside this hop (undefined: WAF cannot attach to it). */
  webAclScope?: WafScope;
  steps(p: PlannedHop): Step<AwsRun>[];
  /** Steps that need the hop in front to exist (a web ACL's association). */
  afterFront?(p: PlannedHop): Step<AwsRun>[];
  /** What it needs that the lab cannot invent, missing from the inputs (prechecks). */
  missingInputs?(settings: any, inputs: AwsRun['inputs']): string[];
  /** The quotas it uses, one unit each. */
  quotas(settings: any): QuotaKey[];
}

function outputOf(run: AwsRun, p: PlannedHop, need: string): HopOutput {
  const o = p.behind ? run.outputs.get(p.behind) : undefined;
  if (!o) throw new Error(`${p.hop.name} needs the ${need} of ${p.behind ?? 'the hop behind it'}, which was not realized (a lab bug: the plan orders hops back to front)`);
  return o;
}

const step = (name: string, timeoutMs: number, run: Step<AwsRun>['run'], undo: Step<AwsRun>['undo']): Step<AwsRun> => ({ name, timeoutMs, run, undo, undoOnFailure: true });

/** Undo every ledger entry of one kind for the hop (a step may have created one before failing). */
const undoAll = (kind: Parameters<typeof createdFor>[2], f: (run: AwsRun, id: string, extra: Record<string, string>) => Promise<void>) => async (run: AwsRun, hop: string) => {
  for (const c of [...createdFor(run, hop, kind)].reverse()) await f(run, c.id, c.extra ?? {});
};

export const AWS_REALIZERS: Record<AwsSdkRealizer, AwsRealizer> = {
  'apigw-vpc-link': {
    title: 'API Gateway VPC link',
    output: true,
    quotas: (s: VpcLinkSettings) => [s.version === 'v1' ? 'vpc-links-v1' : 'vpc-links-v2'],
    steps: (p) => {
      const s = p.hop.settings as VpcLinkSettings;
      const undoV1 = undoAll('vpc-link-v1', (run, id) => undoVpcLink(run, { id, version: 'v1' }));
      const undoV2 = undoAll('vpc-link-v2', (run, id) => undoVpcLink(run, { id, version: 'v2' }));
      return [
        step(`create VPC link ${s.version} (${p.hop.name})`, 12 * MIN, async (run, signal) => {
          const lb = outputOf(run, p, 'load balancer');
          let ref;
          if (s.version === 'v1') {
            if (lb.lbType !== 'network' || !lb.arn) throw new Error(`a VPC link v1 targets a Network Load Balancer; ${p.behind} is ${lb.lbType ?? 'not a load balancer'}`);
            ref = await ensureVpcLinkV1(run, p.hop.name, lb.arn, signal);
          } else {
            if (lb.lbType === 'classic' || !lb.subnetIds?.length) throw new Error(`a VPC link v2 targets an NLB or ALB in the VPC; ${p.behind} is ${lb.lbType ?? 'not a load balancer'}`);
            ref = await ensureVpcLinkV2(run, p.hop.name, lb.subnetIds, run.inputs.vpcLinkSecurityGroups ?? lb.securityGroupIds ?? [], signal);
          }
          run.outputs.set(p.hop.name, { ...lb, vpcLink: ref, origin: 'created by the lab (AWS SDK)' });
        }, async (run) => {
          await undoV1(run, p.hop.name);
          await undoV2(run, p.hop.name);
        }),
      ];
    },
  },

  'apigw-rest-api': {
    title: 'API Gateway REST API',
    output: true,
    webAclScope: 'REGIONAL',
    quotas: () => ['regional-apis'],
    steps: (p) => {
      const s = p.hop.settings as ApigwRestSettings;
      return [
        step(`create REST API, integration and stage (${p.hop.name})`, 5 * MIN, async (run) => {
          const b = outputOf(run, p, 'address');
          const integration: RestIntegration = !b.vpcLink
            ? { via: 'internet', baseUrl: `http://${b.dnsName}:${b.port}` }
            : b.vpcLink.version === 'v1'
              ? { via: 'vpc-link-v1', vpcLinkId: b.vpcLink.id, dnsName: b.dnsName, port: b.port }
              : { via: 'vpc-link-v2', vpcLinkId: b.vpcLink.id, dnsName: b.dnsName, port: b.port, lbArn: b.arn! };
          const api = await createRestApi(run, { hop: p.hop.name, endpointType: s.endpointType, sourceIpHeader: s.sourceIpHeader, timeoutS: s.timeoutS, integration });
          run.outputs.set(p.hop.name, { dnsName: api.host, port: 443, url: api.url, webAclTarget: { scope: 'REGIONAL', resourceArn: api.stageArn }, origin: 'created by the lab (AWS SDK)' });
        }, (run) => undoAll('rest-api', (r, id) => undoRestApi(r, id))(run, p.hop.name)),
      ];
    },
  },

  'apigw-http-api': {
    title: 'API Gateway HTTP API',
    output: true,
    quotas: () => ['http-apis'],
    steps: (p) => {
      const s = p.hop.settings as ApigwHttpSettings;
      return [
        step(`create HTTP API, integration, route and stage (${p.hop.name})`, 5 * MIN, async (run) => {
          const b = outputOf(run, p, 'VPC link');
          if (b.vpcLink?.version !== 'v2' || !b.listenerArn) throw new Error(`an HTTP API integrates over a VPC link v2 with a load balancer listener; ${p.behind} gave ${b.vpcLink ? `a VPC link ${b.vpcLink.version}` : 'no VPC link'}${b.listenerArn ? '' : ' and no listener'}`);
          const api = await createHttpApi(run, { hop: p.hop.name, sourceIpHeader: s.sourceIpHeader, timeoutS: s.timeoutS, vpcLinkId: b.vpcLink.id, listenerArn: b.listenerArn });
          run.outputs.set(p.hop.name, { dnsName: api.host, port: 443, url: api.url, origin: 'created by the lab (AWS SDK)' });
        }, (run) => undoAll('http-api', (r, id) => undoHttpApi(r, id))(run, p.hop.name)),
      ];
    },
  },

  'waf-web-acl': {
    title: 'AWS WAF web ACL',
    output: false,
    quotas: () => [],
    steps: (p) => {
      const s = p.hop.settings as WafSettings;
      return [
        step(`create web ACL (${p.hop.name})`, 3 * MIN, async (run) => {
          if (!p.frontWebAclScope) throw new Error(`${p.hop.name} has no resource in front of it to attach to`);
          await ensureWebAcl(run, { hop: p.hop.name, scope: p.frontWebAclScope, blockRules: s.blockRules, rateLimitPer5Min: s.rateLimitPer5Min });
        }, (run) => undoAll('web-acl', (r, id, x) => undoWebAcl(r, { arn: id, id: x.id, name: x.name, scope: x.scope as WafScope }))(run, p.hop.name)),
      ];
    },
    afterFront: (p) => [
      step(`associate web ACL ${p.hop.name} with ${p.front}`, 3 * MIN, async (run) => {
        const target = run.outputs.get(p.front!)?.webAclTarget;
        const acl = createdFor(run, p.hop.name, 'web-acl')[0];
        if (!target || !acl) throw new Error(`cannot associate ${p.hop.name}: ${!acl ? 'no web ACL' : `${p.front} offers no WAF attachment`}`);
        const ref: WebAclRef = { arn: acl.id, id: acl.extra!.id, name: acl.extra!.name, scope: acl.extra!.scope as WafScope };
        if (target.scope === 'REGIONAL') await associateWebAcl(run, p.hop.name, ref, target.resourceArn);
        else {
          await setDistributionWebAcl(run.clients, target.distributionId, ref.arn);
          remember(run, { kind: 'web-acl-association', id: `distribution/${target.distributionId}`, hop: p.hop.name, label: `web ACL ${ref.name} on CloudFront distribution ${target.distributionId}`, extra: { acl: ref.arn } });
        }
      }, async (run) => {
        for (const a of [...createdFor(run, p.hop.name, 'web-acl-association')].reverse()) {
          if (a.id.startsWith('distribution/')) await setDistributionWebAcl(run.clients, a.id.slice('distribution/'.length), '');
          else await disassociateWebAcl(run.clients, a.id);
          forget(run, 'web-acl-association', a.id);
        }
      }),
    ],
  },

  'cloudfront-distribution': {
    title: 'CloudFront distribution',
    output: true,
    webAclScope: 'CLOUDFRONT',
    quotas: () => [],
    steps: (p) => {
      const s = p.hop.settings as CloudFrontSettings;
      const out: Step<AwsRun>[] = [];
      // The name external-dns publishes for the origin in the seed (only with a hosted zone to publish it in).
      out.push(
        step(`publish the origin name in Route 53 (${p.hop.name})`, 3 * MIN, async (run) => {
          const b = outputOf(run, p, 'address');
          if (!run.inputs.hostedZoneId) {
            run.log(`no hosted zone (EXPOSURE_LAB_HOSTED_ZONE_ID): the origin of ${p.hop.name} is ${b.dnsName} itself`);
            return;
          }
          const name = await upsertRecord(run, p.behind!, run.inputs.hostedZoneId, b.dnsName);
          run.outputs.set(`${p.hop.name}#origin`, { ...b, dnsName: name });
        }, (run) => undoAll('dns-record', (r, id, x) => undoRecord(r, x.zone, id))(run, p.behind!)),
      );
      out.push(
        step(`create CloudFront distribution (${p.hop.name})`, 5 * MIN, async (run) => {
          const b = run.outputs.get(`${p.hop.name}#origin`) ?? outputOf(run, p, 'address');
          const d = await ensureDistribution(run, {
            hop: p.hop.name,
            originDns: b.dnsName,
            originPort: b.port,
            viewerProtocol: s.viewerProtocol,
            geography: s.geography,
            viewerAddressHeader: s.viewerAddressHeader,
            originKeepaliveS: s.originKeepaliveS,
            originTimeoutS: s.originTimeoutS,
            cacheHitRatio: s.cacheHitRatio,
          });
          run.outputs.set(p.hop.name, { dnsName: d.domain, port: s.viewerProtocol === 'https' ? 443 : 80, url: `${s.viewerProtocol}://${d.domain}/`, arn: d.arn, webAclTarget: { scope: 'CLOUDFRONT', distributionId: d.id }, origin: 'created by the lab (AWS SDK)' });
        }, (run) => undoAll('distribution', (r, id) => undoDistribution(r, id))(run, p.hop.name)),
      );
      if (s.originLockedToCloudFront)
        out.push(
          step(`lock the origin of ${p.hop.name} to the CloudFront prefix list`, 3 * MIN, async (run) => {
            const b = outputOf(run, p, 'security groups');
            await lockOrigin(run, p.hop.name, b.securityGroupIds ?? [], b.port);
            run.log(`note: ${p.behind}'s security groups belong to its controller, which may restore open rules when it reconciles`);
          }, (run) => undoAll('origin-lock', (r, id, x) => undoOriginLock(r, id, x.record))(run, p.hop.name)),
        );
      return out;
    },
  },

  'standalone-alb': {
    title: 'Application Load Balancer (standalone)',
    output: true,
    webAclScope: 'REGIONAL',
    quotas: () => [],
    missingInputs: (s: AlbSettings, inputs) => (s.https && !inputs.certificateArn ? ['EXPOSURE_LAB_CERT_ARN: an ACM certificate ARN for the HTTPS listener of the standalone ALB (https: true)'] : []),
    steps: (p) => {
      const s = p.hop.settings as AlbSettings;
      let spec: AlbSpec | undefined;
      const specOf = async (run: AwsRun): Promise<AlbSpec> => {
        if (spec) return spec;
        const b = outputOf(run, p, 'address');
        if (b.lbType !== 'network' || !b.arn || !b.vpcId) throw new Error(`a standalone ALB targets the private addresses of an NLB; ${p.behind} is ${b.lbType ?? 'not a load balancer'}`);
        spec = {
          hop: p.hop.name, scheme: s.scheme, https: s.https, xffMode: s.xffMode, xffClientPort: s.xffClientPort, vpcId: b.vpcId,
          targets: await nlbPrivateAddresses(run.clients, b.arn), targetPort: b.port, certificateArn: run.inputs.certificateArn, subnets: run.inputs.publicSubnets,
        };
        return spec;
      };
      const undoPart = (kind: 'listener' | 'load-balancer' | 'target-group' | 'security-group') => undoAll(kind, (r, id) => undoAlbPart(r, kind, id));
      return [
        step(`create the ALB security group (${p.hop.name})`, 3 * MIN, async (run) => void (await ensureAlbSecurityGroup(run, await specOf(run))), (run) => undoPart('security-group')(run, p.hop.name)),
        step(`create the target group at the NLB's private addresses (${p.hop.name})`, 3 * MIN, async (run) => void (await ensureTargetGroup(run, await specOf(run))), (run) => undoPart('target-group')(run, p.hop.name)),
        step(`create the ALB (${p.hop.name})`, 12 * MIN, async (run, signal) => {
          const sg = createdFor(run, p.hop.name, 'security-group')[0].id;
          await ensureAlb(run, await specOf(run), sg, signal);
        }, (run) => undoPart('load-balancer')(run, p.hop.name)),
        step(`create the ALB listener (${p.hop.name})`, 3 * MIN, async (run) => {
          const lb = createdFor(run, p.hop.name, 'load-balancer')[0].id;
          const tg = createdFor(run, p.hop.name, 'target-group')[0].id;
          const listener = await ensureListener(run, await specOf(run), lb, tg);
          const d = await describeLoadBalancer(run.clients, lb, s.https ? 443 : 80);
          run.outputs.set(p.hop.name, { ...d, listenerArn: listener, url: `${s.https ? 'https' : 'http'}://${d.dnsName}/`, origin: 'created by the lab (AWS SDK)' });
        }, (run) => undoPart('listener')(run, p.hop.name)),
      ];
    },
  },
};

/** The load balancer a controller created, by the cluster-lb key: its type and who made it. */
export const CLUSTER_LB_READERS: Record<ClusterLb, { type: LbType; controller: string }> = {
  'nlb-service': { type: 'network', controller: 'the AWS Load Balancer Controller (Service)' },
  'alb-ingress': { type: 'application', controller: 'the AWS Load Balancer Controller (Ingress)' },
  'clb-service': { type: 'classic', controller: 'the in-tree cloud provider (Service)' },
};

/** Reads back, by the run's tags, the load balancer a controller made; waits for the tagging API to see it. */
export function readBackStep(p: PlannedHop & { kind: { by: 'read-back'; lb: ClusterLb } }): Step<AwsRun> {
  const r = CLUSTER_LB_READERS[p.kind.lb];
  return {
    name: `read back ${p.hop.name} (created by ${r.controller}) by the run's tags`,
    timeoutMs: 12 * MIN,
    run: async (run, signal) => {
      let found: Awaited<ReturnType<typeof controllerLoadBalancers>> = [];
      await pollUntil(
        async () => {
          found = (await controllerLoadBalancers(run.clients, run.runId)).filter((x) => x.type === r.type);
          return found.length > 0;
        },
        { pollMs: run.waits.pollMs, maxMs: run.waits.createMs, what: `a ${r.type} load balancer tagged with run ${run.runId}`, signal },
      );
      if (found.length > 1) run.log(`${found.length} ${r.type} load balancers carry the run's tags; using ${found[0].arn}`);
      const d = r.type === 'classic' ? await describeClassic(run.clients, found[0].arn) : await describeLoadBalancer(run.clients, found[0].arn);
      run.outputs.set(p.hop.name, { ...d, origin: `read back: created by ${r.controller}` });
      run.log(`read back ${p.hop.name}: ${d.dnsName} (${found[0].arn})`);
    },
  };
}

/** Every step of a plan, in order: each hop's steps, then the steps that needed it in front (associations). */
export function stepsFor(plan: { hops: PlannedHop[] }): Step<AwsRun>[] {
  const out: Step<AwsRun>[] = [];
  const byName = new Map(plan.hops.map((p) => [p.hop.name, p]));
  for (const p of plan.hops) {
    if (p.kind.by === 'read-back') out.push(readBackStep(p as PlannedHop & { kind: { by: 'read-back'; lb: ClusterLb } }));
    else out.push(...AWS_REALIZERS[p.kind.sdk].steps(p));
    // A hop behind this one whose steps wait for it (a web ACL evaluated inside it).
    for (const q of plan.hops) {
      if (q.front !== p.hop.name || q.kind.by !== 'aws-sdk') continue;
      const after = AWS_REALIZERS[q.kind.sdk].afterFront;
      if (after && byName.has(q.hop.name)) out.push(...after(q));
    }
  }
  return out;
}
