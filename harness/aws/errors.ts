// What went wrong in an AWS call, in the user's words: which call failed, and for a missing permission the
// IAM action to grant; for a quota, what to delete or raise; for a throttle, to wait. Pure: reads the error
// the SDK threw and the call record clients.ts attached to it.
import type { CallRecord } from './clients.ts';

export type AwsFailureKind = 'access-denied' | 'credentials' | 'quota' | 'throttled' | 'not-found' | 'in-use' | 'other';

export class AwsCallError extends Error {
  constructor(
    readonly kind: AwsFailureKind,
    /** e.g. "wafv2 CreateWebACL" */
    readonly call: string,
    readonly code: string,
    readonly detail: string,
    readonly hint: string,
    /** IAM actions the caller needs for this call (access-denied). */
    readonly iamActions: string[] = [],
  ) {
    super(code === 'Error' ? detail : `${call} failed: ${code}: ${detail}`);
    this.name = 'AwsCallError';
  }
}

/** IAM service prefix of each SDK client. API Gateway is special: its actions are HTTP verbs (see iamActionsFor). */
const IAM_PREFIX: Record<string, string> = {
  WAFV2Client: 'wafv2',
  CloudFrontClient: 'cloudfront',
  ElasticLoadBalancingV2Client: 'elasticloadbalancing',
  ElasticLoadBalancingClient: 'elasticloadbalancing',
  EC2Client: 'ec2',
  Route53Client: 'route53',
  ResourceGroupsTaggingAPIClient: 'tag',
  ServiceQuotasClient: 'servicequotas',
  STSClient: 'sts',
};

const SERVICE_NAME: Record<string, string> = {
  APIGatewayClient: 'apigateway',
  ApiGatewayV2Client: 'apigatewayv2',
  ...IAM_PREFIX,
};

/** Operations whose IAM action differs from their name, or that need more than one action. */
const EXTRA_ACTIONS: Record<string, string[]> = {
  'cloudfront:CreateDistributionWithTags': ['cloudfront:CreateDistribution', 'cloudfront:TagResource'],
  'elasticloadbalancing:CreateLoadBalancer': ['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:AddTags'],
  'elasticloadbalancing:CreateTargetGroup': ['elasticloadbalancing:CreateTargetGroup', 'elasticloadbalancing:AddTags'],
  'elasticloadbalancing:CreateListener': ['elasticloadbalancing:CreateListener', 'elasticloadbalancing:AddTags'],
  'ec2:CreateSecurityGroup': ['ec2:CreateSecurityGroup', 'ec2:CreateTags'],
  'ec2:AuthorizeSecurityGroupIngress': ['ec2:AuthorizeSecurityGroupIngress', 'ec2:CreateTags'],
  'wafv2:CreateWebACL': ['wafv2:CreateWebACL', 'wafv2:TagResource'],
  'wafv2:AssociateWebACL': ['wafv2:AssociateWebACL', 'elasticloadbalancing:SetWebACL (ALB) or apigateway:SetWebACL (API stage)'],
  'tag:GetResources': ['tag:GetResources'],
};

/** API Gateway VPC links also act in EC2 / ELB on the caller's behalf (developer guide, "VPC link permissions"). */
const APIGW_VPC_LINK_EXTRA = [
  'elasticloadbalancing:DescribeLoadBalancers',
  'ec2:CreateVpcEndpointServiceConfiguration',
  'ec2:DeleteVpcEndpointServiceConfigurations',
  'ec2:DescribeVpcEndpointServiceConfigurations',
  'ec2:ModifyVpcEndpointServicePermissions',
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DeleteNetworkInterface',
  'iam:CreateServiceLinkedRole',
];

/** The IAM actions a call needs (what to put in the policy when it was denied). */
export function iamActionsFor(c: CallRecord): string[] {
  if (c.client === 'APIGatewayClient' || c.client === 'ApiGatewayV2Client') {
    // API Gateway's IAM actions are the HTTP method on the resource path (apigateway:POST on /restapis, ...).
    const path = (c.path ?? '/').split('?')[0];
    const out = [`apigateway:${c.method ?? '*'} on arn:aws:apigateway:${c.region}::${path}`];
    if (/^\/(v2\/)?vpclinks/.test(path) && c.method !== 'GET') out.push(...APIGW_VPC_LINK_EXTRA);
    return out;
  }
  const prefix = IAM_PREFIX[c.client] ?? c.client.replace(/Client$/, '').toLowerCase();
  const action = `${prefix}:${c.operation}`;
  return EXTRA_ACTIONS[action] ?? [action];
}

const ACCESS = /^(AccessDenied(Exception)?|UnauthorizedOperation|UnauthorizedException|AuthorizationError|WAFAccessDeniedException|Forbidden)$/;
const CREDENTIALS = /^(InvalidClientTokenId|UnrecognizedClientException|SignatureDoesNotMatch|ExpiredToken(Exception)?|InvalidAccessKeyId|AuthFailure|CredentialsProviderError)$/;
const THROTTLE = /^(TooManyRequestsException|Throttling(Exception)?|RequestLimitExceeded|SlowDown|ThrottledException)$/;
const QUOTA = /(LimitExceeded|TooMany|QuotaExceeded|LimitsExceeded)/;
const NOT_FOUND = /(NotFound|NoSuch|Nonexistent|does not exist)/i;
const IN_USE = /^(DependencyViolation|ResourceInUse(Exception)?|WAFAssociatedItemException|DistributionNotDisabled|ConflictException|InvalidConfigurationRequest|OperationNotPermitted)$/;

/** What to delete or raise when a create hits a quota (by service). */
const QUOTA_HINTS: Record<string, string> = {
  apigateway: 'delete unused REST APIs or VPC links (aws apigateway get-rest-apis / get-vpc-links; lab leftovers: exposure-lab sweep --all), or raise the quota in Service Quotas (service "apigateway"; VPC links v2: L-608BDCD4)',
  apigatewayv2: 'delete unused HTTP APIs or VPC links v2 (aws apigatewayv2 get-apis / get-vpc-links; lab leftovers: exposure-lab sweep --all), or raise "VPC links per account per Region" (L-608BDCD4) in Service Quotas',
  wafv2: 'delete unused web ACLs (aws wafv2 list-web-acls; lab leftovers: exposure-lab sweep --all), or raise the WAF quota in Service Quotas (service "wafv2")',
  cloudfront: 'delete disabled or unused distributions (aws cloudfront list-distributions; lab leftovers: exposure-lab sweep --all), or request more in Service Quotas (service "cloudfront")',
  elasticloadbalancing: 'delete unused load balancers / target groups (aws elbv2 describe-load-balancers; lab leftovers: exposure-lab sweep --all), or raise the ELB quota in Service Quotas (service "elasticloadbalancing")',
  ec2: 'delete unused security groups or rules (lab leftovers: exposure-lab sweep --all), or raise the VPC quota in Service Quotas (service "vpc")',
  route53: 'delete unused records, or raise the Route 53 quota (service "route53")',
};

const text = (e: unknown) => String((e as Error)?.message ?? e).split('\n')[0].slice(0, 400);

export function errorCode(e: unknown): string {
  const x = e as { name?: string; Code?: string; code?: string; __type?: string };
  return x?.Code ?? x?.code ?? x?.name ?? 'Error';
}

export function isNotFound(e: unknown): boolean {
  return NOT_FOUND.test(errorCode(e)) || (NOT_FOUND.test(text(e)) && !ACCESS.test(errorCode(e)));
}

export function isInUse(e: unknown): boolean {
  return IN_USE.test(errorCode(e));
}

/** The failure in the user's words. Errors without a call record (not from an SDK call) come back as 'other'. */
export function explain(e: unknown, fallbackCall = 'AWS call'): AwsCallError {
  if (e instanceof AwsCallError) return e;
  const rec = (e as { $call?: CallRecord })?.$call;
  const service = rec ? SERVICE_NAME[rec.client] ?? rec.client : undefined;
  const call = rec ? `${service} ${rec.operation}` : fallbackCall;
  let code = errorCode(e);
  let detail = text(e);
  // The SDK could not read the answer (not the protocol's format): judge by the HTTP status. moto's IAM check
  // answers JSON services in XML; an emulator answers HTTP 500 to an operation it does not implement.
  const status = (e as { $metadata?: { httpStatusCode?: number }; $response?: { statusCode?: number } })?.$metadata?.httpStatusCode ?? (e as { $response?: { statusCode?: number } })?.$response?.statusCode;
  if (code === 'SyntaxError' && status) {
    code = status === 403 ? 'AccessDenied' : `HTTP ${status}`;
    detail = status === 403 ? 'HTTP 403 (the answer body was not in the API\'s format)' : `an answer the SDK could not read${status >= 500 ? ' (an emulator that does not implement this operation?)' : ''}`;
  }
  if (rec && ACCESS.test(code)) {
    const actions = iamActionsFor(rec);
    return new AwsCallError('access-denied', call, code, detail, `grant the caller ${actions.join(', ')} (docs/aws.md lists every action the lab uses), then run again`, actions);
  }
  if (CREDENTIALS.test(code) || /Could not load credentials/.test(detail))
    return new AwsCallError('credentials', call, code, detail, 'the AWS credentials are missing, invalid or expired: check `aws sts get-caller-identity` with the same AWS_PROFILE / environment');
  if (THROTTLE.test(code) || (QUOTA.test(code) && /rate limit|retry after/i.test(detail))) return new AwsCallError('throttled', call, code, detail, 'AWS throttled the call after the SDK retried it: wait a minute and run again (API Gateway allows one DeleteRestApi per 30 s per account)');
  if (QUOTA.test(code) || /limit|quota/i.test(detail) && /exceed/i.test(detail))
    return new AwsCallError('quota', call, code, detail, QUOTA_HINTS[IAM_PREFIX[rec?.client ?? ''] ?? service ?? ''] ?? 'delete unused resources of this kind or raise the quota in Service Quotas');
  if (isNotFound(e))
    return new AwsCallError('not-found', call, code, detail, /^(Delete|Disassociate|Revoke|Deregister)/.test(rec?.operation ?? '')
      ? 'the resource is gone (deleted elsewhere, or in another region): nothing left to delete'
      : 'something this call names does not exist (an input ARN or id such as EXPOSURE_LAB_CERT_ARN, or a resource in another region): check it');
  if (isInUse(e)) return new AwsCallError('in-use', call, code, detail, 'something still uses it (an association, a load balancer, a distribution being disabled): delete that first, or run the sweep again in a few minutes');
  if (!rec) return new AwsCallError('other', fallbackCall, code, detail, 'see the message above');
  return new AwsCallError('other', call, code, detail, 'see the AWS message above');
}
