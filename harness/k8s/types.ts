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

/**
 * Where the manifests go. kind: a cluster created for the run, NodePorts fixed in advance (kind maps them to the
 * host when it creates the cluster). cluster: an existing cluster, NodePorts allocated by its API server (two
 * runs never ask for the same one). In both the AWS hops are emulated outside the cluster. eks: real AWS load
 * balancers from the controllers.
 */
export type RenderTarget = 'kind' | 'cluster' | 'eks';

export interface RenderOptions {
  runId: string;
  target: RenderTarget;
  /** Image of the echo application (the lab's own echo, built from infra/kind/Dockerfile). */
  echoImage: string;
  /** Namespace for the run's application objects. Default: exposure-lab-<runId>. */
  namespace?: string;
  /**
   * EKS only: what the scenario needs and the lab cannot invent: certificate for TLS / HTTPS listeners, WAF web
   * ACL, and the VPC Lattice service network the Gateway maps to (the AWS Gateway API Controller matches a
   * Gateway to the service network of the same name, unless it runs with ENABLE_SERVICE_NETWORK_OVERRIDE).
   */
  aws?: { certificateArn?: string; wafAclArn?: string; latticeServiceNetwork?: string };
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
  /** Fixed on kind; undefined on an existing cluster, where its API server allocates one (read back after apply). */
  nodePort?: number;
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

/** The gateway pods of the run and where to find them (Envoy Gateway's Envoy, or the ingress-nginx controller). */
export interface GatewayPods {
  product: string;
  namespace: string;
  /** Label selector of those pods and of their Deployment. */
  selector: string;
  /** Created for the run (Envoy Gateway creates an Envoy Deployment per Gateway) rather than by the install. */
  createdForRun: boolean;
  /** The Gateway that makes Envoy Gateway create them (its Programmed condition is Envoy Gateway's own verdict). */
  gateway?: { namespace: string; name: string };
}

/**
 * Where the client enters the cluster side of the chain. service-lb / ingress-lb: the address the load
 * balancer controller writes into the object's status; lattice-route: the domain the AWS Gateway API
 * Controller writes on the HTTPRoute; node-port: a node address and the Service's NodePort.
 */
export interface FrontRef {
  via: 'service-lb' | 'ingress-lb' | 'lattice-route' | 'node-port' | 'none';
  namespace: string;
  name: string;
  /** Port the client connects to on that address (the LB listener, or the Service port behind a NodePort). */
  port: number;
  /** Who creates the object: the run, or Envoy Gateway (the Envoy Service, after the Gateway exists). */
  createdBy: 'run' | 'envoy-gateway' | 'install';
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
  /** The in-cluster gateway's pods, when the chain has a gateway. */
  gatewayPods?: GatewayPods;
  /** Where the client (or the emulated hop in front) enters the cluster. */
  front: FrontRef;
}
