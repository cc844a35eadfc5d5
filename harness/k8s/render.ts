// A scenario -> the Kubernetes objects that realize it on a cluster (kind or EKS), plus what lives outside
// the cluster and what these manifests cannot realize. Pure: no cluster, no files.
import type { Scenario, ResolvedHop } from '../scenario/model.ts';
import { isNetworkToken, type NetworkMap } from '../catalog/address-plan.ts';
import { sdkRealizerOf } from '../catalog/realization.ts';
import { gatewayOf } from '../catalog/chain.ts';
import type { FrontRef, GatewayPods, K8sObject, Manifest, ManifestEntry, NodePortUse, Ownership, RenderOptions, Unrealized } from './types.ts';
import { awsTags, dnsName, runLabel, runLabels, runNamespace } from './names.ts';
import { appDeployments, serviceObject, type AppService, type ServiceShape } from './app.ts';
import type { Annotated } from './aws-annotations.ts';
import { latticeObjects } from './lattice.ts';
import { defaultNetworks } from './networks.ts';
import { CLUSTER_LB_REALIZERS, GATEWAY_REALIZERS, OUTSIDE_REALIZERS, clusterRealization, eksRealization, gatewayProduct } from './realizers.ts';

/**
 * First NodePort the kind realization uses; kind maps each to a free host port on the worker's loopback address
 * (infra/kind cluster config), so two kind clusters never compete for one. An existing cluster allocates its own.
 */
export const KIND_NODE_PORT_BASE = 30080;

const inCluster = (h: ResolvedHop) => clusterRealization(h).where === 'inside';

export interface RenderContext extends RenderOptions {
  networks?: NetworkMap;
}

/** The load balancer Kubernetes itself provisions: the last LB hop, followed only by in-cluster hops. */
export function clusterLbHop(s: Scenario): ResolvedHop | undefined {
  const chain = s.hops.slice(1);
  for (let i = chain.length - 1; i >= 0; i--) {
    const h = chain[i];
    // A WAF is evaluated inside the load balancer in front of it: it does not end the search.
    if (inCluster(h) || h.entry.partOfPrevious === 'evaluated-inside') continue;
    return eksRealization(h).by === 'cluster-lb' ? h : undefined;
  }
  return undefined;
}

export function renderScenario(scenario: Scenario, opts: RenderContext): Manifest {
  const run = runLabel(opts.runId);
  const ns = opts.namespace ?? runNamespace(opts.runId);
  const networks = opts.networks ?? defaultNetworks(opts.target);
  const tags = awsTags(opts.runId, scenario.name);
  const entries: ManifestEntry[] = [];
  const nodePorts: NodePortUse[] = [];
  const outside: Manifest['outside'] = [];
  const unrealized: Unrealized[] = [];
  const notes: string[] = [];
  const add = (object: K8sObject, realizes: string, ownership: Ownership = 'run') => entries.push({ object, ownership, realizes });
  const labelsFor = (hop?: string) => runLabels(opts.runId, scenario.name, hop);

  const chain = scenario.hops.slice(1);
  const svcHop = chain.find((h) => h.entry.position === 'last')!;
  const gwHop = gatewayOf(chain);
  const kpHop = chain.find((h) => clusterRealization(h).by === 'kube-proxy');
  const lbHop = clusterLbHop(scenario);
  const lb = lbHop ? eksRealization(lbHop) : undefined;
  const clusterLb = lb?.by === 'cluster-lb' ? CLUSTER_LB_REALIZERS[lb.lb] : undefined;
  // A hop routing by weight to service versions (Lattice): Gateway API objects on EKS, one NodePort per version on kind.
  const versionRouter = chain.find((h) => h.entry.weightedRoutes);
  const etp: 'Cluster' | 'Local' | undefined = kpHop?.settings.externalTrafficPolicy;
  // kind and an existing cluster emulate the AWS hops outside the cluster; only kind fixes NodePorts in advance.
  const kind = opts.target !== 'eks';
  const fixedNodePorts = opts.target === 'kind';
  let nextNodePort = KIND_NODE_PORT_BASE;
  // The Service port a load balancer Service listens on: 443 when it terminates TLS (its ssl-ports annotation
  // names 443, so the Service must have that port), else 80.
  const lbPort = lbHop && !kind && lbHop.entry.tls(lbHop.settings) === 'terminate' && clusterLb?.serviceAnnotations(lbHop.settings, {}, {}) ? 443 : 80;
  let gatewayPods: GatewayPods | undefined;
  let frontRef: FrontRef | undefined;

  add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: labelsFor() } }, 'namespace');

  // Hops outside the cluster: emulated on kind, provisioned by other means (or not at all) on EKS.
  for (const [i, h] of chain.entries()) {
    if (inCluster(h) || (h === lbHop && !kind)) continue;
    const e = eksRealization(h);
    if (!kind && e.by === 'gateway-api-lattice') continue; // realized by the Gateway API objects below
    if (!kind && e.by === 'alb-ingress-annotation' && clusterLb?.ingressAnnotations && chain[i - 1] === lbHop) continue; // annotation on the ALB Ingress
    if (kind) {
      const c = clusterRealization(h);
      if (c.where === 'outside') outside.push({ hop: h.name, component: h.component, how: OUTSIDE_REALIZERS[c.by].how(h === lbHop) });
    } else if (sdkRealizerOf(e)) outside.push({ hop: h.name, component: h.component, how: `created by the lab with the AWS SDK (${sdkRealizerOf(e)}, harness/aws)` });
    else unrealized.push({ hop: h.name, component: h.component, ...notCreated(h) });
  }

  // The Service shape in front of the first in-cluster hop.
  const lbAnn = (): Annotated | null => (lbHop && clusterLb && !kind ? clusterLb.serviceAnnotations(lbHop.settings, tags, { certificateArn: opts.aws?.certificateArn }) : null);
  const frontShape = (purpose: string, service: string, version?: string): ServiceShape => {
    if (kind) {
      const nodePort = fixedNodePorts ? nextNodePort++ : undefined;
      nodePorts.push({ nodePort, service, purpose, version });
      return { type: 'NodePort', externalTrafficPolicy: etp ?? 'Cluster', ...(nodePort !== undefined ? { nodePort } : {}) };
    }
    const ann = lbAnn();
    if (ann) {
      notes.push(...ann.notes.map((n) => `${lbHop!.name}: ${n}`));
      for (const m of ann.missing) unrealized.push({ hop: lbHop!.name, component: lbHop!.component, reason: m, hint: 'set the variable, or change the scenario' });
      return { type: 'LoadBalancer', externalTrafficPolicy: etp ?? 'Cluster', annotations: ann.annotations, ...(lbPort !== 80 ? { port: lbPort } : {}) };
    }
    if (lbHop && clusterLb?.backendShape) return clusterLb.backendShape(lbHop.settings, etp ?? 'Cluster');
    if (kpHop?.settings.serviceType === 'NodePort') return { type: 'NodePort', externalTrafficPolicy: etp ?? 'Cluster' };
    return { type: 'ClusterIP' };
  };

  // The application: N services (clb-per-service) x versions.
  const services = Math.max(1, scenario.cluster.services);
  const apps: AppService[] = [];
  for (let i = 1; i <= services; i++) {
    const baseName = i === 1 ? svcHop.name : `${svcHop.name}-${i}`;
    const d = appDeployments({ namespace: ns, baseName, settings: svcHop.settings, clientIpFrom: scenario.appClientIpFrom, image: opts.echoImage, labels: labelsFor(svcHop.name) });
    d.objects.forEach((o) => add(o, svcHop.name));
    apps.push(d.service);
  }
  if (services > 1 && (gwHop || versionRouter)) notes.push(`cluster.services=${services}: every service is deployed; the gateway routes to the first only`);

  // Trust entries the target cannot expand (EKS without the VPC / CloudFront CIDRs) make the gateway trust nothing.
  if (gwHop) {
    for (const t of gwHop.entry.gateway!.trustEntries(gwHop.settings))
      if (isNetworkToken(t) && networks[t].length === 0)
        unrealized.push({
          hop: gwHop.name,
          component: gwHop.component,
          reason: `trusting "${t}" needs its CIDRs on ${opts.target}`,
          hint: t === 'vpc' ? 'set EXPOSURE_LAB_VPC_CIDR to the cluster VPC CIDR' : t === 'cloudfront' ? 'set EXPOSURE_LAB_CLOUDFRONT_CIDRS (comma-separated) from the CloudFront origin-facing prefix list' : 'set the CIDRs',
        });
  }

  let front: { namespace: string; name: string } | null = null;
  const appLabels = labelsFor(svcHop.name);

  if (versionRouter) {
    // One Service per version: Lattice target groups on EKS, one NodePort each for the emulated Lattice on kind.
    const backends = new Map<string, { name: string; port: number }>();
    for (const v of apps[0].versions) {
      const shape: ServiceShape = kind ? frontShape(`${versionRouter.name} target group ${v.version}`, `${ns}/${v.name}`, v.version) : { type: 'ClusterIP' };
      add(serviceObject({ name: v.name, namespace: ns, selector: v.selector, labels: appLabels, shape }), svcHop.name);
      backends.set(v.version, { name: v.name, port: 80 });
    }
    add(serviceObject({ name: apps[0].name, namespace: ns, selector: apps[0].selector, labels: appLabels, shape: { type: 'ClusterIP' } }), svcHop.name);
    if (!kind) {
      // The AWS Gateway API Controller maps a Gateway to the service network of the same name (or, run with
      // ENABLE_SERVICE_NETWORK_OVERRIDE=true, every Gateway to DEFAULT_SERVICE_NETWORK): the provider checks which.
      const serviceNetwork = opts.aws?.latticeServiceNetwork ?? dnsName(['lab', run]);
      const l = latticeObjects({ namespace: ns, serviceNetwork, settings: versionRouter.settings, labels: labelsFor(versionRouter.name), backends, tags });
      l.objects.forEach((o) => add(o, versionRouter.name));
      notes.push(...l.notes);
      for (const m of l.missing) unrealized.push({ hop: versionRouter.name, component: versionRouter.component, reason: m, hint: 'use listener https or http' });
      notes.push(
        opts.aws?.latticeServiceNetwork
          ? `the Gateway is named after the VPC Lattice service network ${serviceNetwork} (EXPOSURE_LAB_LATTICE_SERVICE_NETWORK), which must exist and be associated with the cluster VPC`
          : `the Gateway ${serviceNetwork} maps to the controller's DEFAULT_SERVICE_NETWORK only when it runs with ENABLE_SERVICE_NETWORK_OVERRIDE=true; otherwise set EXPOSURE_LAB_LATTICE_SERVICE_NETWORK`,
      );
      const route = l.objects.find((o) => o.kind === 'HTTPRoute')!;
      frontRef = { via: 'lattice-route', namespace: ns, name: route.metadata.name, port: versionRouter.entry.tls(versionRouter.settings) === 'terminate' ? 443 : 80, createdBy: 'run' };
    } else notes.push(`${opts.target}: Lattice pod-IP targets are realized as one NodePort per version behind the emulated Lattice`);
  } else if (gwHop) {
    for (const a of apps) add(serviceObject({ name: a.name, namespace: ns, selector: a.selector, labels: appLabels, shape: { type: 'ClusterIP' } }), svcHop.name);
    const backend = { name: apps[0].name, port: 80 };
    const g = GATEWAY_REALIZERS[gatewayProduct(gwHop)];
    const f = g.front(run, gwHop.name);
    const shape = frontShape(f.purpose, `${f.namespace}/${f.name}`);
    const r = g.render({ runLabel: run, namespace: ns, hopName: gwHop.name, settings: gwHop.settings, labels: labelsFor(gwHop.name), backend, service: shape, networks });
    r.objects.forEach((o) => add(o.object, gwHop.name, o.ownership));
    notes.push(...r.notes);
    front = r.front;
    gatewayPods = { product: gatewayProduct(gwHop), ...r.pods };
    frontRef = { via: shape.type === 'LoadBalancer' ? 'service-lb' : shape.type === 'NodePort' ? 'node-port' : 'none', namespace: r.front.namespace, name: r.front.name, port: shape.port ?? 80, createdBy: r.pods.createdForRun ? 'envoy-gateway' : 'run' };
  } else {
    for (const a of apps) {
      const shape = frontShape(`${a.name} Service`, `${ns}/${a.name}`);
      add(serviceObject({ name: a.name, namespace: ns, selector: a.selector, labels: appLabels, shape }), lbHop?.name ?? svcHop.name);
    }
    front = { namespace: ns, name: apps[0].name };
    const shape0 = (entries.find((e) => e.object.kind === 'Service' && e.object.metadata.name === apps[0].name)!.object.spec as { type: string; ports: Array<{ port: number }> });
    frontRef = { via: shape0.type === 'LoadBalancer' ? 'service-lb' : shape0.type === 'NodePort' ? 'node-port' : 'none', namespace: ns, name: apps[0].name, port: shape0.ports[0].port, createdBy: 'run' };
    if (!kind && !lbHop && kpHop?.settings.serviceType !== 'NodePort')
      unrealized.push({
        hop: svcHop.name,
        component: 'service',
        reason: 'client -> service with no load balancer or NodePort is reachable only from inside the cluster',
        hint: 'run the direct control from a pod (k6-operator TestRun), or use the nodeport scenario',
      });
    if (services > 1 && lbHop) notes.push(`${services} Services of type LoadBalancer: ${services} load balancers`);
  }

  // An ALB from the AWS Load Balancer Controller: an Ingress of class alb in front of the front Service.
  if (lbHop && clusterLb?.ingressAnnotations && !kind && front) {
    const next = chain[chain.indexOf(lbHop) + 1];
    const waf = !!next && eksRealization(next).by === 'alb-ingress-annotation';
    const ann = clusterLb.ingressAnnotations(lbHop.settings, tags, { certificateArn: opts.aws?.certificateArn, wafAclArn: opts.aws?.wafAclArn, waf });
    notes.push(...ann.notes.map((n) => `${lbHop.name}: ${n}`));
    for (const m of ann.missing) unrealized.push({ hop: lbHop.name, component: lbHop.component, reason: m, hint: 'set the variable, or change the scenario' });
    const ingressName = dnsName(['alb', run, lbHop.name]);
    frontRef = { via: 'ingress-lb', namespace: front.namespace, name: ingressName, port: lbHop.entry.tls(lbHop.settings) === 'terminate' ? 443 : 80, createdBy: 'run' };
    add(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: ingressName, namespace: front.namespace, labels: labelsFor(lbHop.name), annotations: ann.annotations },
        spec: {
          ingressClassName: 'alb',
          rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: front.name, port: { number: 80 } } } }] } }],
        },
      },
      lbHop.name,
    );
  }
  if (opts.target === 'kind') notes.push('kind: traffic enters the nodes through Docker port mappings, so the L4 source a node sees is the Docker gateway, not the client; client IP is recoverable only from PROXY headers or HTTP headers');
  if (opts.target === 'cluster') notes.push('cluster: the emulated hops reach the nodes through their NodePorts from this machine, so the L4 source a node sees is this machine (or a NAT in between), not the client; client IP is recoverable only from PROXY headers or HTTP headers');

  return {
    runId: opts.runId,
    target: opts.target,
    namespace: ns,
    entries,
    nodePorts,
    outside,
    unrealized,
    notes,
    ...(gatewayPods ? { gatewayPods } : {}),
    front: frontRef ?? { via: 'none', namespace: ns, name: apps[0].name, port: 80, createdBy: 'run' },
  };
}

/** Why the lab does not create this hop on EKS (the catalog's eks realization says so). */
function notCreated(h: ResolvedHop): { reason: string; hint: string } {
  const e = eksRealization(h);
  if (e.by === 'not-created') return { reason: e.reason, hint: e.hint };
  if ('elsewhere' in e && 'reason' in e.elsewhere) return e.elsewhere;
  return { reason: `${h.component} outside the cluster is not realized on EKS`, hint: 'change the scenario' };
}
