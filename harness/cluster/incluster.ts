// The steps every cluster provider runs inside the cluster (kind, an existing cluster, EKS): apply the run's
// objects with server-side apply (undo: delete them and wait until they, the namespace and whatever Envoy
// Gateway created for the run's Gateway are gone), wait for the application pods, for the gateway (Envoy
// Gateway's own conditions, then its Envoy Deployment), and find where the client enters: the NodePorts the
// API server allocated, the load balancer address in a status, the Lattice domain on a route.
import type { KubeConfig } from '@kubernetes/client-node';
import type { Manifest, NodePortUse } from '../k8s/types.ts';
import type { Scenario } from '../scenario/model.ts';
import { LABELS, runLabel } from '../k8s/names.ts';
import { ENVOY_GATEWAY_NAMESPACE } from '../k8s/envoy-gateway-cluster.ts';
import { applyObjects, deleteObjects, deploymentsPending, listNodes, listObjects, readObject, waitGone, waitUntil, type NodeInfo, type ObjectRef } from './kube.ts';
import type { Step } from './steps.ts';

/** What the in-cluster steps read from, and fill into, a provider's context. */
export interface InClusterCtx {
  kc?: KubeConfig;
  scenario: Scenario;
  manifest: Manifest;
  opts: { runId: string; log: (line: string) => void };
  /** Every NodePort use of the manifest with the port the cluster has for it (fixed on kind, allocated elsewhere). */
  nodePorts: Array<NodePortUse & { nodePort: number }>;
  /** EKS: where the client enters (load balancer name or address, Lattice domain, or a node), and on which port. */
  endpoint?: { host: string; port: number; what: string };
}

/** Labels of a condition list: type -> status and message. */
function condition(obj: any, type: string): { status: string; reason?: string; message?: string } | undefined {
  return (obj?.status?.conditions ?? []).find((c: { type: string }) => c.type === type);
}

export function applyStep<C extends InClusterCtx>(o: { undoTimeoutMs?: number } = {}): Step<C> {
  return {
    name: 'apply the scenario objects (server-side apply)',
    timeoutMs: 120_000,
    undoTimeoutMs: o.undoTimeoutMs ?? 240_000,
    run: async (c) => applyObjects(c.kc!, c.manifest.entries.map((e) => e.object), c.opts.log),
    undo: async (c) => {
      // Deleting what the run owns also makes the controllers delete what they created for it (Envoy Gateway's
      // Envoy Deployment and Service, an AWS load balancer): teardown waits until all of it is gone.
      if (!c.kc) return;
      const owned = c.manifest.entries.filter((e) => e.ownership === 'run').map((e) => e.object);
      const errs = await deleteObjects(c.kc, owned, c.opts.log);
      const refs: ObjectRef[] = owned.map((x) => ({ apiVersion: x.apiVersion, kind: x.kind, name: x.metadata.name, namespace: x.metadata.namespace }));
      const deadline = Date.now() + (o.undoTimeoutMs ?? 240_000) - 20_000;
      const remaining = () => Math.max(0, deadline - Date.now());
      let left = await waitGone(c.kc, refs, { timeoutMs: remaining() });
      // What Envoy Gateway made for the run's Gateway is listed again until none is left: it may still have been
      // creating some of it (its Service) when the Gateway was deleted, and deletes that a moment later.
      for (let i = 0; i < 5 && !left.length && c.manifest.gatewayPods?.createdForRun && remaining() > 0; i++) {
        const infra = await createdForGateway(c.kc, c.manifest);
        if (!infra.length) break;
        left = await waitGone(c.kc, infra, { timeoutMs: remaining() });
      }
      if (left.length) errs.push(`still present after teardown: ${left.map((r) => `${r.kind} ${r.namespace ? r.namespace + '/' : ''}${r.name}`).join(', ')}`);
      if (errs.length) throw new Error(errs.join('; '));
    },
  };
}

/** Deployments and Services Envoy Gateway created for the run's Gateway (it deletes them with the Gateway). */
async function createdForGateway(kc: KubeConfig, m: Manifest): Promise<ObjectRef[]> {
  const p = m.gatewayPods!;
  const out: ObjectRef[] = [];
  for (const [apiVersion, kind] of [['apps/v1', 'Deployment'], ['v1', 'Service']] as const)
    for (const x of (await listObjects<any>(kc, apiVersion, kind, { namespace: p.namespace, labelSelector: p.selector })) ?? []) out.push({ apiVersion, kind, name: x.metadata.name, namespace: p.namespace });
  return out;
}

export function waitAppStep<C extends InClusterCtx>(timeoutMs: number): Step<C> {
  return {
    name: 'wait for the application pods',
    timeoutMs,
    run: async (c, signal) => {
      const sel = `${LABELS.runId}=${runLabel(c.opts.runId)}`;
      await waitUntil(() => deploymentsPending(c.kc!, c.manifest.namespace, sel), { timeoutMs: timeoutMs - 5_000, signal, what: 'application Deployments' });
    },
  };
}

/**
 * The gateway: for Envoy Gateway, its own verdict first (GatewayClass and Gateway Accepted: it read the run's
 * configuration), then the Envoy Deployment it created for the Gateway, found by the owning-gateway labels it
 * puts on it; for ingress-nginx, its controller Deployment from the install.
 */
export function waitGatewayStep<C extends InClusterCtx>(timeoutMs: number): Step<C> {
  return {
    name: 'wait for the gateway',
    timeoutMs,
    run: async (c, signal) => {
      const p = c.manifest.gatewayPods;
      if (!p) return;
      const each = Math.max(10_000, Math.floor((timeoutMs - 5_000) / 3));
      if (p.gateway) {
        const gw = c.manifest.entries.find((e) => e.object.kind === 'Gateway' && e.object.metadata.name === p.gateway!.name)!.object;
        const className = (gw.spec as { gatewayClassName: string }).gatewayClassName;
        await waitUntil(
          async () => {
            const gc = await readObject(c.kc!, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name: className });
            const a = condition(gc, 'Accepted');
            return a?.status === 'True' ? null : `GatewayClass ${className}: ${a ? `${a.reason}: ${a.message}` : 'no controller has accepted it (is Envoy Gateway running?)'}`;
          },
          { timeoutMs: each, signal, what: `GatewayClass ${className}`, intervalMs: 1000 },
        );
        await waitUntil(
          async () => {
            const live = await readObject(c.kc!, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: p.gateway!.name, namespace: p.gateway!.namespace });
            const a = condition(live, 'Accepted');
            return a?.status === 'True' ? null : `Gateway ${p.gateway!.namespace}/${p.gateway!.name}: ${a ? `${a.reason}: ${a.message}` : 'no status yet'}`;
          },
          { timeoutMs: each, signal, what: `Gateway ${p.gateway.name}`, intervalMs: 1000 },
        );
      }
      await waitUntil(() => deploymentsPending(c.kc!, p.namespace, p.selector), { timeoutMs: each, signal, what: `${p.product} pods (${p.namespace}, ${p.selector})`, intervalMs: 1000 });
    },
  };
}

/** A Service's NodePort for its http port, or null while it has none (Envoy Gateway has not created it yet). */
async function nodePortOf(kc: KubeConfig, namespace: string, name: string): Promise<number | null> {
  const svc = await readObject<any>(kc, { apiVersion: 'v1', kind: 'Service', name, namespace });
  const ports: Array<{ name?: string; nodePort?: number }> = svc?.spec?.ports ?? [];
  return (ports.find((x) => x.name?.startsWith('http')) ?? ports[0])?.nodePort ?? null;
}

/** The NodePorts the cluster has for the manifest's NodePort uses (read back: allocated by the API server, or fixed on kind). */
export function resolveNodePortsStep<C extends InClusterCtx>(timeoutMs: number): Step<C> {
  return {
    name: 'read the NodePorts',
    timeoutMs,
    run: async (c, signal) => {
      c.nodePorts = [];
      for (const use of c.manifest.nodePorts) {
        const [namespace, name] = use.service.split('/');
        let port: number | null = null;
        await waitUntil(
          async () => {
            port = await nodePortOf(c.kc!, namespace, name);
            return port !== null ? null : `Service ${use.service} has no NodePort yet${namespace === ENVOY_GATEWAY_NAMESPACE ? ' (Envoy Gateway creates it)' : ''}`;
          },
          { timeoutMs: timeoutMs - 5_000, signal, what: `NodePort of ${use.service}`, intervalMs: 1000 },
        );
        if (use.nodePort !== undefined && port !== use.nodePort) throw new Error(`Service ${use.service} has NodePort ${port}, not the ${use.nodePort} the cluster maps`);
        c.nodePorts.push({ ...use, nodePort: port! });
        c.opts.log(`NodePort ${port} -> ${use.service} (${use.purpose})`);
      }
    },
  };
}

/** The address the client uses for a node from this machine: an override, else its ExternalIP or InternalIP. */
export function nodeAddress(n: NodeInfo, o: { override?: string; prefer: 'external' | 'internal' }): string | undefined {
  if (o.override) return o.override;
  return o.prefer === 'external' ? (n.externalIps[0] ?? n.internalIps[0]) : (n.internalIps[0] ?? n.externalIps[0]);
}

/** Nodes hosting a Ready pod of what sits behind the NodePort: the gateway's pods, or the application's. */
export async function nodesWithServingPods(kc: KubeConfig, c: InClusterCtx): Promise<Set<string>> {
  const p = c.manifest.gatewayPods;
  const [namespace, sel] = p ? [p.namespace, p.selector] : [c.manifest.namespace, `${LABELS.runId}=${runLabel(c.opts.runId)}`];
  const pods = (await listObjects<any>(kc, 'v1', 'Pod', { namespace, labelSelector: sel })) ?? [];
  return new Set(pods.filter((x) => condition(x, 'Ready')?.status === 'True').map((x) => x.spec?.nodeName).filter((n): n is string => !!n));
}

/**
 * EKS: the address the controllers give the front (load balancer status, Lattice domain) or, for a NodePort
 * front, a node's address. Envoy Gateway's Gateway reports Programmed only once its Service has that address.
 */
export function eksFrontStep<C extends InClusterCtx>(o: { timeoutMs: number; intervalMs?: number; nodeAddress?: string }): Step<C> {
  return {
    name: 'wait for the front address',
    timeoutMs: o.timeoutMs,
    run: async (c, signal) => {
      const f = c.manifest.front;
      await waitUntil(
        async () => {
          c.endpoint = (await frontAddress(c.kc!, c.manifest, c.nodePorts, o.nodeAddress)) ?? undefined;
          return c.endpoint ? null : `${f.via}: no address on ${f.namespace}/${f.name} yet`;
        },
        { timeoutMs: o.timeoutMs - 30_000, intervalMs: o.intervalMs ?? 5_000, signal, what: `front address (${f.via} ${f.namespace}/${f.name})` },
      );
      c.opts.log(`front: ${c.endpoint!.what} ${c.endpoint!.host}:${c.endpoint!.port}`);
      const gw = c.manifest.gatewayPods?.gateway;
      if (gw)
        await waitUntil(
          async () => {
            const live = await readObject(c.kc!, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', name: gw.name, namespace: gw.namespace });
            const p = condition(live, 'Programmed');
            return p?.status === 'True' ? null : `Gateway ${gw.name} not Programmed: ${p ? `${p.reason}: ${p.message}` : 'no status'}`;
          },
          { timeoutMs: 25_000, intervalMs: 1000, signal, what: `Gateway ${gw.name} Programmed` },
        );
    },
  };
}

/** The front's address from the controllers' status, or null while there is none. */
export async function frontAddress(kc: KubeConfig, m: Manifest, nodePorts: InClusterCtx['nodePorts'], override?: string): Promise<InClusterCtx['endpoint'] | null> {
  const f = m.front;
  switch (f.via) {
    case 'service-lb':
    case 'ingress-lb': {
      const live = await readObject<any>(kc, { apiVersion: f.via === 'service-lb' ? 'v1' : 'networking.k8s.io/v1', kind: f.via === 'service-lb' ? 'Service' : 'Ingress', name: f.name, namespace: f.namespace });
      const ing = live?.status?.loadBalancer?.ingress?.[0];
      const host = ing?.hostname ?? ing?.ip;
      return host ? { host, port: f.port, what: `load balancer of ${f.via === 'service-lb' ? 'Service' : 'Ingress'} ${f.namespace}/${f.name}` } : null;
    }
    case 'lattice-route': {
      const live = await readObject<any>(kc, { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', name: f.name, namespace: f.namespace });
      const host = live?.metadata?.annotations?.[LATTICE_DOMAIN_ANNOTATION];
      return host ? { host, port: f.port, what: `VPC Lattice service of HTTPRoute ${f.namespace}/${f.name}` } : null;
    }
    case 'node-port': {
      // The client outside the cluster reaches a node (its ExternalIP when it has one) on the Service's NodePort.
      const port = nodePorts.find((p) => p.service === `${f.namespace}/${f.name}`)?.nodePort ?? (await nodePortOf(kc, f.namespace, f.name));
      if (port === null) return null;
      const nodes = (await listNodes(kc)).filter((n) => n.ready);
      const n = nodes.find((x) => nodeAddress(x, { override, prefer: 'external' }));
      return n ? { host: nodeAddress(n, { override, prefer: 'external' })!, port, what: `NodePort ${port} of Service ${f.namespace}/${f.name} on node ${n.name}` } : null;
    }
    default:
      return null;
  }
}

/** The domain the AWS Gateway API Controller writes on an HTTPRoute once its Lattice service exists. */
export const LATTICE_DOMAIN_ANNOTATION = 'application-networking.k8s.aws/lattice-assigned-domain-name';
