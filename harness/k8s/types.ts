// What the Kubernetes realization of a scenario is made of: plain objects (apiVersion/kind/metadata/...) plus
// what the provider needs to know about them. Pure data; providers apply it, tests validate it.

/** A Kubernetes object as sent to the API server (server-side apply body). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

/** Where the manifests go: a kind cluster (LB hops emulated outside it) or EKS (real AWS load balancers). */
export type RenderTarget = 'kind' | 'eks';

export interface RenderOptions {
  runId: string;
  target: RenderTarget;
  /** Image of the echo application (the lab's own echo, built from infra/kind/Dockerfile). */
  echoImage: string;
  /** Namespace for the run's application objects. Default: exposure-lab-<runId>. */
  namespace?: string;
  /** EKS only: ARNs the scenario needs and the lab cannot invent (certificate for ALB https, WAF web ACL). */
  aws?: { certificateArn?: string; wafAclArn?: string };
}

/**
 * Who owns an object. run: created for this run, deleted at teardown. shared: a cluster-wide object owned by an
 * installed controller (e.g. the ingress-nginx ConfigMap) that the run only sets fields on with server-side
 * apply; teardown leaves it (its next run overwrites the same fields) and the report says so.
 */
export type Ownership = 'run' | 'shared';

export interface ManifestEntry {
  object: K8sObject;
  ownership: Ownership;
  /** Scenario hop this object realizes (its name), or "app" / "namespace". */
  realizes: string;
}

/** A NodePort the cluster must expose to the host (kind: extraPortMappings; the LB emulators target it). */
export interface NodePortUse {
  nodePort: number;
  /** Service that owns it (namespace/name) and why. */
  service: string;
  purpose: string;
  /** Service version behind it (lattice on kind: one NodePort per version). */
  version?: string;
}

/** A hop that these manifests cannot realize on the target, and what would. */
export interface Unrealized {
  hop: string;
  component: string;
  reason: string;
  hint: string;
}

export interface Manifest {
  runId: string;
  target: RenderTarget;
  namespace: string;
  entries: ManifestEntry[];
  nodePorts: NodePortUse[];
  /** Hops that live outside Kubernetes on this target (emulated on kind, provisioned by other means on eks). */
  outside: Array<{ hop: string; component: string; how: string }>;
  unrealized: Unrealized[];
  notes: string[];
}
