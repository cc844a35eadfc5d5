// The eks provider's AWS side, pure parts: which hops the lab creates with the SDK and in what order, the
// requests it would send (integrations, WAF rules, distribution config), how it names, tags and classifies
// resources, and how it explains a failed call. The calls themselves run against moto in
// test/integration/aws-emulator.test.ts.
import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { loadScenarioText as parseScenario } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/model.ts';
import { AwsPlanError, planAws } from '../../harness/aws/plan.ts';
import { stepsFor } from '../../harness/aws/realizers.ts';
import { restIntegrationInput } from '../../harness/aws/resources/rest-api.ts';
import { httpIntegrationInput } from '../../harness/aws/resources/http-api.ts';
import { wafRules } from '../../harness/aws/resources/web-acl.ts';
import { distributionConfig, MANAGED_POLICY } from '../../harness/aws/resources/distribution.ts';
import { ownerValue, parseOwner } from '../../harness/aws/resources/dns-record.ts';
import { lbTypeOfArn } from '../../harness/aws/resources/load-balancers.ts';
import { DELETE_RANK, kindOfArn } from '../../harness/aws/sweep.ts';
import { explain, iamActionsFor } from '../../harness/aws/errors.ts';
import { isLab, isOurs, labTags, missingTags, TAG } from '../../harness/aws/tags.ts';
import { newAwsRun, resourceName } from '../../harness/aws/run.ts';
import { AwsClients, assertEmulatorEndpoint, awsTargetFromEnv } from '../../harness/aws/clients.ts';
import { sweepCommand } from '../../harness/aws/provision.ts';
import { isLeakSweep } from '../../harness/cli/commands/sweep.ts';
import { leakSweep } from '../../harness/cli/commands/sweep-leaks.ts';
import { UserError } from '../../harness/lib/errors.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { precheckLines } from '../../harness/aws/prechecks.ts';

function loadScenarioText(name: string, spec: string): Scenario {
  const r = parseScenario(`apiVersion: exposure-lab.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: ${name}\n  title: ${name}\n  description: test chain\n  tradeoffs: { waf: x, tls: x, certificates: x, podAwareRouting: x, redundancy: x }\n${spec.trimStart()}`, `${name}.yaml`);
  if (!r.scenario) throw new Error(r.diagnostics.map((d) => `${d.field}: ${d.message}`).join('; '));
  return r.scenario;
}

const plan = (name: string) => planAws(loadScenarioOrThrow(name));
const summary = (name: string) => plan(name).hops.map((h) => `${h.hop.name}:${h.kind.by === 'aws-sdk' ? h.kind.sdk : `read-back ${h.kind.lb}`}`);

describe('AWS plan from the catalog realize.eks keys', () => {
  it('creates hops back to front, after reading back the load balancer a controller made', () => {
    expect(summary('apigw-nlb-gateway')).toEqual(['private-nlb:read-back nlb-service', 'vpc-link:apigw-vpc-link', 'api:apigw-rest-api']);
    expect(summary('apigw-http-nlb-gateway')).toEqual(['private-nlb:read-back nlb-service', 'vpc-link:apigw-vpc-link', 'api:apigw-http-api']);
    expect(summary('apigw-vpclink-v2-alb-gateway')).toEqual(['private-alb:read-back alb-ingress', 'vpc-link:apigw-vpc-link', 'api:apigw-rest-api']);
    expect(summary('alb-nlb-gateway')).toEqual(['private-nlb:read-back nlb-service', 'waf:waf-web-acl', 'public-alb:standalone-alb']);
    expect(summary('cloudfront-waf-clb-nginx')).toEqual(['clb:read-back clb-service', 'waf:waf-web-acl', 'edge:cloudfront-distribution']);
  });

  it('names the entry, what each hop forwards to, and the WAF scope of the resource it is evaluated in', () => {
    const p = plan('cloudfront-waf-clb-nginx');
    expect(p.entry).toBe('edge');
    const waf = p.hops.find((h) => h.hop.name === 'waf')!;
    expect(waf.frontWebAclScope).toBe('CLOUDFRONT');
    expect(p.hops.find((h) => h.hop.name === 'edge')!.behind).toBe('clb');
    expect(plan('alb-nlb-gateway').hops.find((h) => h.hop.name === 'waf')!.frontWebAclScope).toBe('REGIONAL');
  });

  it('associates a web ACL only after the resource in front of it exists', () => {
    const names = stepsFor(plan('alb-nlb-gateway')).map((s) => s.name);
    expect(names.indexOf('associate web ACL waf with public-alb')).toBeGreaterThan(names.indexOf('create the ALB listener (public-alb)'));
    expect(names.indexOf('create web ACL (waf)')).toBeLessThan(names.indexOf('create the ALB (public-alb)'));
    expect(names.at(-1)).toBe('associate web ACL waf with public-alb');
  });

  it('plans nothing where the controllers make every AWS resource (and the WAF of an ALB Ingress is its annotation)', () => {
    for (const f of readdirSync('scenarios')) {
      const name = f.replace(/\.yaml$/, '');
      const s = loadScenarioOrThrow(name);
      const sdk = s.hops.slice(1).some((h) => ['apigw-rest', 'apigw-http', 'vpc-link', 'cloudfront'].includes(h.component) || (h.component === 'alb' && h.settings.provisioning === 'standalone'));
      expect(plan(name).hops.length > 0, name).toBe(sdk);
    }
    const withWaf = loadScenarioText('alb-ingress-waf', `
spec:
  cluster: { nodes: 2, azs: 2, services: 1 }
  chain:
    - component: client
    - component: alb
      settings: { provisioning: ingress-controller, targetType: ip }
    - component: waf
    - component: envoy-gateway
      name: envoy
    - component: service
      name: app`);
    expect(planAws(withWaf).hops).toEqual([]);
    // ... because the manifests carry it: the WAF is the ALB Ingress's annotation there.
    const m = renderScenario(withWaf, { runId: 'r1', target: 'eks', echoImage: 'echo:1', aws: { wafAclArn: 'arn:aws:wafv2:eu-west-1:1:regional/webacl/n/i', certificateArn: 'arn:cert' } });
    const ing = m.entries.map((e) => e.object).find((o) => o.kind === 'Ingress')!;
    expect(ing.metadata.annotations!['alb.ingress.kubernetes.io/wafv2-acl-arn']).toBe('arn:aws:wafv2:eu-west-1:1:regional/webacl/n/i');
    expect(m.unrealized).toEqual([]);
  });

  it('refuses a chain the lab cannot build on EKS, with what to do', () => {
    const s = loadScenarioText('cloudfront-to-nothing', `
spec:
  cluster: { nodes: 2, azs: 2, services: 1 }
  chain:
    - component: client
    - component: cloudfront
      name: edge
    - component: kube-proxy
      settings: { serviceType: NodePort }
    - component: service
      name: app`);
    expect(() => planAws(s)).toThrow(AwsPlanError);
    try {
      planAws(s);
    } catch (e) {
      expect((e as AwsPlanError).message).toMatch(/edge \(cloudfront\) has nothing behind it/);
      expect((e as AwsPlanError).hint).toMatch(/AWS Load Balancer Controller/);
    }
  });
});

describe('requests the resource modules send', () => {
  const base = { hop: 'api', endpointType: 'regional' as const, sourceIpHeader: 'X-Client-IP', timeoutS: 29 };
  it('REST API: HTTP_PROXY over a VPC link v1 to the NLB name, the source IP mapped into the header', () => {
    const i = restIntegrationInput('a1', 'r1', { ...base, integration: { via: 'vpc-link-v1', vpcLinkId: 'vl1', dnsName: 'nlb.example', port: 80 } }, true);
    expect(i).toMatchObject({ type: 'HTTP_PROXY', integrationHttpMethod: 'ANY', connectionType: 'VPC_LINK', connectionId: 'vl1', uri: 'http://nlb.example/{proxy}', timeoutInMillis: 29000 });
    expect(i.requestParameters).toEqual({ 'integration.request.path.proxy': 'method.request.path.proxy', 'integration.request.header.X-Client-IP': 'context.identity.sourceIp' });
    expect(i.integrationTarget).toBeUndefined();
  });
  it('REST API over a VPC link v2: integrationTarget is the load balancer (AWS, November 2025)', () => {
    const i = restIntegrationInput('a1', 'r1', { ...base, integration: { via: 'vpc-link-v2', vpcLinkId: 'v2', dnsName: 'alb.example', port: 8080, lbArn: 'arn:lb' } }, false);
    expect(i).toMatchObject({ connectionId: 'v2', integrationTarget: 'arn:lb', uri: 'http://alb.example:8080/' });
  });
  it('REST API on the kind path: an internet integration to the emulated hop, no mapping when the scenario has none', () => {
    const i = restIntegrationInput('a1', 'r1', { ...base, sourceIpHeader: null, integration: { via: 'internet', baseUrl: 'http://127.21.1.1:4000/' } }, true);
    expect(i).toMatchObject({ connectionType: 'INTERNET', uri: 'http://127.21.1.1:4000/{proxy}' });
    expect(i.requestParameters).toEqual({ 'integration.request.path.proxy': 'method.request.path.proxy' });
  });
  it('HTTP API: the listener ARN over VPC link v2, $context.identity.sourceIp overwrites the header', () => {
    expect(httpIntegrationInput('h1', { hop: 'api', sourceIpHeader: 'X-Client-IP', timeoutS: 30, vpcLinkId: 'v2', listenerArn: 'arn:listener' })).toEqual({
      ApiId: 'h1', IntegrationType: 'HTTP_PROXY', IntegrationMethod: 'ANY', IntegrationUri: 'arn:listener', ConnectionType: 'VPC_LINK', ConnectionId: 'v2',
      PayloadFormatVersion: '1.0', TimeoutInMillis: 30000, RequestParameters: { 'overwrite:header.X-Client-IP': '$context.identity.sourceIp' },
    });
  });
  it('WAF: header block rules (lower-cased, CONTAINS) and the per-IP rate rule', () => {
    const r = wafRules({ hop: 'waf', scope: 'REGIONAL', blockRules: [{ name: 'no bots', header: 'User-Agent', contains: 'BadBot' }], rateLimitPer5Min: 500 });
    expect(r).toHaveLength(2);
    expect(new TextDecoder().decode(r[0].Statement!.ByteMatchStatement!.SearchString)).toBe('badbot');
    expect(r[0].Statement!.ByteMatchStatement!.FieldToMatch).toEqual({ SingleHeader: { Name: 'user-agent' } });
    expect(r[0].Name).toBe('no-bots');
    expect(r[1].Statement!.RateBasedStatement).toEqual({ Limit: 500, AggregateKeyType: 'IP', EvaluationWindowSec: 300 });
    expect(r.map((x) => x.Priority)).toEqual([0, 1]);
  });
  it('CloudFront: no caching for an API, viewer address header through the 2022-06 policy, price class by geography', () => {
    const spec = { hop: 'edge', originDns: 'o.example', originPort: 80, viewerProtocol: 'https' as const, geography: 'europe', viewerAddressHeader: true, originKeepaliveS: 5, originTimeoutS: 30, cacheHitRatio: 0 };
    const c = distributionConfig('r1', spec, 'ref');
    expect(c.DefaultCacheBehavior).toMatchObject({ CachePolicyId: MANAGED_POLICY.cachingDisabled, OriginRequestPolicyId: MANAGED_POLICY.allViewerAndCloudFrontHeaders, ViewerProtocolPolicy: 'redirect-to-https' });
    expect(c.PriceClass).toBe('PriceClass_100');
    expect(c.Origins!.Items![0].CustomOriginConfig).toMatchObject({ HTTPPort: 80, OriginKeepaliveTimeout: 5, OriginReadTimeout: 30, OriginProtocolPolicy: 'http-only' });
    expect(c.Comment).toBe('exposure-lab r1 edge');
    expect(distributionConfig('r1', { ...spec, viewerAddressHeader: false, cacheHitRatio: 0.5, geography: 'australia' }, 'x')).toMatchObject({ PriceClass: 'PriceClass_All', DefaultCacheBehavior: { CachePolicyId: MANAGED_POLICY.cachingOptimized, OriginRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader } });
  });
});

describe('names, tags, ARNs', () => {
  it('tags every lab resource with run id, scenario and managed-by, plus its hop and the SDK provisioner', () => {
    const t = labTags('mk1-42', 'alb-nlb-gateway', 'waf');
    expect(missingTags(t)).toEqual([]);
    expect(t).toMatchObject({ [TAG.runId]: 'mk1-42', [TAG.scenario]: 'alb-nlb-gateway', [TAG.managedBy]: 'exposure-lab', [TAG.hop]: 'waf', [TAG.provisioner]: 'aws-sdk' });
    expect(isOurs(t, 'mk1-42', 'waf')).toBe(true);
    expect(isOurs(t, 'mk1-43', 'waf')).toBe(false);
    expect(isLab({ [TAG.managedBy]: 'someone-else', [TAG.runId]: 'mk1-42' })).toBe(false);
    expect(missingTags({ [TAG.runId]: 'x' })).toEqual([TAG.scenario, TAG.managedBy]);
  });
  it('resource names stay within AWS limits and unique when cut', () => {
    const run = newAwsRun({ clients: new AwsClients({ region: 'eu-west-1' }), runId: 'mk1a2b3c4d-123456', scenario: 's', log: () => {} });
    const a = resourceName(run, 'a-very-long-hop-name-number-one', 'tg', 32);
    const b = resourceName(run, 'a-very-long-hop-name-number-two', 'tg', 32);
    expect(a.length).toBeLessThanOrEqual(32);
    expect(a).not.toBe(b);
    expect(resourceName(run, 'api')).toBe('lab-mk1a2b3c4d-123456-api');
  });
  it('Route 53 ownership records round-trip (records carry no tags)', () => {
    expect(parseOwner(ownerValue('mk1-42', 'cloudfront-waf-clb-nginx'))).toEqual({ runId: 'mk1-42', scenario: 'cloudfront-waf-clb-nginx' });
    expect(parseOwner('"heritage=external-dns,external-dns/owner=x"')).toBeNull();
  });
  it('classifies what the tagging API returns, and orders deletes fronts first', () => {
    expect(kindOfArn('arn:aws:apigateway:eu-west-1::/restapis/abc')).toMatchObject({ kind: 'rest-api', id: 'abc' });
    expect(kindOfArn('arn:aws:apigateway:eu-west-1::/restapis/abc/stages/lab')).toBeNull();
    expect(kindOfArn('arn:aws:wafv2:us-east-1:1:global/webacl/n/i')).toMatchObject({ kind: 'web-acl', extra: { scope: 'CLOUDFRONT', name: 'n', id: 'i' } });
    expect(kindOfArn('arn:aws:cloudfront::1:distribution/E1')).toMatchObject({ kind: 'distribution', id: 'E1' });
    expect(kindOfArn('arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/my-clb')).toMatchObject({ kind: 'classic-load-balancer', id: 'my-clb' });
    expect(kindOfArn('arn:aws:vpc-lattice:eu-west-1:1:service/svc-1')).toMatchObject({ kind: 'other' });
    expect(lbTypeOfArn('arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/n/1')).toBe('network');
    const order = ['distribution', 'rest-api', 'vpc-link-v1', 'load-balancer', 'target-group', 'security-group', 'web-acl'] as const;
    for (let i = 1; i < order.length; i++) expect(DELETE_RANK[order[i]], order[i]).toBeGreaterThan(DELETE_RANK[order[i - 1]]);
  });
});

describe('failures in the user\'s words', () => {
  const call = (client: string, operation: string, method = 'POST', path = '/') => ({ client, operation, method, path, region: 'eu-west-1' });
  const err = (name: string, message: string, c: ReturnType<typeof call>) => Object.defineProperty(Object.assign(new Error(message), { name }), '$call', { value: c });
  it('AccessDenied names the call and the IAM action (API Gateway: the HTTP verb on the resource path)', () => {
    const x = explain(err('AccessDeniedException', 'not allowed', call('WAFV2Client', 'CreateWebACL')));
    expect(x.kind).toBe('access-denied');
    expect(x.message).toMatch(/^wafv2 CreateWebACL failed: AccessDeniedException/);
    expect(x.iamActions).toEqual(['wafv2:CreateWebACL', 'wafv2:TagResource']);
    expect(iamActionsFor(call('APIGatewayClient', 'CreateRestApi', 'POST', '/restapis'))).toEqual(['apigateway:POST on arn:aws:apigateway:eu-west-1::/restapis']);
    expect(iamActionsFor(call('APIGatewayClient', 'CreateVpcLink', 'POST', '/vpclinks'))).toContain('ec2:CreateVpcEndpointServiceConfiguration');
    expect(iamActionsFor(call('ElasticLoadBalancingV2Client', 'CreateLoadBalancer'))).toEqual(['elasticloadbalancing:CreateLoadBalancer', 'elasticloadbalancing:AddTags']);
  });
  it('a quota error says what to delete or raise; a throttle says to wait; a missing input on a create says to check it', () => {
    const q = explain(err('TooManyDistributions', 'Your request contains more CloudFront distributions than are allowed', call('CloudFrontClient', 'CreateDistributionWithTags')));
    expect(q.kind).toBe('quota');
    expect(q.hint).toMatch(/delete disabled or unused distributions.*Service Quotas/);
    expect(explain(err('LimitExceededException', 'VPC link limit exceeded', call('ApiGatewayV2Client', 'CreateVpcLink'))).hint).toMatch(/L-608BDCD4/);
    expect(explain(err('TooManyRequestsException', 'Too Many Requests', call('APIGatewayClient', 'DeleteRestApi'))).kind).toBe('throttled');
    expect(explain(err('CertificateNotFound', 'not found', call('ElasticLoadBalancingV2Client', 'CreateListener'))).hint).toMatch(/EXPOSURE_LAB_CERT_ARN/);
    expect(explain(err('NotFoundException', 'gone', call('APIGatewayClient', 'DeleteRestApi'))).hint).toMatch(/nothing left to delete/);
  });
  it('the sweep command a failure prints points at the same region and endpoint', () => {
    expect(sweepCommand({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' }, 'mk1-42')).toBe('AWS_REGION=eu-west-1 EXPOSURE_LAB_AWS_ENDPOINT=http://127.0.0.1:5000 npx exposure-lab sweep --run mk1-42 --yes');
  });
});

describe('endpoints, regions and the sweep command line', () => {
  it('an emulator endpoint must be a loopback literal', () => {
    expect(() => assertEmulatorEndpoint('http://127.0.0.1:5000')).not.toThrow();
    expect(() => assertEmulatorEndpoint('http://10.0.0.5:5000')).toThrow(/loopback/);
    expect(() => assertEmulatorEndpoint('http://localhost:5000')).toThrow(/loopback/);
    expect(() => assertEmulatorEndpoint('https://apigateway.eu-west-1.amazonaws.com')).toThrow(/loopback/);
    expect(() => awsTargetFromEnv({})).toThrow(/AWS_REGION/);
    expect(awsTargetFromEnv({ AWS_DEFAULT_REGION: 'eu-west-1' })).toEqual({ region: 'eu-west-1', endpoint: undefined });
  });
  it('sweep --run/--all is the leak sweep; scenario names are the model sweep; bad input is a user error', async () => {
    expect(isLeakSweep(['--run', 'mk1-42'])).toBe(true);
    expect(isLeakSweep(['--all', '--yes'])).toBe(true);
    expect(isLeakSweep(['public-nlb', '--rps', '10..100'])).toBe(false);
    await expect(leakSweep.run(['--run', 'x y'])).rejects.toThrow(/"x y" is not a run id/);
    await expect(leakSweep.run(['--run', 'a', '--all'])).rejects.toThrow(/--run and --all together/);
    await expect(leakSweep.run(['--run', 'a', 'public-nlb'])).rejects.toThrow(UserError);
  });
  it('precheck lines show the caller, quotas, cost and every failure', () => {
    const lines = precheckLines({
      account: '123456789012', arn: 'arn:aws:iam::123456789012:user/lab', region: 'eu-west-1',
      quotas: [{ key: 'vpc-links-v2', title: 'VPC links v2', inUse: 10, needed: 1, limit: 10, source: 'documented default', ok: false }],
      missingInputs: [], costPerHourUsd: 0.123, costBasis: 'modeled', creates: ['VPC link for vpc-link'], failures: ['quota VPC links v2: full'], warnings: [],
    });
    expect(lines.join('\n')).toMatch(/caller arn:aws:iam::123456789012:user\/lab[\s\S]*FAIL  VPC links v2: 10 in use \+ 1[\s\S]*\$0\.123 per hour[\s\S]*will create: VPC link[\s\S]*FAIL  quota/);
  });
});
