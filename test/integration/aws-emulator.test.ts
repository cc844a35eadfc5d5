// The eks provider's AWS side against a real AWS API emulator: moto's server, started here on 127.0.0.1 with
// fake credentials (the machine's own are never read). Each seed topology that needs AWS SDK resources is
// provisioned step by step (every step's resources appear, tagged; every undo removes exactly them), failures
// are injected mid-way (a quota error, a failing undo, a re-run after a partial failure), permissions are
// enforced by moto's IAM, and a provisioning process is killed with SIGKILL and then swept.
// The load balancer a Kubernetes controller would create is a STAND-IN made by the test (test/helpers/moto.ts).
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetch } from 'undici';
import { GetWebACLForResourceCommand } from '@aws-sdk/client-wafv2';
import { GetDistributionConfigCommand } from '@aws-sdk/client-cloudfront';
import { GetIntegrationCommand, GetResourcesCommand } from '@aws-sdk/client-api-gateway';
import { CreateVpcLinkCommand as CreateVpcLinkV2Command } from '@aws-sdk/client-apigatewayv2';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, CreatePolicyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { describeWithTools } from '../helpers/tools.ts';
import { FAKE, REGION, hostedZone, importCertificate, listAccount, resetMoto, standInCluster, startMoto, tagsOfEverything, type Moto } from '../helpers/moto.ts';
import { AwsClients, type AnyClient } from '../../harness/aws/clients.ts';
import { newAwsRun, EMULATOR_WAITS, type AwsRun } from '../../harness/aws/run.ts';
import { planAws } from '../../harness/aws/plan.ts';
import { stepsFor } from '../../harness/aws/realizers.ts';
import { provisionAws } from '../../harness/aws/provision.ts';
import { precheck } from '../../harness/aws/prechecks.ts';
import { restApiOnEmulator } from '../../harness/aws/emulator.ts';
import { missingTags, TAG } from '../../harness/aws/tags.ts';
import { sweepLeaks } from '../../harness/sweep/leaks.ts';
import { prepareAwsSide } from '../../harness/providers/eks/aws-side.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { loadProfile } from '../../harness/cost/index.ts';
import { UserError } from '../../harness/lib/errors.ts';
import { PROJECT_ROOT } from '../../harness/lib/paths.ts';

const BIN = path.join(PROJECT_ROOT, 'bin/exposure-lab.mjs');
const CHILD = path.join(PROJECT_ROOT, 'test/fixtures/aws/provision-child.ts');

/** The seed topologies with SDK-made hops, and the load balancer a controller makes in front of their cluster. */
const SCENARIOS = [
  ['apigw-nlb-gateway', 'network'],
  ['apigw-nlb-ingress', 'network'],
  ['apigw-http-nlb-gateway', 'network'],
  ['apigw-vpclink-v2-alb-gateway', 'application'],
  ['alb-nlb-gateway', 'network'],
  ['cloudfront-waf-clb-nginx', 'classic'],
] as const;

/** A fault the SDK sees as if AWS had answered it (thrown inside the lab's failure recorder). */
function awsError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/** Client instrumentation: throw the given error for these commands (e.g. CreateListenerCommand). */
function faults(rules: Record<string, () => Error>) {
  return (client: AnyClient) =>
    client.middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
        const f = ctx.commandName ? rules[ctx.commandName] : undefined;
        if (f) throw f();
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'testFaults' },
    );
}

await describeWithTools(['moto_server'], "the eks provider's AWS side against moto's server on 127.0.0.1", ({ moto_server }) => {
  let moto: Moto;
  let c: AwsClients;
  let cert: string;
  const logs: string[] = [];
  const newRun = (scenario: string, runId: string, o: { instrument?: (c: AnyClient) => void; zone?: string } = {}): AwsRun => {
    const clients = o.instrument ? new AwsClients({ region: REGION, endpoint: moto.endpoint, credentials: FAKE, instrument: o.instrument }) : c;
    return newAwsRun({ clients, runId, scenario, waits: EMULATOR_WAITS, inputs: { certificateArn: cert, hostedZoneId: o.zone }, log: (l) => logs.push(l) });
  };

  beforeAll(async () => {
    moto = await startMoto(moto_server);
    expect(new URL(moto.endpoint).hostname).toBe('127.0.0.1');
    c = moto.clients();
  }, 90_000);
  afterAll(async () => moto?.stop());
  beforeEach(async () => {
    await resetMoto(moto.endpoint);
    cert = await importCertificate(moto.endpoint);
    logs.length = 0;
  });

  for (const [name, lbType] of SCENARIOS) {
    it(`${name}: each step creates its resources, tagged with run id, scenario and managed-by; each undo removes exactly them`, async () => {
      const runId = 'step-42';
      await standInCluster(c, runId, name, lbType);
      const zone = await hostedZone(c);
      const run = newRun(name, runId, { zone });
      const steps = stepsFor(planAws(loadScenarioOrThrow(name)));
      const signal = new AbortController().signal;
      const before: Array<{ account: string[]; ledger: number }> = [];
      for (const s of steps) {
        before.push({ account: await listAccount(c), ledger: run.created.length });
        await s.run(run, signal);
        const made = run.created.length - before.at(-1)!.ledger;
        if (s.name.startsWith('read back')) expect(made, s.name).toBe(0);
        else expect(made, s.name).toBeGreaterThan(0);
      }
      const entry = run.outputs.get(planAws(loadScenarioOrThrow(name)).entry!)!;
      expect(entry.url).toMatch(/^https?:\/\//);
      // Tags on everything the run made, read back with each service's own API.
      const tagged = await tagsOfEverything(c);
      expect(tagged.length).toBeGreaterThanOrEqual(run.created.filter((x) => !['web-acl-association', 'origin-lock'].includes(x.kind)).length);
      for (const t of tagged) {
        expect(missingTags(t.tags), t.what).toEqual([]);
        expect(t.tags[TAG.runId], t.what).toBe(runId);
        expect(t.tags[TAG.scenario], t.what).toBe(name);
      }
      // Undo in reverse: after each undo the account is what it was before that step.
      for (let i = steps.length - 1; i >= 0; i--) {
        await steps[i].undo?.(run);
        expect(await listAccount(c), `after undoing "${steps[i].name}"`).toEqual(before[i].account);
        expect(run.created.length, `ledger after undoing "${steps[i].name}"`).toBe(before[i].ledger);
        // Undo twice is harmless (a teardown from a signal handler may repeat one).
        await steps[i].undo?.(run);
      }
    });
  }

  it('the web ACL is associated with the resource in front of it, and the association undone', async () => {
    const runId = 'waf-1';
    await standInCluster(c, runId, 'alb-nlb-gateway', 'network');
    const run = newRun('alb-nlb-gateway', runId);
    const p = await provisionAws(run, planAws(loadScenarioOrThrow('alb-nlb-gateway')));
    const alb = run.outputs.get('public-alb')!.arn!;
    expect((await c.wafv2('REGIONAL').send(new GetWebACLForResourceCommand({ ResourceArn: alb }))).WebACL?.Name).toBe('lab-waf-1-waf');
    expect(await p.teardown()).toEqual([]);
    expect((await c.wafv2('REGIONAL').send(new GetWebACLForResourceCommand({ ResourceArn: alb }))).WebACL).toBeUndefined();

    await standInCluster(c, 'cf-1', 'cloudfront-waf-clb-nginx', 'classic');
    const cf = newRun('cloudfront-waf-clb-nginx', 'cf-1');
    const q = await provisionAws(cf, planAws(loadScenarioOrThrow('cloudfront-waf-clb-nginx')));
    const dist = cf.created.find((x) => x.kind === 'distribution')!.id;
    expect((await c.cloudfront.send(new GetDistributionConfigCommand({ Id: dist }))).DistributionConfig?.WebACLId).toMatch(/:global\/webacl\/lab-cf-1-waf\//);
    expect(logs.join('\n')).toMatch(/no hosted zone \(EXPOSURE_LAB_HOSTED_ZONE_ID\): the origin of edge is .*elb\.amazonaws\.com itself/);
    expect(await q.teardown()).toEqual([]);
  });

  it('a quota error mid-way says what to delete or raise, and undoes what was created, in reverse', async () => {
    await standInCluster(c, 'quota-1', 'cloudfront-waf-clb-nginx', 'classic');
    const baseline = await listAccount(c);
    const run = newRun('cloudfront-waf-clb-nginx', 'quota-1', { zone: await hostedZone(c), instrument: faults({ CreateDistributionWithTagsCommand: () => awsError('TooManyDistributions', 'Your request contains more CloudFront distributions than are allowed.') }) });
    const err = await provisionAws(run, planAws(loadScenarioOrThrow('cloudfront-waf-clb-nginx'))).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/step "create CloudFront distribution \(edge\)" failed: cloudfront CreateDistributionWithTags failed: TooManyDistributions/);
    expect(err.hint).toMatch(/delete disabled or unused distributions.*or request more in Service Quotas/);
    expect(err.message).toMatch(/everything the run created in AWS was undone/);
    // Reverse order: the record (made last) goes before the web ACL (made first).
    const undone = logs.filter((l) => l.startsWith('deleted '));
    expect(undone.map((l) => l.split(' ')[1])).toEqual(['Route', 'web']);
    expect(await listAccount(c)).toEqual(baseline);
  });

  it('an undo that fails is printed with the sweep command, and that sweep removes it', async () => {
    await standInCluster(c, 'undo-1', 'alb-nlb-gateway', 'network');
    const run = newRun('alb-nlb-gateway', 'undo-1', {
      instrument: faults({ CreateListenerCommand: () => awsError('InternalFailure', 'injected', 500), DeleteLoadBalancerCommand: () => awsError('AccessDenied', 'User is not authorized to perform: elasticloadbalancing:DeleteLoadBalancer', 403) }),
    });
    const err = await provisionAws(run, planAws(loadScenarioOrThrow('alb-nlb-gateway'))).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/undo errors: create the ALB \(public-alb\): elasticloadbalancing DeleteLoadBalancer failed: AccessDenied/);
    expect(err.message).toMatch(/could not be undone \(still in AWS, tagged with the run id\):\n {2}- ALB lab-undo-1-public-alb/);
    expect(err.message).toContain(`remove them with: AWS_REGION=${REGION} EXPOSURE_LAB_AWS_ENDPOINT=${moto.endpoint} npx exposure-lab sweep --run undo-1 --yes`);
    expect((await listAccount(c)).some((x) => x === 'load-balancer lab-undo-1-public-alb')).toBe(true);
    const out: string[] = [];
    const r = await sweepLeaks({ runId: 'undo-1', all: false, yes: true, target: c.target, out: (l) => out.push(l), log: () => {}, kubernetes: async () => ({ checked: false, reason: 'no cluster in this test', found: [], deleted: 0, errors: [] }) });
    expect(r.exitCode).toBe(0);
    expect(await listAccount(c)).toEqual([]);
  });

  it('re-running after a partial failure adopts what the failed attempt left, creates no duplicates, and tears down to nothing', async () => {
    await standInCluster(c, 'rerun-1', 'alb-nlb-gateway', 'network');
    const baseline = await listAccount(c);
    const first = newRun('alb-nlb-gateway', 'rerun-1', {
      instrument: faults({
        CreateListenerCommand: () => awsError('InternalFailure', 'injected', 500),
        DeleteWebACLCommand: () => awsError('WAFInternalErrorException', 'injected'),
        DeleteSecurityGroupCommand: () => awsError('InternalError', 'injected', 500),
      }),
    });
    await expect(provisionAws(first, planAws(loadScenarioOrThrow('alb-nlb-gateway')))).rejects.toThrow(/could not be undone[\s\S]*web ACL lab-rerun-1-waf[\s\S]*security group/);
    const left = (await listAccount(c)).filter((x) => !baseline.includes(x));
    expect(left.some((x) => x.startsWith('web-acl REGIONAL lab-rerun-1-waf'))).toBe(true);
    expect(left.some((x) => x.startsWith('security-group'))).toBe(true);
    logs.length = 0;
    const second = newRun('alb-nlb-gateway', 'rerun-1');
    const p = await provisionAws(second, planAws(loadScenarioOrThrow('alb-nlb-gateway')));
    expect(logs.join('\n')).toMatch(/adopted web ACL lab-rerun-1-waf left by an earlier attempt of this run/);
    expect(logs.join('\n')).toMatch(/adopted security group sg-\w+ left by an earlier attempt of this run/);
    const now = await listAccount(c);
    expect(now.filter((x) => x.startsWith('web-acl'))).toHaveLength(1);
    expect(now.filter((x) => x.startsWith('security-group '))).toHaveLength(1);
    expect(now.filter((x) => x.startsWith('load-balancer lab-'))).toHaveLength(1);
    expect(await p.teardown()).toEqual([]);
    expect(await listAccount(c)).toEqual(baseline);
  });

  it('prechecks: caller, region, quotas against what is in use, missing inputs, cost per hour; a full quota fails before anything is created', async () => {
    const stand = await standInCluster(c, 'pre-1', 'apigw-http-nlb-gateway', 'network');
    const s = loadScenarioOrThrow('apigw-http-nlb-gateway');
    const profile = loadProfile(path.join(PROJECT_ROOT, 'profiles/small.yaml'));
    const ok = await precheck({ clients: c, scenario: s, plan: planAws(s), inputs: {}, profile, rateRps: 50 });
    expect(ok.failures).toEqual([]);
    expect(ok.account).toMatch(/^\d{12}$/);
    // moto's Service Quotas knows only the vpc service: the documented default stands in, and says so.
    expect(ok.quotas).toEqual([
      expect.objectContaining({ key: 'vpc-links-v2', inUse: 0, needed: 1, limit: 10, ok: true }),
      expect.objectContaining({ key: 'http-apis', inUse: 0, needed: 1, limit: null, ok: true }),
    ]);
    expect(ok.quotas[0].source).toMatch(/documented default \(Service Quotas not readable: NoSuchResource/);
    expect(ok.warnings.join('\n')).toMatch(/HTTP APIs per Region: 0 in use \+ 1 for this run; the limit is unknown here/);
    expect(ok.costPerHourUsd).toBeGreaterThan(0);
    expect(ok.costBasis).toMatch(/modeled by the cost engine.*50 req\/s/);
    for (let i = 0; i < 10; i++) await c.apigw2.send(new CreateVpcLinkV2Command({ Name: `someone-elses-${i}`, SubnetIds: stand.privateSubnets }));
    const full = await precheck({ clients: c, scenario: s, plan: planAws(s), inputs: {} });
    expect(full.failures.join('\n')).toMatch(/VPC links v2 per account per Region: 10 in use \+ 1 for this run > 10 .*delete unused VPC links v2.*raise it in Service Quotas \(apigateway L-608BDCD4\)/);
    const alb = loadScenarioOrThrow('alb-nlb-gateway');
    const noCert = await precheck({ clients: c, scenario: alb, plan: planAws(alb), inputs: {} });
    expect(noCert.failures.join('\n')).toMatch(/missing input EXPOSURE_LAB_CERT_ARN/);
  });

  it('the eks provider creates nothing without --yes or a confirmation, and stops on failed prechecks', async () => {
    process.env.EXPOSURE_LAB_AWS_ENDPOINT = moto.endpoint;
    const s = loadScenarioOrThrow('apigw-nlb-gateway');
    const lines: string[] = [];
    const base = { runId: 'ask-1', injectLatency: true, seed: 1, log: (l: string) => lines.push(l) };
    await expect(prepareAwsSide(s, base)).rejects.toThrow(/not confirmed: nothing was created/);
    await expect(prepareAwsSide(s, { ...base, confirm: async () => false })).rejects.toThrow(/not confirmed/);
    let asked = '';
    const side = await prepareAwsSide(s, { ...base, confirm: async (summary) => ((asked = summary), true) });
    expect(asked).toMatch(/AWS prechecks \(region eu-west-1\):[\s\S]*caller arn:aws:[\s\S]*will create: API Gateway VPC link for vpc-link[\s\S]*will create: API Gateway REST API for api/);
    expect(await listAccount(c)).toEqual([]);
    // Its first steps read back, by the run's tags, what the controllers made (here: the stand-in NLB).
    expect(side.steps.map((x) => x.name).slice(0, 2)).toEqual(["read back what the Kubernetes controllers created, by the run's tags", "read back private-nlb (created by the AWS Load Balancer Controller (Service)) by the run's tags"]);
    await standInCluster(c, 'ask-1', s.name, 'network');
    await side.steps[0].run(side.run, new AbortController().signal);
    expect(side.controllerMade.join('\n')).toMatch(/^load-balancer \S+k8s-stand-in-net\S+ \(run ask-1, apigw-nlb-gateway; made by a Kubernetes controller; seen by tagging API/m);
    side.close();
    const alb = loadScenarioOrThrow('alb-nlb-gateway');
    await expect(prepareAwsSide(alb, { ...base, yes: true })).rejects.toThrow(/AWS prechecks failed, nothing was created:\n {2}- missing input EXPOSURE_LAB_CERT_ARN/);
    delete process.env.EXPOSURE_LAB_AWS_ENDPOINT;
  });

  it('kind path: API Gateway REST on an emulator is made by the same SDK code, tagged', async () => {
    const api = await restApiOnEmulator({ endpoint: moto.endpoint, region: REGION, runId: 'kind-1', scenario: 'apigw-nlb-gateway', hop: 'api', upstream: 'http://127.21.1.1:4000', sourceIpHeader: 'X-Client-IP', timeoutS: 29 });
    expect(api.invokePath).toBe(`/restapis/${api.id}/lab/_user_request_/`);
    const res = (await c.apigw.send(new GetResourcesCommand({ restApiId: api.id }))).items!;
    const proxy = res.find((r) => r.path === '/{proxy+}')!;
    const i = await c.apigw.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: proxy.id!, httpMethod: 'ANY' }));
    expect(i).toMatchObject({ type: 'HTTP_PROXY', uri: 'http://127.21.1.1:4000/{proxy}', connectionType: 'INTERNET' });
    expect(i.requestParameters).toMatchObject({ 'integration.request.header.X-Client-IP': 'context.identity.sourceIp' });
    for (const t of await tagsOfEverything(c)) expect(missingTags(t.tags), t.what).toEqual([]);
  });

  it('sweep (CLI): dry run by default, --yes deletes in dependency order, a second sweep finds nothing', async () => {
    await standInCluster(c, 'cli-1', 'apigw-nlb-gateway', 'network');
    await provisionAws(newRun('apigw-nlb-gateway', 'cli-1'), planAws(loadScenarioOrThrow('apigw-nlb-gateway')));
    await standInCluster(c, 'cli-2', 'cloudfront-waf-clb-nginx', 'classic');
    await provisionAws(newRun('cloudfront-waf-clb-nginx', 'cli-2', { zone: await hostedZone(c) }), planAws(loadScenarioOrThrow('cloudfront-waf-clb-nginx')));
    const env = { ...process.env, ...moto.env, KUBECONFIG: path.join(PROJECT_ROOT, 'no-such-kubeconfig') };
    const lab = (...args: string[]) => spawnSync(process.execPath, [BIN, 'sweep', ...args], { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 120_000 });
    const before = await listAccount(c);
    const dry = lab('--run', 'cli-1');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/AWS \(eu-west-1\): 4 lab resource\(s\) of run cli-1, in delete order:\n {2}rest-api \w+ .*made by the lab[\s\S]*vpc-link-v1[\s\S]*load-balancer .*made by a Kubernetes controller/);
    expect(dry.stdout).toMatch(/Kubernetes: no kubeconfig/);
    expect(dry.stdout).toMatch(/dry run: nothing deleted/);
    expect(await listAccount(c)).toEqual(before);
    const yes = lab('--run', 'cli-1', '--yes');
    expect(yes.status, yes.stdout + yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/deleted rest-api[\s\S]*deleted vpc-link-v1[\s\S]*deleted load-balancer/);
    expect((await listAccount(c)).filter((x) => before.includes(x) && /cli-1|stand-in-net/.test(x))).toEqual([]);
    expect((await listAccount(c)).some((x) => x.startsWith('distribution'))).toBe(true);
    const again = lab('--run', 'cli-1', '--yes');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/0 lab resource\(s\) of run cli-1/);
    const all = lab('--all', '--yes');
    expect(all.status, all.stdout + all.stderr).toBe(0);
    expect(await listAccount(c)).toEqual([]);
  });

  it('kill -9 of the lab in the middle of provisioning, then sweep --yes leaves the account empty', async () => {
    const runId = 'kill-1';
    await standInCluster(c, runId, 'alb-nlb-gateway', 'network');
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, moto.endpoint, REGION, 'alb-nlb-gateway', runId, cert, 'CreateListenerCommand'], { cwd: PROJECT_ROOT, env: { ...process.env, ...moto.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, sig) => r(sig)));
    for (let i = 0; i < 600 && !out.includes('holding before CreateListenerCommand'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(out, out).toContain('holding before CreateListenerCommand');
    expect(out).toMatch(/ok {6}create the ALB \(public-alb\)/);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const leaked = await listAccount(c);
    expect(leaked).toEqual(expect.arrayContaining([expect.stringMatching(/^load-balancer lab-kill-1-public-alb$/), expect.stringMatching(/^web-acl REGIONAL lab-kill-1-waf$/), expect.stringMatching(/^target-group lab-kill-1-public-alb-tg$/)]));
    const env = { ...process.env, ...moto.env, KUBECONFIG: path.join(PROJECT_ROOT, 'no-such-kubeconfig') };
    const sweep = spawnSync(process.execPath, [BIN, 'sweep', '--run', runId, '--yes'], { cwd: PROJECT_ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(sweep.status, sweep.stdout + sweep.stderr).toBe(0);
    expect(sweep.stdout).toMatch(/AWS: no lab resource of run kill-1 left/);
    // Empty, by each service's own listing: nothing of the run, nor the stand-in controller's NLB (tagged with the run).
    expect(await listAccount(c)).toEqual([]);
  });
});

await describeWithTools(['moto_server'], 'missing permissions, enforced by moto\'s IAM', ({ moto_server }) => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto(moto_server);
  }, 90_000);
  afterAll(async () => moto?.stop());

  it('names the call that failed and the IAM action needed; what was created is undone', async () => {
    const admin = moto.clients();
    const iam = new IAMClient({ region: REGION, endpoint: moto.endpoint, credentials: FAKE });
    await iam.send(new CreateUserCommand({ UserName: 'lab-runner' }));
    const policy = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'lab-runner-no-waf',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'wafv2:CreateWebACL', Resource: '*' }] }),
      }),
    );
    await iam.send(new AttachUserPolicyCommand({ UserName: 'lab-runner', PolicyArn: policy.Policy!.Arn! }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'lab-runner' }))).AccessKey!;
    iam.destroy();
    await standInCluster(admin, 'iam-1', 'alb-nlb-gateway', 'network');
    const certificateArn = await importCertificate(moto.endpoint);
    // From here moto checks every request against IAM.
    expect((await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' })).status).toBe(200);
    const clients = new AwsClients({ region: REGION, endpoint: moto.endpoint, credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
    const s = loadScenarioOrThrow('alb-nlb-gateway');
    const pre = await precheck({ clients, scenario: s, plan: planAws(s), inputs: { certificateArn } });
    expect(pre.failures).toEqual([]);
    expect(pre.arn).toMatch(/:user\/lab-runner$/);
    const lines: string[] = [];
    const run = newAwsRun({ clients, runId: 'iam-1', scenario: s.name, waits: EMULATOR_WAITS, inputs: { certificateArn }, log: (l) => lines.push(l) });
    const err = await provisionAws(run, planAws(s)).then(() => null, (e) => e);
    expect(err).toBeInstanceOf(UserError);
    // moto's IAM layer answers a JSON service's denial in XML: the lab reads the HTTP 403 as AccessDenied.
    expect(err.message).toMatch(/step "create web ACL \(waf\)" failed: wafv2 CreateWebACL failed: AccessDenied/);
    expect(err.message).toMatch(/missing permission: wafv2:CreateWebACL, wafv2:TagResource/);
    expect(err.hint).toMatch(/grant the caller wafv2:CreateWebACL/);
    expect(err.message).toMatch(/everything the run created in AWS was undone/);
    expect(lines).toContain('ok      read back private-nlb (created by the AWS Load Balancer Controller (Service)) by the run\'s tags');
    // Credentials the emulator does not know: the precheck says so before anything else.
    const stranger = new AwsClients({ region: REGION, endpoint: moto.endpoint, credentials: FAKE });
    const bad = await precheck({ clients: stranger, scenario: s, plan: planAws(s), inputs: { certificateArn } });
    expect(bad.failures.join('\n')).toMatch(/credentials: sts GetCallerIdentity failed: InvalidClientTokenId.*aws sts get-caller-identity/);
    clients.close();
    stranger.close();
    admin.close();
  });
});
