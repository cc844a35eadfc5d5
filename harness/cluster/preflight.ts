// Before anything is applied: what the cluster lacks for this scenario, as a doctor-style list (CRDs,
// controllers and their versions, how they are set, the inputs the scenario needs, image availability, node
// addresses the lab may reach), and the versions that will be recorded in the result. needsOf and
// judgePreflight are pure; gatherFacts asks the API server (reads only).
import type * as K8s from '@kubernetes/client-node';
import type { Scenario } from '../scenario/model.ts';
import type { Manifest } from '../k8s/types.ts';
import { CLUSTER_LB_REALIZERS, eksRealization, GATEWAY_REALIZERS, type GatewayProduct } from '../k8s/realizers.ts';
import { clusterLbHop } from '../k8s/render.ts';
import { LATTICE_GATEWAY_CLASS } from '../k8s/lattice.ts';
import { CONTROLLERS, findController, type ControllerFact, type ControllerKey } from './controllers.ts';
import { listNodes, listObjects, serverVersion, type NodeInfo } from './kube.ts';
import { isLoopbackTarget, remoteAllowed, ALLOW_REMOTE_ENV } from './guard.ts';
import { labelSelectorMatches, type LabelSelector } from './selectors.ts';
import { UserError } from '../lib/errors.ts';

/** Oldest Kubernetes minor the lab accepts: ValidatingAdmissionPolicy (Gateway API's safe-upgrades policy) is GA from 1.30. */
export const MIN_KUBERNETES_MINOR = 30;

export interface Needs {
  crds: Array<{ name: string; why: string }>;
  controllers: Array<{ key: ControllerKey; why: string }>;
  /** Services that must become Classic LBs (no loadBalancerClass): checked against the LB controller's webhook. */
  classicServices: Array<{ namespace: string; name: string; labels: Record<string, string> }>;
  /** The run namespace's labels (webhook namespace selectors match on them). */
  namespaceLabels: Record<string, string>;
  /** VPC Lattice through the AWS Gateway API Controller. */
  lattice: boolean;
  /** An Ingress of class alb. */
  albIngress: boolean;
  /** Images the run's pods use (the echo), which the nodes must have or pull. */
  images: string[];
  /** The lab reaches the cluster through its nodes (NodePorts): node addresses must be reachable from here. */
  viaNodes: boolean;
}

/** What a scenario's manifest needs from the cluster (pure). */
export function needsOf(s: Scenario, m: Manifest): Needs {
  const crds = new Map<string, string>();
  const controllers = new Map<ControllerKey, string>();
  const product = m.gatewayPods?.product as GatewayProduct | undefined;
  if (product) {
    const c = GATEWAY_REALIZERS[product].controller;
    controllers.set(product, `the ${s.hops.find((h) => h.entry.gateway)?.name ?? 'gateway'} hop`);
    for (const crd of c.crds) crds.set(crd, `${c.title} objects`);
  }
  for (const e of m.entries) {
    const group = e.object.apiVersion.includes('/') ? e.object.apiVersion.split('/')[0] : '';
    if (group.endsWith('gateway.networking.k8s.io') || group.endsWith('gateway.envoyproxy.io')) crds.set(`${pluralOf(e.object.kind)}.${group}`, `${e.object.kind} ${e.object.metadata.name}`);
  }
  const classicServices: Needs['classicServices'] = [];
  let albIngress = false;
  let lattice = false;
  if (m.target === 'eks') {
    const lbHop = clusterLbHop(s);
    const lb = lbHop ? eksRealization(lbHop) : undefined;
    if (lbHop && lb?.by === 'cluster-lb') {
      const r = CLUSTER_LB_REALIZERS[lb.lb];
      for (const k of r.controllers(lbHop.settings)) controllers.set(k, `the ${lbHop.name} hop (${lbHop.entry.title})`);
      if (r.classic)
        for (const e of m.entries)
          if (e.object.kind === 'Service' && (e.object.spec as { type?: string }).type === 'LoadBalancer')
            classicServices.push({ namespace: e.object.metadata.namespace!, name: e.object.metadata.name, labels: e.object.metadata.labels ?? {} });
      albIngress = m.entries.some((e) => e.object.kind === 'Ingress' && (e.object.spec as { ingressClassName?: string }).ingressClassName === 'alb');
    }
    lattice = m.front.via === 'lattice-route';
    if (lattice) {
      controllers.set('aws-gateway-api-controller', 'the VPC Lattice hop');
      for (const k of ['gateways', 'httproutes', 'gatewayclasses']) crds.set(`${k}.gateway.networking.k8s.io`, 'the VPC Lattice Gateway and route');
    }
  }
  const ns = m.entries.find((e) => e.object.kind === 'Namespace')?.object.metadata.labels ?? {};
  const images = [
    ...new Set(
      m.entries.flatMap((e) =>
        e.object.kind === 'Deployment' ? ((e.object.spec as any)?.template?.spec?.containers ?? []).map((c: { image: string }) => c.image) : [],
      ),
    ),
  ] as string[];
  return {
    crds: [...crds].map(([name, why]) => ({ name, why })),
    controllers: [...controllers].map(([key, why]) => ({ key, why })),
    classicServices,
    namespaceLabels: ns,
    lattice,
    albIngress,
    images,
    viaNodes: m.target !== 'eks' || m.front.via === 'node-port',
  };
}

function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  return /[^aeiou]y$/.test(k) ? `${k.slice(0, -1)}ies` : k.endsWith('s') ? `${k}es` : `${k}s`;
}

export interface MutatingWebhookFact {
  configuration: string;
  name: string;
  objectSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  /** Resources and operations it intercepts (group/resource). */
  resources: string[];
  operations: string[];
}

export interface ClusterFacts {
  context: string;
  server: string;
  kubernetesVersion: string | null;
  /** Why the API server could not be asked, if it could not. */
  unreachable?: string;
  /** CRD name -> Established. */
  crds: Map<string, boolean>;
  controllers: Partial<Record<ControllerKey, ControllerFact>>;
  mutatingWebhooks: MutatingWebhookFact[];
  gatewayClasses: Map<string, { controllerName: string; accepted: boolean }>;
  ingressClasses: string[];
  nodes: NodeInfo[];
}

/** Reads what the checks need from the API server: nothing is created or changed. */
export async function gatherFacts(kc: K8s.KubeConfig, needs: Needs): Promise<ClusterFacts> {
  const facts: ClusterFacts = {
    context: kc.getCurrentContext(),
    server: kc.getCurrentCluster()?.server ?? '',
    kubernetesVersion: null,
    crds: new Map(),
    controllers: {},
    mutatingWebhooks: [],
    gatewayClasses: new Map(),
    ingressClasses: [],
    nodes: [],
  };
  try {
    facts.kubernetesVersion = await serverVersion(kc);
  } catch (e) {
    facts.unreachable = (e as Error).message.split('\n')[0];
    return facts;
  }
  for (const c of (await listObjects<any>(kc, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition')) ?? [])
    facts.crds.set(c.metadata.name, !!c.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True'));
  for (const { key } of needs.controllers) facts.controllers[key] = await findController(kc, key);
  if (needs.classicServices.length)
    for (const cfg of (await listObjects<any>(kc, 'admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration')) ?? [])
      for (const w of cfg.webhooks ?? [])
        facts.mutatingWebhooks.push({
          configuration: cfg.metadata.name,
          name: w.name,
          objectSelector: w.objectSelector,
          namespaceSelector: w.namespaceSelector,
          resources: (w.rules ?? []).flatMap((r: { apiGroups?: string[]; resources?: string[] }) => (r.resources ?? []).flatMap((res) => (r.apiGroups ?? ['']).map((g) => `${g}/${res}`))),
          operations: (w.rules ?? []).flatMap((r: { operations?: string[] }) => r.operations ?? []),
        });
  if (needs.lattice && facts.crds.has('gatewayclasses.gateway.networking.k8s.io'))
    for (const g of (await listObjects<any>(kc, 'gateway.networking.k8s.io/v1', 'GatewayClass')) ?? [])
      facts.gatewayClasses.set(g.metadata.name, { controllerName: g.spec?.controllerName, accepted: !!g.status?.conditions?.some((c: { type: string; status: string }) => c.type === 'Accepted' && c.status === 'True') });
  if (needs.albIngress) facts.ingressClasses = ((await listObjects<any>(kc, 'networking.k8s.io/v1', 'IngressClass')) ?? []).map((c) => c.metadata.name);
  facts.nodes = await listNodes(kc);
  return facts;
}

export interface Check {
  item: string;
  state: 'ok' | 'missing' | 'wrong' | 'note';
  detail: string;
  fix?: string;
}

export interface PreflightInputs {
  /** The VPC Lattice service network the Gateway is named after (EXPOSURE_LAB_LATTICE_SERVICE_NETWORK). */
  latticeServiceNetwork?: string;
  /** One address every node is reached at from here (EXPOSURE_LAB_NODE_ADDRESS), instead of their own. */
  nodeAddress?: string;
  env?: NodeJS.ProcessEnv;
}

export interface PreflightResult {
  checks: Check[];
  ok: boolean;
  /** What ran, for result.json: cluster, Kubernetes version, controller versions. */
  recorded: Record<string, string>;
}

function minorOf(v: string): number | null {
  const m = /^v?(\d+)\.(\d+)/.exec(v);
  return m && Number(m[1]) === 1 ? Number(m[2]) : null;
}

/** The verdict, every problem at once (pure). */
export function judgePreflight(needs: Needs, facts: ClusterFacts, m: Manifest, inputs: PreflightInputs = {}): PreflightResult {
  const checks: Check[] = [];
  const recorded: Record<string, string> = { cluster: `${facts.context} (${facts.server})` };
  const env = inputs.env ?? process.env;
  if (facts.unreachable || !facts.kubernetesVersion) {
    checks.push({ item: 'Kubernetes API', state: 'missing', detail: `${facts.server} does not answer: ${facts.unreachable ?? 'no version'}`, fix: 'check the kubeconfig context (kubectl --context ' + facts.context + ' version)' });
    return { checks, ok: false, recorded };
  }
  recorded.kubernetes = facts.kubernetesVersion;
  const minor = minorOf(facts.kubernetesVersion);
  checks.push(
    minor !== null && minor >= MIN_KUBERNETES_MINOR
      ? { item: 'Kubernetes API', state: 'ok', detail: `${facts.kubernetesVersion} at ${facts.server}` }
      : { item: 'Kubernetes API', state: 'wrong', detail: `${facts.kubernetesVersion} at ${facts.server}, needs 1.${MIN_KUBERNETES_MINOR} or newer`, fix: 'upgrade the cluster (the lab is tested on 1.36)' },
  );

  for (const c of needs.crds) {
    const est = facts.crds.get(c.name);
    checks.push(
      est
        ? { item: `CRD ${c.name}`, state: 'ok', detail: 'established' }
        : {
            item: `CRD ${c.name}`,
            state: est === false ? 'wrong' : 'missing',
            detail: est === false ? 'installed but not Established' : `not installed (needed by ${c.why})`,
            fix: c.name.endsWith('gateway.envoyproxy.io') ? CONTROLLERS['envoy-gateway'].install : 'kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.6.1/experimental-install.yaml',
          },
    );
  }

  for (const { key, why } of needs.controllers) {
    const f = facts.controllers[key];
    const spec = CONTROLLERS[key];
    if (!f || !f.found) {
      checks.push({ item: spec.title, state: 'missing', detail: `no Deployment in ${spec.namespace}${f?.error ? ` (${f.error})` : ''} (needed by ${why})`, fix: spec.install });
      continue;
    }
    const lease = f.lease ? `; leader lease held by ${f.lease.holder}${f.lease.renewedSecondsAgo !== null ? `, renewed ${f.lease.renewedSecondsAgo} s ago` : ''}` : '';
    const where = `${f.namespace}/${f.deployment} (${f.image ?? 'image unknown'})`;
    if (f.available < 1) checks.push({ item: spec.title, state: 'wrong', detail: `${where}: 0/${f.desired} replicas available`, fix: `kubectl -n ${f.namespace} describe deployment ${f.deployment}` });
    else checks.push({ item: spec.title, state: 'ok', detail: `${f.version ?? 'version unknown'}: ${where}, ${f.available}/${f.desired} available${lease}` });
    recorded[spec.title] = `${f.version ?? 'unknown'} (${f.image ?? f.deployment})`;
  }

  // A Classic LB comes from the cloud provider's service controller, only for a Service without loadBalancerClass.
  for (const svc of needs.classicServices) {
    const w = facts.mutatingWebhooks.find(
      (x) =>
        x.resources.some((r) => r === '/services' || r === '*/services' || r === '/*' || r === '*/*') &&
        (x.operations.includes('CREATE') || x.operations.includes('*')) &&
        /elbv2\.k8s\.aws$/.test(x.name) &&
        labelSelectorMatches(x.objectSelector, svc.labels) &&
        labelSelectorMatches(x.namespaceSelector, needs.namespaceLabels),
    );
    if (w) {
      checks.push({
        item: `Classic LB for Service ${svc.namespace}/${svc.name}`,
        state: 'wrong',
        detail: `the AWS Load Balancer Controller's Service webhook ${w.name} (MutatingWebhookConfiguration ${w.configuration}) sets loadBalancerClass service.k8s.aws/nlb on new LoadBalancer Services: this would be an NLB, not the Classic LB the scenario describes`,
        fix: 'reinstall the controller with --set enableServiceMutatorWebhook=false, or exclude the lab\'s Services with --set serviceMutatorWebhookConfig.objectSelector.matchExpressions[0].key=app.kubernetes.io/managed-by,...operator=NotIn,...values[0]=exposure-lab',
      });
      break;
    }
  }
  if (needs.classicServices.length && !checks.some((c) => c.item.startsWith('Classic LB')))
    checks.push({ item: 'Classic LB', state: 'ok', detail: `${needs.classicServices.length} Service(s) without loadBalancerClass: the cloud provider's service controller creates Classic LBs (no Service webhook sets a class)` });

  if (needs.albIngress) {
    checks.push(
      facts.ingressClasses.includes('alb')
        ? { item: 'IngressClass alb', state: 'ok', detail: 'present' }
        : { item: 'IngressClass alb', state: 'missing', detail: 'no IngressClass alb', fix: 'install the AWS Load Balancer Controller with createIngressClassResource=true (its Helm default)' },
    );
  }

  if (needs.lattice) {
    const gc = facts.gatewayClasses.get(LATTICE_GATEWAY_CLASS);
    checks.push(
      gc
        ? { item: `GatewayClass ${LATTICE_GATEWAY_CLASS}`, state: gc.accepted ? 'ok' : 'wrong', detail: `controller ${gc.controllerName}${gc.accepted ? ', Accepted' : ', not Accepted'}`, ...(gc.accepted ? {} : { fix: 'check the AWS Gateway API Controller logs' }) }
        : { item: `GatewayClass ${LATTICE_GATEWAY_CLASS}`, state: 'missing', detail: 'not created', fix: 'kubectl apply -f the controller\'s gatewayclass manifest (files/examples/gatewayclass.yaml in aws-application-networking-k8s)' },
    );
    const f = facts.controllers['aws-gateway-api-controller'];
    const override = f?.env.ENABLE_SERVICE_NETWORK_OVERRIDE === 'true' && !!f.env.DEFAULT_SERVICE_NETWORK;
    const gw = m.entries.find((e) => e.object.kind === 'Gateway')?.object.metadata.name;
    if (override) checks.push({ item: 'VPC Lattice service network', state: 'ok', detail: `single-network mode (ENABLE_SERVICE_NETWORK_OVERRIDE=true): Gateway ${gw} maps to ${f!.env.DEFAULT_SERVICE_NETWORK}` });
    else if (inputs.latticeServiceNetwork) checks.push({ item: 'VPC Lattice service network', state: 'ok', detail: `Gateway ${gw} is named after ${inputs.latticeServiceNetwork} (EXPOSURE_LAB_LATTICE_SERVICE_NETWORK); it must exist and be associated with the cluster VPC` });
    else
      checks.push({
        item: 'VPC Lattice service network',
        state: 'missing',
        detail: `the controller maps a Gateway to the service network of the same name, and none is named for ${gw}${f?.found ? ' (the controller does not run with ENABLE_SERVICE_NETWORK_OVERRIDE=true and DEFAULT_SERVICE_NETWORK)' : ''}: the route would never be programmed`,
        fix: 'set EXPOSURE_LAB_LATTICE_SERVICE_NETWORK=<a service network associated with the cluster VPC>, or run the controller with DEFAULT_SERVICE_NETWORK=<name> and ENABLE_SERVICE_NETWORK_OVERRIDE=true',
      });
  }

  // Inputs the scenario needs and the lab cannot invent (certificate ARN, WAF ACL, trusted CIDRs, ...).
  for (const u of m.unrealized) checks.push({ item: `${u.hop} (${u.component})`, state: 'missing', detail: u.reason, fix: u.hint });

  // The echo image: the nodes must have it or be able to pull it (the kubelet reports what each node holds).
  const ready = facts.nodes.filter((n) => n.ready);
  for (const image of needs.images) {
    const on = ready.filter((n) => n.images.includes(image) || n.images.includes(`docker.io/${image}`));
    checks.push(
      on.length
        ? { item: `image ${image}`, state: 'ok', detail: `present on ${on.length}/${ready.length} ready nodes` }
        : { item: `image ${image}`, state: 'note', detail: `not reported on any node: the nodes will pull it (it must be in a registry they reach)`, fix: 'kind load docker-image / k3d image import / minikube image load it, or push it and set EXPOSURE_LAB_ECHO_IMAGE' },
    );
  }

  if (!ready.length) checks.push({ item: 'nodes', state: 'missing', detail: 'no Ready node', fix: 'kubectl get nodes' });
  else if (needs.viaNodes) {
    const addrs = ready.map((n) => inputs.nodeAddress ?? n.externalIps[0] ?? n.internalIps[0]).filter((a): a is string => !!a);
    const far = addrs.filter((a) => !isLoopbackTarget(a));
    checks.push(
      addrs.length < ready.length
        ? { item: 'node addresses', state: 'missing', detail: 'some Ready nodes report no InternalIP / ExternalIP', fix: 'set EXPOSURE_LAB_NODE_ADDRESS to the address their NodePorts answer on from this machine' }
        : far.length && m.outside.length
          ? {
              item: 'node addresses',
              state: 'wrong',
              detail: `the emulated hops in front of the cluster (${m.outside.map((o) => o.hop).join(', ')}) speak from loopback addresses and cannot reach NodePorts on ${[...new Set(far)].join(', ')}`,
              fix: 'publish the NodePorts on this machine and set EXPOSURE_LAB_NODE_ADDRESS=127.0.0.1 (Docker Desktop, k3d -p), or use the eks provider for real load balancers',
            }
          : far.length && !remoteAllowed(env)
          ? {
              item: 'node addresses',
              state: 'wrong',
              detail: `the lab reaches the cluster through NodePorts on ${[...new Set(far)].join(', ')}, not on loopback`,
              fix: `set EXPOSURE_LAB_NODE_ADDRESS=127.0.0.1 when the NodePorts are published on this machine (Docker Desktop, k3d -p), or ${ALLOW_REMOTE_ENV}=1 on a machine allowed to reach the nodes`,
            }
          : { item: 'node addresses', state: 'ok', detail: `${ready.length} Ready node(s) reached at ${[...new Set(addrs)].join(', ')}` },
    );
  }
  return { checks, ok: !checks.some((c) => c.state === 'missing' || c.state === 'wrong'), recorded };
}

const MARK: Record<Check['state'], string> = { ok: '  ok     ', missing: '! MISSING', wrong: '! WRONG  ', note: '  note   ' };

/** Doctor-style lines, one per check. */
export function preflightText(checks: Check[]): string {
  const w = Math.max(...checks.map((c) => c.item.length), 10);
  return checks.map((c) => `${MARK[c.state]} ${c.item.padEnd(w)}  ${c.detail}${c.fix && c.state !== 'ok' ? ` | fix: ${c.fix}` : ''}`).join('\n');
}

export class PreflightFailed extends UserError {
  constructor(readonly result: PreflightResult, where: string) {
    const bad = result.checks.filter((c) => c.state === 'missing' || c.state === 'wrong');
    super(`${where} lacks what this scenario needs (${bad.length} problem${bad.length === 1 ? '' : 's'}; nothing was applied):\n${preflightText(result.checks)}`, bad.map((c) => c.fix).filter(Boolean).join('; ') || 'see the lines above');
    this.name = 'PreflightFailed';
  }
}

/** Gathers facts, judges them, and throws PreflightFailed listing every problem before anything is applied. */
export async function preflight(kc: K8s.KubeConfig, s: Scenario, m: Manifest, inputs: PreflightInputs & { where: string; log?: (l: string) => void }): Promise<PreflightResult> {
  const needs = needsOf(s, m);
  const facts = await gatherFacts(kc, needs);
  const r = judgePreflight(needs, facts, m, inputs);
  for (const line of preflightText(r.checks).split('\n')) inputs.log?.(`preflight: ${line}`);
  if (!r.ok) throw new PreflightFailed(r, inputs.where);
  return r;
}
