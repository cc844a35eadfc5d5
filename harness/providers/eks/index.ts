// The eks provider, Kubernetes side: the same objects as kind with AWS Load Balancer Controller annotations,
// Classic LBs from the cloud provider, Lattice through the AWS Gateway API Controller; every object labeled
// and every AWS resource tagged with the run id. Before anything is applied, a doctor-style check of what
// the cluster lacks (harness/cluster/preflight.ts); then apply, wait for the pods, the gateway and the front
// address the controllers write, and for that address to resolve and answer from the application before the
// load driver gets it. Teardown deletes the objects (the controllers delete the AWS resources) and waits;
// `sweepKubernetes` (harness/cluster/sweep.ts) finds what an interrupted run left behind.
import { recordLatency } from '../../catalog/latency.ts';
import type * as k8s from '@kubernetes/client-node';
import type { RealizeOptions, Realized, Realizer } from '../types.ts';
import type { HopRealization } from '../../result/types.ts';
import type { Scenario } from '../../scenario/model.ts';
import type { Manifest } from '../../k8s/types.ts';
import { UserError } from '../../lib/errors.ts';
import { ECHO_HEADERS } from '../../catalog/components/service.ts';
import { renderScenario } from '../../k8s/render.ts';
import { validateManifest } from '../../k8s/validate.ts';
import { eksNetworks } from '../../k8s/networks.ts';
import { runLabel } from '../../k8s/names.ts';
import { clusterRealization, eksRealization, GATEWAY_REALIZERS, gatewayProduct } from '../../k8s/realizers.ts';
import { apiServer, kubeConfigFrom, serverVersion } from '../../cluster/kube.ts';
import { runSteps, StepError, type Provisioned, type Step } from '../../cluster/steps.ts';
import { applyStep, eksFrontStep, waitAppStep, waitGatewayStep, type InClusterCtx } from '../../cluster/incluster.ts';
import { preflight, PreflightFailed, type PreflightResult } from '../../cluster/preflight.ts';
import { waitFrontReady, type Readiness } from '../../cluster/readiness.ts';
import { loadKindVersions } from '../../cluster/versions.ts';
import { ALLOW_REMOTE_ENV, assertApiServerAllowed, assertTargetAllowed, RemoteTargetRefused, serverHost } from '../../cluster/guard.ts';
import { credentialSource, diagnoseEks, type EksFacts } from './available.ts';
import { liftSteps, prepareAwsSide, type AwsSide } from './aws-side.ts';
import { leftoverLines, provisionFailure } from '../../aws/provision.ts';
import type { AwsRun } from '../../aws/run.ts';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Host of the current cluster's API server (the lab's loopback rule applies to it too). */
export function apiServerHost(kc: k8s.KubeConfig): string {
  return serverHost(apiServer(kc));
}

const ms = (s: number) => s * 1000;

export const EKS_ENV = {
  vpcCidr: 'EXPOSURE_LAB_VPC_CIDR',
  cloudfrontCidrs: 'EXPOSURE_LAB_CLOUDFRONT_CIDRS',
  certificateArn: 'EXPOSURE_LAB_CERT_ARN',
  wafAclArn: 'EXPOSURE_LAB_WAF_ACL_ARN',
  latticeServiceNetwork: 'EXPOSURE_LAB_LATTICE_SERVICE_NETWORK',
  echoImage: 'EXPOSURE_LAB_ECHO_IMAGE',
  nodeAddress: 'EXPOSURE_LAB_NODE_ADDRESS',
} as const;

export function eksRenderInputs(env: NodeJS.ProcessEnv = process.env) {
  const { networks } = eksNetworks({ vpcCidr: env[EKS_ENV.vpcCidr], cloudfrontCidrs: env[EKS_ENV.cloudfrontCidrs]?.split(',').map((s) => s.trim()).filter(Boolean) });
  return {
    networks,
    aws: { certificateArn: env[EKS_ENV.certificateArn] || undefined, wafAclArn: env[EKS_ENV.wafAclArn] || undefined, latticeServiceNetwork: env[EKS_ENV.latticeServiceNetwork] || undefined },
    echoImage: env[EKS_ENV.echoImage] || undefined,
  };
}

/** What available() can tell without a scenario: a context, credentials, and an API server that answers. */
async function probeEks(env: NodeJS.ProcessEnv): Promise<EksFacts> {
  const f: EksFacts = { context: null, credentials: credentialSource(env) };
  const kubeconfig = env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
  // client-node falls back to a made-up localhost context when there is no kubeconfig: that is not a context.
  if (!env.KUBERNETES_SERVICE_HOST && !kubeconfig.split(':').some((p) => p && existsSync(p))) {
    f.contextError = `no kubeconfig at ${kubeconfig}`;
    return f;
  }
  let kc: k8s.KubeConfig;
  try {
    kc = await kubeConfigFrom({});
    f.context = kc.getCurrentContext() || null;
  } catch (e) {
    f.contextError = (e as Error).message;
    return f;
  }
  if (!f.context) return f;
  try {
    assertApiServerAllowed(apiServer(kc), f.context, env);
  } catch {
    f.apiError = `not asked: the API server ${apiServerHost(kc)} is not on loopback (set ${ALLOW_REMOTE_ENV}=1 on a machine allowed to reach it)`;
    return f;
  }
  try {
    await serverVersion(kc);
  } catch (e) {
    f.apiError = (e as Error).message.split('\n')[0];
  }
  return f;
}

export const eksProvider: Realizer = {
  shape: 'realizer',
  name: 'eks',
  available: async () => diagnoseEks(await probeEks(process.env)),
  provision: (s, o) => provisionEks(s, o),
};

interface EksCtx extends InClusterCtx {
  opts: RealizeOptions;
  env: NodeJS.ProcessEnv;
  preflight?: PreflightResult;
  readiness?: Readiness;
  /** The client speaks TLS to the front (it terminates TLS). */
  tls: boolean;
  /**
   * The entry when it is not the cluster's front: a resource the lab creates in front of it with the AWS SDK
   * (API Gateway, CloudFront, a standalone ALB). Readiness then probes that entry, after the steps creating it.
   */
  entry?: () => { host: string; port: number; path: string; tls: boolean } | null;
  /** The AWS side (harness/aws): its steps run after the Kubernetes ones that make the front. */
  aws: AwsRun;
}

function eksSteps(env: NodeJS.ProcessEnv): Step<EksCtx>[] {
  return [
    {
      name: 'check what the cluster has (nothing applied yet)',
      timeoutMs: ms(60),
      run: async (c) => {
        c.preflight = await preflight(c.kc!, c.scenario, c.manifest, {
          where: `EKS context ${c.kc!.getCurrentContext()}`,
          latticeServiceNetwork: c.env[EKS_ENV.latticeServiceNetwork] || undefined,
          nodeAddress: c.env[EKS_ENV.nodeAddress] || undefined,
          env: c.env,
          log: c.opts.log,
        });
      },
    },
    // The controllers delete the load balancers behind the objects: give teardown their time.
    applyStep<EksCtx>({ undoTimeoutMs: ms(600) }),
    waitAppStep<EksCtx>(ms(420)),
    waitGatewayStep<EksCtx>(ms(420)),
    eksFrontStep<EksCtx>({ timeoutMs: ms(660), intervalMs: 5_000, nodeAddress: env[EKS_ENV.nodeAddress] || undefined }),
    {
      name: 'wait until the front resolves and answers from the application',
      timeoutMs: ms(600),
      run: async (c, signal) => {
        const e = c.entry?.() ?? { ...c.endpoint!, path: '/', tls: c.tls };
        // An address exists now; traffic to it is another matter (loopback-only rule).
        assertTargetAllowed(e.host, c.env);
        c.readiness = await waitFrontReady({ host: e.host, port: e.port, path: e.path, hostHeader: e.host, tls: e.tls }, { timeoutMs: ms(590), signal, log: c.opts.log });
      },
    },
  ];
}

/** What realized each hop on EKS (a real AWS resource, a real in-cluster component, the echo). */
function eksHops(s: Scenario, m: Manifest, rec: Record<string, string>, echoImage: string, readiness?: Readiness): HopRealization[] {
  const lab = loadKindVersions().lab;
  return s.hops.slice(1).map((h) => {
    const c = clusterRealization(h);
    const e = eksRealization(h);
    const notes: string[] = [];
    let realizedBy: string;
    if (c.by === 'app') {
      realizedBy = `lab echo in pods (${echoImage})`;
      notes.push(`image built from infra/kind/Dockerfile (${lab})`);
    } else if (c.by === 'gateway') {
      const g = GATEWAY_REALIZERS[gatewayProduct(h)];
      realizedBy = `${g.title} ${rec[g.controller.title] ?? 'version unknown'} in the EKS cluster`;
    } else if (c.by === 'kube-proxy') realizedBy = 'kube-proxy in the EKS cluster';
    else if (e.by === 'cluster-lb' || e.by === 'gateway-api-lattice') realizedBy = `AWS ${h.entry.title} (real, created by its Kubernetes controller)`;
    else realizedBy = `AWS ${h.entry.title}`;
    if (readiness && (e.by === 'cluster-lb' || e.by === 'gateway-api-lattice')) notes.push(`ready before load: name resolved after ${readiness.dnsS.toFixed(0)} s, the application answered after ${readiness.httpS.toFixed(0)} s`);
    return { name: h.name, component: h.component, realizedBy, fidelity: 'measured', injectedLatency: null, latencyModel: recordLatency(h.latency, 'measured-instead'), notes };
  });
}

export async function provisionEks(scenario: Scenario, opts: RealizeOptions, o: { kc?: k8s.KubeConfig; env?: NodeJS.ProcessEnv } = {}): Promise<Realized> {
  const env = o.env ?? process.env;
  const inputs = eksRenderInputs(env);
  const echoImage = inputs.echoImage;
  if (!echoImage) throw new UserError('the eks provider needs the lab echo image in a registry the cluster can pull from', `build infra/kind/Dockerfile, push it (e.g. to ECR), and set ${EKS_ENV.echoImage}=<repo>:<tag>`);
  const manifest = renderScenario(scenario, { runId: opts.runId, target: 'eks', echoImage, networks: inputs.networks, aws: inputs.aws });
  const problems = validateManifest(manifest);
  // A missing input (e.g. an ARN) can leave an invalid object; the preflight names the input instead.
  if (problems.length && !manifest.unrealized.length) throw new Error(`generated manifests are invalid (a lab bug):\n${problems.join('\n')}`);
  const kc = o.kc ?? (await kubeConfigFrom({}));
  try {
    assertApiServerAllowed(apiServer(kc), kc.getCurrentContext(), env);
  } catch (e) {
    throw new UserError((e as Error).message, `run eks benchmarks from a machine allowed to reach the cluster and its load balancers, with ${ALLOW_REMOTE_ENV}=1`);
  }
  const log = (l: string) => opts.log(`eks: ${l}`);
  // AWS prechecks and the confirmation come before anything is created, in AWS or in the cluster: the
  // controllers create billed load balancers too.
  const aws: AwsSide = await prepareAwsSide(scenario, opts, env);
  // The client speaks TLS when the AWS front it reaches (the cluster's load balancer, or Lattice) terminates it.
  const front = scenario.hops.slice(1).find((h) => ['cluster-lb', 'gateway-api-lattice'].includes(eksRealization(h).by));
  const tls = !!front && front.entry.tls(front.settings) === 'terminate';
  const ctx: EksCtx = {
    kc, scenario, manifest, opts: { ...opts, log }, env, nodePorts: [], tls, aws: aws.run,
    // The lab's own front resource (API Gateway, CloudFront, a standalone ALB), once the AWS steps made it.
    entry: () => {
      const e = aws.entry();
      return e ? { host: e.host, port: e.port, path: e.path, tls: !!e.tls } : null;
    },
  };
  // Kubernetes steps up to the front's address, then the AWS steps (they build on the controllers' load
  // balancers), then readiness of whatever the client reaches.
  const k8sSteps = eksSteps(env);
  const readiness = k8sSteps.pop()!;
  const steps: Step<EksCtx>[] = [...k8sSteps, ...liftSteps<EksCtx>(aws.steps, (c) => c.aws), readiness];
  let p: Provisioned;
  try {
    p = await runSteps(steps, ctx, { log, signal: opts.signal });
  } catch (e) {
    aws.close();
    if (e instanceof StepError && aws.stepNames.has(e.step)) throw provisionFailure(e, aws.run);
    if (e instanceof StepError && e.cause instanceof PreflightFailed) throw e.cause;
    const left = leftoverLines(aws.run.created, aws.run.clients.target, opts.runId);
    if (e instanceof StepError && (e.cause instanceof UserError || e.cause instanceof RemoteTargetRefused))
      throw new UserError([(e.cause as Error).message, ...left].join('\n'), `the run's objects were deleted; sweep leftovers with: npx exposure-lab sweep --run ${runLabel(opts.runId)} --yes`);
    throw e;
  }
  const rec = ctx.preflight?.recorded ?? {};
  const hops = eksHops(scenario, manifest, rec, echoImage, ctx.readiness).map((h) => {
    const by = aws.realizedBy(h.name);
    return by ? { ...h, realizedBy: by } : h;
  });
  if (hops[0]) hops[0].notes = [...(hops[0].notes ?? []), ...manifest.notes, ...aws.controllerMade.map((f) => `in AWS for this run (read back by tag): ${f}`)];
  const incidents: string[] = [];
  const own = aws.entry();
  return {
    // The entry is the lab's own front resource when there is one, else the cluster's front.
    entry: own ?? { host: ctx.endpoint!.host, port: ctx.endpoint!.port, path: '/', hostHeader: ctx.endpoint!.host, tls: tls ? { servername: ctx.endpoint!.host, rejectUnauthorized: false } : null },
    // Off this machine the client address is the real one: no 127.x source binding (the OS picks the source).
    sources: [],
    hops,
    observe: { clientIpHeader: ECHO_HEADERS.clientIp, tallyHeaders: [ECHO_HEADERS.version] },
    tools: { ...rec, 'eks context': kc.getCurrentContext(), entry: own ? `lab-made AWS front ${own.host}:${own.port}` : `${ctx.endpoint!.what} ${ctx.endpoint!.host}:${ctx.endpoint!.port}` },
    processes: [],
    incidents,
    teardown: async () => {
      await p.teardown();
      for (const t of p.teardownErrors) incidents.push(`teardown: ${t}`);
      for (const l of leftoverLines(aws.run.created, aws.run.clients.target, opts.runId)) {
        incidents.push(l);
        opts.log(`eks: ${l}`);
      }
      aws.close();
    },
  };
}
