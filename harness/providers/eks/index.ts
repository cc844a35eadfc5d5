// The eks provider: the same manifests as kind, with AWS load balancers from the AWS Load Balancer Controller
// (annotations), Lattice through the AWS Gateway API Controller, every object labeled and every AWS resource
// tagged with the run id; teardown deletes the objects (the controllers delete the AWS resources), and
// sweepLeaks finds what an interrupted run left behind.
import type * as k8s from '@kubernetes/client-node';
import type { RealizeOptions, Realized, Realizer } from '../types.ts';
import type { HopRealization } from '../../result/types.ts';
import type { Scenario } from '../../scenario/model.ts';
import type { K8sObject, Manifest } from '../../k8s/types.ts';
import { UserError } from '../../lib/errors.ts';
import { ECHO_HEADERS } from '../../catalog/components/service.ts';
import { renderScenario } from '../../k8s/render.ts';
import { validateManifest } from '../../k8s/validate.ts';
import { eksNetworks } from '../../k8s/networks.ts';
import { LABELS, runLabel } from '../../k8s/names.ts';
import { ENVOY_GATEWAY_NAMESPACE } from '../../k8s/envoy-gateway.ts';
import { clusterRealization, eksRealization } from '../../k8s/realizers.ts';
import { deleteObjects, kubeConfigFrom, loadK8s, waitUntil } from '../../cluster/kube.ts';
import { runSteps, StepError, type Step } from '../../cluster/steps.ts';
import { applyManifestStep, waitForRunPodsStep } from '../../cluster/common-steps.ts';
import { loadKindVersions } from '../../cluster/versions.ts';
import { credentialSource, diagnoseEks, type EksFacts } from './available.ts';
import { ALLOW_REMOTE_ENV, assertTargetAllowed, isLoopbackTarget, remoteAllowed } from './guard.ts';
import { liftSteps, prepareAwsSide, type AwsSide } from './aws-side.ts';
import { leftoverLines, provisionFailure } from '../../aws/provision.ts';
import type { AwsRun } from '../../aws/run.ts';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Host of the current cluster's API server (the lab's loopback rule applies to it too). */
export function apiServerHost(kc: k8s.KubeConfig): string {
  const server = kc.getCurrentCluster()?.server ?? '';
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return server;
  }
}

const ms = (s: number) => s * 1000;

export function eksRenderInputs(env: NodeJS.ProcessEnv = process.env) {
  const { networks } = eksNetworks({ vpcCidr: env.EXPOSURE_LAB_VPC_CIDR, cloudfrontCidrs: env.EXPOSURE_LAB_CLOUDFRONT_CIDRS?.split(',').map((s) => s.trim()).filter(Boolean) });
  return { networks, aws: { certificateArn: env.EXPOSURE_LAB_CERT_ARN, wafAclArn: env.EXPOSURE_LAB_WAF_ACL_ARN }, echoImage: env.EXPOSURE_LAB_ECHO_IMAGE };
}

async function probeEks(): Promise<EksFacts> {
  const f: EksFacts = { context: null, credentials: credentialSource(), lbController: null };
  let kc: k8s.KubeConfig;
  const kubeconfig = process.env.KUBECONFIG ?? join(homedir(), '.kube', 'config');
  // client-node falls back to a made-up localhost context when there is no kubeconfig: that is not a context.
  if (!process.env.KUBERNETES_SERVICE_HOST && !kubeconfig.split(':').some((f) => f && existsSync(f))) {
    f.contextError = `no kubeconfig at ${kubeconfig}`;
    return f;
  }
  try {
    kc = await kubeConfigFrom({});
    f.context = kc.getCurrentContext() || null;
  } catch (e) {
    f.contextError = (e as Error).message;
    return f;
  }
  if (!f.context) return f;
  // The cluster API is the only thing asked (never AWS), and only when this machine may reach it.
  const server = apiServerHost(kc);
  if (!isLoopbackTarget(server) && !remoteAllowed()) {
    f.lbControllerError = `not checked: the API server ${server} is not on loopback (set ${ALLOW_REMOTE_ENV}=1 on a machine allowed to reach it)`;
    f.lbController = false;
    return f;
  }
  try {
    const K = await loadK8s();
    const apps = kc.makeApiClient(K.AppsV1Api);
    const list = await apps.listNamespacedDeployment({ namespace: 'kube-system', labelSelector: 'app.kubernetes.io/name=aws-load-balancer-controller' });
    f.lbController = list.items.some((d) => (d.status?.availableReplicas ?? 0) > 0);
  } catch (e) {
    f.lbController = false;
    f.lbControllerError = (e as Error).message.split('\n')[0];
  }
  return f;
}

export const eksProvider: Realizer & { sweepLeaks: typeof sweepLeaks } = {
  shape: 'realizer',
  name: 'eks',
  available: async () => diagnoseEks(await probeEks()),
  provision: (s, o) => provisionEks(s, o),
  sweepLeaks: (prefix, o) => sweepLeaks(prefix, o),
};

interface Ctx {
  kc: k8s.KubeConfig;
  scenario: Scenario;
  manifest: Manifest;
  opts: RealizeOptions;
  endpoint?: string;
  /** The AWS side (harness/aws): its steps run after the Kubernetes ones. */
  aws: AwsRun;
}

/** Where the client enters: the hostname/IP the front Service or Ingress got from its controller. */
async function frontAddress(kc: k8s.KubeConfig, m: Manifest): Promise<string | null> {
  const K = await loadK8s();
  const objectApi = K.KubernetesObjectApi.makeApiClient(kc);
  const fronts = m.entries.map((e) => e.object).filter((o) => (o.kind === 'Ingress' && (o.spec as any).ingressClassName === 'alb') || (o.kind === 'Service' && (o.spec as any).type === 'LoadBalancer'));
  const lattice = m.entries.map((e) => e.object).find((o) => o.kind === 'HTTPRoute' && o.metadata.namespace === m.namespace && !(o.spec as any).rules?.[0]?.filters);
  for (const o of fronts) {
    const live: any = await objectApi.read({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } });
    const ing = live?.status?.loadBalancer?.ingress?.[0];
    if (ing?.hostname || ing?.ip) return ing.hostname ?? ing.ip;
  }
  const ep = m.entries.find((e) => e.object.kind === 'EnvoyProxy')?.object as any;
  if (ep && ep.spec.provider.kubernetes.envoyService.type === 'LoadBalancer') {
    const core = kc.makeApiClient(K.CoreV1Api);
    const svc = await core.readNamespacedService({ name: ep.spec.provider.kubernetes.envoyService.name, namespace: ENVOY_GATEWAY_NAMESPACE });
    const ing = svc.status?.loadBalancer?.ingress?.[0];
    if (ing?.hostname || ing?.ip) return (ing.hostname ?? ing.ip)!;
  }
  if (lattice) {
    const live: any = await objectApi.read({ apiVersion: lattice.apiVersion, kind: lattice.kind, metadata: { name: lattice.metadata.name, namespace: lattice.metadata.namespace } });
    const dns = live?.metadata?.annotations?.['application-networking.k8s.aws/lattice-assigned-domain-name'];
    if (dns) return dns;
  }
  return null;
}

function steps(): Step<Ctx>[] {
  return [
    applyManifestStep<Ctx>(),
    waitForRunPodsStep<Ctx>(ms(420)),
    {
      name: 'wait for the load balancer address',
      timeoutMs: ms(660),
      run: async (c, signal) => {
        await waitUntil(
          async () => {
            c.endpoint = (await frontAddress(c.kc, c.manifest)) ?? undefined;
            return c.endpoint ? null : 'no address in the Service / Ingress / route status yet';
          },
          { timeoutMs: ms(600), intervalMs: 10_000, signal, what: 'AWS load balancer' },
        );
      },
    },
  ];
}

export async function provisionEks(scenario: Scenario, opts: RealizeOptions): Promise<Realized> {
  const inputs = eksRenderInputs();
  const echoImage = inputs.echoImage;
  if (!echoImage) throw new UserError('the eks provider needs the lab echo image in a registry the cluster can pull from', 'build infra/kind/Dockerfile, push it (e.g. to ECR), and set EXPOSURE_LAB_ECHO_IMAGE=<repo>:<tag>');
  const manifest = renderScenario(scenario, { runId: opts.runId, target: 'eks', echoImage, networks: inputs.networks, aws: inputs.aws });
  if (manifest.unrealized.length)
    throw new UserError(
      `scenario ${scenario.name} cannot be realized on EKS by this lab as written:\n${manifest.unrealized.map((u) => `  - ${u.hop} (${u.component}): ${u.reason}`).join('\n')}`,
      manifest.unrealized.map((u) => u.hint).join('; '),
    );
  const problems = validateManifest(manifest);
  if (problems.length) throw new Error(`generated manifests are invalid (a lab bug):\n${problems.join('\n')}`);
  const kc = await kubeConfigFrom({});
  try {
    assertTargetAllowed(apiServerHost(kc));
  } catch (e) {
    throw new UserError((e as Error).message, `run eks benchmarks from a machine allowed to reach the cluster and its load balancers, with ${ALLOW_REMOTE_ENV}=1`);
  }
  // Prechecks and confirmation before anything is created, in AWS or in the cluster.
  const aws: AwsSide = await prepareAwsSide(scenario, opts);
  const ctx: Ctx = { kc, scenario, manifest, opts, aws: aws.run };
  const allSteps: Step<Ctx>[] = [
    ...steps(),
    ...liftSteps<Ctx>(aws.steps, (c) => c.aws),
    {
      name: 'check the entry address',
      timeoutMs: 10_000,
      // An address exists now; traffic to it is another matter (loopback-only rule).
      run: async (c) => assertTargetAllowed(aws.entry()?.host ?? c.endpoint!),
    },
  ];
  let p;
  try {
    p = await runSteps(allSteps, ctx, { log: (l) => opts.log(`eks: ${l}`), signal: opts.signal });
  } catch (e) {
    aws.close();
    if (e instanceof StepError && aws.stepNames.has(e.step)) throw provisionFailure(e, aws.run);
    const left = leftoverLines(aws.run.created, aws.run.clients.target, opts.runId);
    if (e instanceof StepError && (e.cause instanceof UserError || (e.cause as Error)?.name === 'RemoteTargetRefused'))
      throw new UserError([(e.cause as Error).message, ...left].join('\n'), `the run's objects were deleted; sweep leftovers with: npx exposure-lab sweep --run ${runLabel(opts.runId)} --yes`);
    throw e;
  }
  const lab = loadKindVersions().lab;
  const hops: HopRealization[] = scenario.hops.slice(1).map((h) => {
    const app = clusterRealization(h).by === 'app';
    return {
      name: h.name,
      component: h.component,
      realizedBy: aws.realizedBy(h.name) ?? (h.entry.managed ? `AWS ${h.entry.title} (real, created by its Kubernetes controller)` : app ? `lab echo in pods (${echoImage})` : `${h.entry.title} in the EKS cluster`),
      fidelity: 'measured',
      injectedLatency: null,
      notes: app ? [`image built from infra/kind/Dockerfile (${lab})`] : [],
    };
  });
  if (hops[0]) hops[0].notes = [...(hops[0].notes ?? []), ...manifest.notes, ...aws.controllerMade.map((f) => `in AWS for this run (read back by tag): ${f}`)];
  // The client speaks TLS when the AWS front it reaches (the cluster's load balancer, or Lattice) terminates it.
  const front = scenario.hops.slice(1).find((h) => ['cluster-lb', 'gateway-api-lattice'].includes(eksRealization(h).by));
  const tls = !!front && front.entry.tls(front.settings) === 'terminate';
  const incidents: string[] = [];
  return {
    // The entry is the lab's own front resource when there is one (API Gateway, CloudFront, a standalone ALB).
    entry: aws.entry() ?? { host: ctx.endpoint!, port: tls ? 443 : 80, path: '/', hostHeader: ctx.endpoint!, tls: tls ? { servername: ctx.endpoint!, rejectUnauthorized: false } : null },
    // Off this machine the client address is the real one; source binding to 127.x makes no sense there.
    sources: [],
    hops,
    observe: { clientIpHeader: ECHO_HEADERS.clientIp, tallyHeaders: [ECHO_HEADERS.version] },
    tools: { 'eks context': ctx.kc.getCurrentContext() },
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

/** Kinds the lab creates, namespaced and cluster-scoped, for the leak sweep. */
const SWEPT: Array<{ apiVersion: string; kind: string; plural: string; namespaced: boolean }> = [
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', plural: 'ingresses', namespaced: true },
  { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true },
  { apiVersion: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true },
  { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', plural: 'gatewayclasses', namespaced: false },
  { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false },
];

/**
 * Lists (and with delete: true deletes) every object labeled with a run id starting with `runIdPrefix`.
 * Load balancers are found through their Kubernetes objects: deleting the Service / Ingress / Gateway makes
 * the controllers delete the AWS resources. An LB whose object is already gone (controller crashed) is not
 * seen here: find those by the exposure-lab.dev/run-id tag in the AWS console or with
 * `aws resourcegroupstaggingapi get-resources --tag-filters Key=exposure-lab.dev/run-id`.
 */
export async function sweepLeaks(runIdPrefix: string, o: { delete?: boolean; log?: (l: string) => void; kc?: k8s.KubeConfig } = {}): Promise<K8sObject[]> {
  const kc = o.kc ?? (await kubeConfigFrom({}));
  assertTargetAllowed(apiServerHost(kc));
  const K = await loadK8s();
  const api = K.KubernetesObjectApi.makeApiClient(kc);
  const found: K8sObject[] = [];
  for (const t of SWEPT) {
    let list: { items: any[] };
    try {
      list = await api.list(t.apiVersion, t.kind, undefined, undefined, undefined, undefined, undefined, LABELS.runId);
    } catch (e) {
      o.log?.(`cannot list ${t.kind}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    for (const item of list.items) {
      const id = item.metadata?.labels?.[LABELS.runId] as string | undefined;
      if (id?.startsWith(runIdPrefix)) found.push({ apiVersion: t.apiVersion, kind: t.kind, metadata: { name: item.metadata.name, namespace: item.metadata.namespace, labels: item.metadata.labels } });
    }
  }
  if (o.delete && found.length) {
    // Fronts first so the controllers release AWS resources before their namespace goes.
    const order = ['Ingress', 'Service', 'ConfigMap', 'GatewayClass', 'Namespace'];
    found.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
    await deleteObjects(kc, [...found].reverse(), o.log ?? (() => {}));
  }
  return found;
}
