// A hop of the AWS plan (plan.ts makes them; realizers.ts turns them into steps).
import type { AwsSdkRealizer } from '../catalog/realization.ts';
import type { ClusterLb } from '../k8s/realizers.ts';
import type { ResolvedHop } from '../scenario/model.ts';
import type { WafScope } from './resources/web-acl.ts';

export type PlannedKind = { by: 'aws-sdk'; sdk: AwsSdkRealizer } | { by: 'read-back'; lb: ClusterLb };

export interface PlannedHop {
  hop: ResolvedHop;
  kind: PlannedKind;
  /** The planned hop whose output this one forwards to (null for the read-back load balancer). */
  behind: string | null;
  /** The planned hop in front of this one (null: the client). */
  front: string | null;
  /** Scope a web ACL evaluated inside the hop in front takes (REGIONAL, CLOUDFRONT), or null. */
  frontWebAclScope: WafScope | null;
}

