// The Kubernetes API calls every cluster provider makes (kind, a cluster from a kubeconfig, EKS): server-side apply, delete, bounded waits.
import type * as K8s from '@kubernetes/client-node';

// Loaded on first use: importing @kubernetes/client-node takes about 2 s, and every bench imports the providers.
let mod: Promise<typeof K8s> | null = null;
export function loadK8s(): Promise<typeof K8s> {
  mod ??= import('@kubernetes/client-node');
  return mod;
}
import type { K8sObject } from '../k8s/types.ts';
import { FIELD_MANAGER } from '../k8s/names.ts';

/** A kubeconfig from YAML, a file, or the default ($KUBECONFIG, ~/.kube/config), at a context or its current one. */
export async function kubeConfigFrom(o: { yaml?: string; file?: string; context?: string }): Promise<K8s.KubeConfig> {
  const k8s = await loadK8s();
  const kc = new k8s.KubeConfig();
  if (o.yaml) kc.loadFromString(o.yaml);
  else if (o.file) kc.loadFromFile(o.file);
  else kc.loadFromDefault();
  if (o.context) {
    if (!kc.getContexts().some((c) => c.name === o.context)) throw new Error(`kubeconfig has no context "${o.context}" (it has: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'})`);
    kc.setCurrentContext(o.context);
  }
  return kc;
}

/** The current context's API server URL. */
export function apiServer(kc: K8s.KubeConfig): string {
  return kc.getCurrentCluster()?.server ?? '';
}

export function status(e: unknown): number | undefined {
  return (e as { code?: number }).code ?? (e as { statusCode?: number }).statusCode;
}

/** The API server's message from a client-node error (its body is a Status object), else the error's own. */
export function apiMessage(e: unknown): string {
  const body = (e as { body?: unknown }).body;
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: string }).message);
  if (typeof body === 'string') {
    try {
      return JSON.parse(body).message ?? body;
    } catch {
      return body;
    }
  }
  return (e as Error).message;
}

export type ObjectRef = { apiVersion: string; kind: string; name: string; namespace?: string };

/** The live object, or null when it does not exist (or its kind is not served). */
export async function readObject<T = any>(kc: K8s.KubeConfig, ref: ObjectRef): Promise<T | null> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  try {
    return (await api.read({ apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } })) as T;
  } catch (e) {
    if (status(e) === 404) return null;
    throw new Error(`reading ${ref.kind} ${ref.namespace ? ref.namespace + '/' : ''}${ref.name}: ${apiMessage(e)}`);
  }
}

/** Objects of a kind (all namespaces unless given), or null when the API server does not serve that kind. */
export async function listObjects<T = any>(kc: K8s.KubeConfig, apiVersion: string, kind: string, o: { namespace?: string; labelSelector?: string } = {}): Promise<T[] | null> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  try {
    const list = await api.list(apiVersion, kind, o.namespace, undefined, undefined, undefined, undefined, o.labelSelector);
    return list.items as T[];
  } catch (e) {
    // A kind whose CRD is not installed: the discovery lookup fails with "resource not found" or 404.
    if (status(e) === 404 || /not found|no matches|Unrecognized API version and kind|Unable to find API/i.test((e as Error).message)) return null;
    throw new Error(`listing ${kind}: ${apiMessage(e)}`);
  }
}

/** gitVersion of the API server, e.g. v1.36.3. */
export async function serverVersion(kc: K8s.KubeConfig): Promise<string> {
  const k8s = await loadK8s();
  const v = await kc.makeApiClient(k8s.VersionApi).getCode();
  return v.gitVersion;
}

export interface NodeInfo {
  name: string;
  labels: Record<string, string>;
  /** InternalIP / ExternalIP addresses, by type. */
  internalIps: string[];
  externalIps: string[];
  ready: boolean;
  zone?: string;
  /** Images the kubelet reports present on the node (names and tags). */
  images: string[];
  architecture?: string;
}

export async function listNodes(kc: K8s.KubeConfig): Promise<NodeInfo[]> {
  const k8s = await loadK8s();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = await core.listNode({});
  return nodes.items.map((n) => {
    const addr = (t: string) => (n.status?.addresses ?? []).filter((a) => a.type === t).map((a) => a.address);
    const labels = n.metadata?.labels ?? {};
    return {
      name: n.metadata?.name ?? '',
      labels,
      internalIps: addr('InternalIP'),
      externalIps: addr('ExternalIP'),
      ready: !!n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      zone: labels['topology.kubernetes.io/zone'],
      images: (n.status?.images ?? []).flatMap((i) => i.names ?? []),
      architecture: n.status?.nodeInfo?.architecture,
    };
  });
}

/** Polls until none of the objects exists any more (namespaces take the namespace controller's time). */
export async function waitGone(kc: K8s.KubeConfig, objects: ObjectRef[], o: { timeoutMs: number; signal?: AbortSignal }): Promise<ObjectRef[]> {
  const deadline = Date.now() + o.timeoutMs;
  let left = objects;
  for (let i = 0; i < 10_000 && left.length && Date.now() < deadline && !o.signal?.aborted; i++) {
    const still: ObjectRef[] = [];
    for (const r of left) if ((await readObject(kc, r).catch(() => r)) !== null) still.push(r);
    left = still;
    if (left.length) await new Promise((res) => setTimeout(res, Math.min(1000, 200 * 2 ** i)));
  }
  return left;
}

/** Server-side apply, in order (namespaces and classes first, as rendered). force: the lab owns these fields. */
export async function applyObjects(kc: K8s.KubeConfig, objects: K8sObject[], log: (l: string) => void): Promise<void> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  for (const o of objects) {
    try {
      await api.patch(o as K8s.KubernetesObject, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    } catch (e) {
      // The API server's own words (schema, CEL rule, admission webhook), naming the object.
      throw new Error(`apply ${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}: ${apiMessage(e)}`);
    }
    log(`applied ${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);
  }
}

/** Deletes in reverse order; objects already gone are fine (teardown is idempotent). */
export async function deleteObjects(kc: K8s.KubeConfig, objects: K8sObject[], log: (l: string) => void): Promise<string[]> {
  const k8s = await loadK8s();
  const api = k8s.KubernetesObjectApi.makeApiClient(kc);
  const errors: string[] = [];
  for (const o of [...objects].reverse()) {
    try {
      await api.delete(o as K8s.KubernetesObject, undefined, undefined, undefined, undefined, 'Foreground');
      log(`deleted ${o.kind} ${o.metadata.namespace ? o.metadata.namespace + '/' : ''}${o.metadata.name}`);
    } catch (e) {
      if (status(e) !== 404) errors.push(`${o.kind} ${o.metadata.name}: ${apiMessage(e)}`);
    }
  }
  return errors;
}

/**
 * Polls `pending` until it returns null (done) or the time runs out; the last reason goes in the error. The
 * first polls come quickly (200 ms, doubling) up to intervalMs, so a fast cluster is not made to wait.
 */
export async function waitUntil(pending: () => Promise<string | null>, o: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal; what: string }): Promise<void> {
  const deadline = Date.now() + o.timeoutMs;
  let last = 'not checked yet';
  const max = o.intervalMs ?? 2000;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    if (o.signal?.aborted) throw new Error(`${o.what}: interrupted (${last})`);
    try {
      const r = await pending();
      if (r === null) return;
      last = r;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, Math.min(max, 200 * 2 ** attempt)));
  }
  throw new Error(`${o.what}: not ready after ${Math.round(o.timeoutMs / 1000)} s (${last})`);
}

/** null when every matching Deployment has all replicas available, else what is still missing. */
export async function deploymentsPending(kc: K8s.KubeConfig, namespace: string, labelSelector?: string): Promise<string | null> {
  const k8s = await loadK8s();
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const list = await apps.listNamespacedDeployment({ namespace, labelSelector });
  if (!list.items.length) return `no Deployment in ${namespace}${labelSelector ? ` matching ${labelSelector}` : ''} yet`;
  const waiting = list.items.filter((d) => (d.status?.availableReplicas ?? 0) < (d.spec?.replicas ?? 1));
  return waiting.length ? waiting.map((d) => `${d.metadata?.name} ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1}`).join(', ') : null;
}

/** Node names hosting a Ready pod matching the selector (ETP=Local: only those pass the LB health check). */
export async function nodesWithReadyPods(kc: K8s.KubeConfig, namespace: string, labelSelector: string): Promise<string[]> {
  const k8s = await loadK8s();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const pods = await core.listNamespacedPod({ namespace, labelSelector });
  const ready = pods.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return [...new Set(ready.map((p) => p.spec?.nodeName).filter((n): n is string => !!n))];
}

/** Node name -> value of a node label. */
export async function nodeLabel(kc: K8s.KubeConfig, label: string): Promise<Map<string, string>> {
  const k8s = await loadK8s();
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = await core.listNode({});
  const m = new Map<string, string>();
  for (const n of nodes.items) {
    const v = n.metadata?.labels?.[label];
    if (v !== undefined && n.metadata?.name) m.set(n.metadata.name, v);
  }
  return m;
}
