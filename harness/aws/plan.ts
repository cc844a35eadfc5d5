// Which hops of a scenario the eks provider realizes with the AWS SDK, in the order they are created (the hop
// behind first: each one needs the address of what it forwards to), and which load balancer created by a
// Kubernetes controller they sit in front of. Pure: reads the catalog's realize.eks keys, never component kinds.
import type { Scenario, ResolvedHop } from '../scenario/model.ts';
import { sdkRealizerOf, type AwsSdkRealizer } from '../catalog/realization.ts';
import { CLUSTER_LB_REALIZERS, eksRealization } from '../k8s/realizers.ts';
import { clusterLbHop } from '../k8s/render.ts';
import { AWS_REALIZERS } from './realizers.ts';
import type { PlannedHop, PlannedKind } from './planned.ts';

export type { PlannedHop, PlannedKind } from './planned.ts';

export interface AwsPlan {
  /** In creation order: back to front. Empty when the scenario needs no AWS SDK call. */
  hops: PlannedHop[];
  /** The planned hop the client talks to, when the entry is an SDK resource. */
  entry: string | null;
}

export class AwsPlanError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = 'AwsPlanError';
  }
}

/** The hops of the chain the lab creates with the SDK (a WAF right after an ALB Ingress is an annotation instead). */
function sdkHops(s: Scenario): Array<{ hop: ResolvedHop; sdk: AwsSdkRealizer }> {
  const chain = s.hops.slice(1);
  const lb = clusterLbHop(s);
  const lbE = lb ? eksRealization(lb) : undefined;
  // The same rule the manifests follow: right after an ALB Ingress, the WAF is the Ingress's annotation.
  const byAnnotation = lbE?.by === 'cluster-lb' && !!CLUSTER_LB_REALIZERS[lbE.lb].ingressAnnotations;
  const out: Array<{ hop: ResolvedHop; sdk: AwsSdkRealizer }> = [];
  chain.forEach((h, i) => {
    const e = eksRealization(h);
    if (e.by === 'alb-ingress-annotation' && byAnnotation && chain[i - 1] === lb) return;
    const sdk = sdkRealizerOf(e);
    if (sdk) out.push({ hop: h, sdk });
  });
  return out;
}

export function planAws(s: Scenario): AwsPlan {
  const sdk = sdkHops(s);
  if (!sdk.length) return { hops: [], entry: null };
  const lb = clusterLbHop(s);
  const planned: Array<{ hop: ResolvedHop; kind: PlannedKind }> = sdk.map((x) => ({ hop: x.hop, kind: { by: 'aws-sdk', sdk: x.sdk } }));
  if (lb) {
    const e = eksRealization(lb);
    if (e.by === 'cluster-lb') planned.push({ hop: lb, kind: { by: 'read-back', lb: e.lb } });
  }
  planned.sort((a, b) => a.hop.index - b.hop.index);
  const gives = (p: { kind: PlannedKind }) => p.kind.by === 'read-back' || AWS_REALIZERS[p.kind.sdk].output;
  const hops: PlannedHop[] = planned.map((p, i) => {
    const behind = planned.slice(i + 1).find(gives)?.hop.name ?? null;
    const f = i > 0 ? planned[i - 1] : undefined;
    // Only the hop directly in front (chain neighbours) can host a web ACL evaluated inside it.
    const scope = f && f.hop.index === p.hop.index - 1 && f.kind.by === 'aws-sdk' ? (AWS_REALIZERS[f.kind.sdk].webAclScope ?? null) : null;
    return { ...p, behind: p.kind.by === 'read-back' ? null : behind, front: f?.hop.name ?? null, frontWebAclScope: scope };
  });
  for (const p of hops) {
    if (p.kind.by !== 'aws-sdk') continue;
    const r = AWS_REALIZERS[p.kind.sdk];
    if (r.output && !p.behind)
      throw new AwsPlanError(`${p.hop.name} (${p.hop.component}) has nothing behind it that the lab can reach on EKS`, 'put a load balancer the AWS Load Balancer Controller creates (nlb, alb with provisioning: ingress-controller, clb) between it and the cluster');
    if (!r.output && !p.frontWebAclScope)
      throw new AwsPlanError(`${p.hop.name} (${p.hop.component}) needs a resource right in front of it that the lab creates and can attach a web ACL to`, 'place the WAF hop right after a cloudfront, standalone alb or apigw-rest hop');
  }
  // The chain's first hop after the client is the entry when the lab creates it.
  const first = s.hops[1];
  const entry = hops.find((p) => p.hop === first && p.kind.by === 'aws-sdk')?.hop.name ?? null;
  return { hops: [...hops].reverse(), entry };
}
