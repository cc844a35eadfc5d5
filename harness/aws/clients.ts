// One place that makes the AWS SDK v3 clients of a run: the region, an optional emulator endpoint (moto,
// LocalStack: reached by URL only, so the same code talks to real AWS), bounded timeouts and retries, and a
// middleware that records which call failed (service, operation, HTTP method and path) so errors can name the
// IAM action that was missing. Global services (CloudFront, WAF for CloudFront, Route 53) live in us-east-1.
import { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import { CloudFrontClient } from '@aws-sdk/client-cloudfront';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ServiceQuotasClient } from '@aws-sdk/client-service-quotas';
import { STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { UserError } from '../lib/errors.ts';
import { isLoopback } from '../lib/cidr.ts';

/** Region of CloudFront, WAF web ACLs of scope CLOUDFRONT and Route 53. */
export const GLOBAL_REGION = 'us-east-1';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Where and as whom the lab talks to AWS. */
export interface AwsTarget {
  region: string;
  /** An emulator's URL (moto, LocalStack) for every service; undefined means real AWS. */
  endpoint?: string;
  /** Explicit credentials (an emulator's fake ones); undefined means the SDK's default chain. */
  credentials?: AwsCredentials;
  /** Called with every client the lab makes (tests inject faults and delays here). */
  instrument?: (client: AnyClient, service: string) => void;
}

/** What a failed call recorded about itself (read by errors.ts). */
export interface CallRecord {
  client: string;
  operation: string;
  method?: string;
  path?: string;
  region: string;
}

// The clients share one middleware stack shape; this is the part the lab uses.
export interface AnyClient {
  middlewareStack: { add(mw: any, opts: any): void };
  destroy(): void;
}

export const ENDPOINT_ENV = 'EXPOSURE_LAB_AWS_ENDPOINT';

/** The AWS target from the environment: AWS_REGION / AWS_DEFAULT_REGION, EXPOSURE_LAB_AWS_ENDPOINT for an emulator. */
export function awsTargetFromEnv(env: NodeJS.ProcessEnv = process.env): AwsTarget {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new UserError('no AWS region: AWS_REGION (or AWS_DEFAULT_REGION) is not set', 'export AWS_REGION=<region of the EKS cluster>, e.g. us-east-1');
  const endpoint = env[ENDPOINT_ENV] || undefined;
  if (endpoint) assertEmulatorEndpoint(endpoint);
  return { region, endpoint };
}

/** An emulator endpoint must be on loopback: this lab sends traffic only there (real AWS needs no endpoint). */
export function assertEmulatorEndpoint(endpoint: string): void {
  let host: string;
  try {
    host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
  } catch {
    throw new UserError(`${ENDPOINT_ENV}="${endpoint}" is not a URL`, 'e.g. http://127.0.0.1:5000 (moto_server -H 127.0.0.1 -p 5000)');
  }
  if (!isLoopback(host) && host !== '::1')
    throw new UserError(`refusing the AWS endpoint ${endpoint}: an emulator endpoint must be a literal loopback address (127.0.0.0/8 or ::1)`, `start the emulator on loopback (moto_server -H 127.0.0.1), or unset ${ENDPOINT_ENV} to use real AWS`);
}

/** Records the failing call on the error: which client, operation, HTTP method and path. */
function recordFailures(client: AnyClient, region: string): void {
  client.middlewareStack.add(
    (next: (a: any) => Promise<any>, context: { clientName?: string; commandName?: string }) => async (args: { request?: { method?: string; path?: string } }) => {
      try {
        return await next(args);
      } catch (e) {
        if (e && typeof e === 'object' && !(e as { $call?: CallRecord }).$call) {
          const call: CallRecord = { client: context.clientName ?? 'unknown', operation: (context.commandName ?? 'unknown').replace(/Command$/, ''), method: args.request?.method, path: args.request?.path, region };
          Object.defineProperty(e, '$call', { value: call, enumerable: false });
        }
        throw e;
      }
    },
    { step: 'finalizeRequest', name: 'exposureLabRecordFailures', priority: 'high' },
  );
}

type Ctor<T> = new (config: any) => T;

/** Lazily made clients of one target; close() releases their sockets. */
export class AwsClients {
  private made = new Map<string, AnyClient>();
  constructor(readonly target: AwsTarget) {}

  private get<T extends AnyClient>(key: string, C: Ctor<T>, region = this.target.region): T {
    const id = `${key}@${region}`;
    let c = this.made.get(id) as T | undefined;
    if (!c) {
      c = new C({
        region,
        ...(this.target.endpoint ? { endpoint: this.target.endpoint } : {}),
        ...(this.target.credentials ? { credentials: this.target.credentials } : {}),
        // API Gateway allows one DeleteRestApi per 30 s per account: adaptive retries ride that out.
        maxAttempts: this.target.endpoint ? 2 : 8,
        retryMode: 'adaptive',
        requestHandler: { requestTimeout: 60_000, connectionTimeout: 10_000 },
      });
      recordFailures(c, region);
      this.target.instrument?.(c, key);
      this.made.set(id, c);
    }
    return c;
  }

  get apigw() { return this.get('apigateway', APIGatewayClient); }
  get apigw2() { return this.get('apigatewayv2', ApiGatewayV2Client); }
  wafv2(scope: 'REGIONAL' | 'CLOUDFRONT') { return this.get('wafv2', WAFV2Client, scope === 'CLOUDFRONT' ? GLOBAL_REGION : this.target.region); }
  get cloudfront() { return this.get('cloudfront', CloudFrontClient, GLOBAL_REGION); }
  get elbv2() { return this.get('elbv2', ElasticLoadBalancingV2Client); }
  get elb() { return this.get('elb', ElasticLoadBalancingClient); }
  get ec2() { return this.get('ec2', EC2Client); }
  get route53() { return this.get('route53', Route53Client, GLOBAL_REGION); }
  tagging(region = this.target.region) { return this.get('tagging', ResourceGroupsTaggingAPIClient, region); }
  get quotas() { return this.get('servicequotas', ServiceQuotasClient); }
  get sts() { return this.get('sts', STSClient); }

  close(): void {
    for (const c of this.made.values()) c.destroy();
    this.made.clear();
  }
}
