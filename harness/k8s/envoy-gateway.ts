// Envoy Gateway realization of an envoy-gateway hop: the one renderer of its Gateway API and Envoy Gateway
// objects (GatewayClass, EnvoyProxy, Gateway, HTTPRoute, ClientTrafficPolicy, BackendTrafficPolicy), shared by
// every realization. The kind and eks providers apply them to a cluster (backend: the app's Service; the
// EnvoyProxy carries the Kubernetes Deployment/Service settings); the local provider feeds the same objects to
// Envoy Gateway in standalone mode (backend: Envoy Gateway Backend endpoints on loopback; no Kubernetes
// provider settings, there is no cluster). Field names from Envoy Gateway v1.9 (the pinned CRDs) and Gateway
// API v1.
import type { EnvoySettings } from '../catalog/components/envoy-gateway.ts';
import { GATEWAY_CLIENT_HEADER, GATEWAY_REPLICA_HEADER } from '../catalog/headers.ts';
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { K8sObject } from './types.ts';
import type { ServiceShape } from './app.ts';
import { dnsName, runLabel, runLabels, runNamespace } from './names.ts';
import { expandTrust } from './networks.ts';
// Cluster-side facts about Envoy Gateway (owned labels, controller namespace): see envoy-gateway-cluster.ts.
import { ENVOY_GATEWAY_NAMESPACE, envoyProxyLabels } from './envoy-gateway-cluster.ts';

export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
export { ENVOY_GATEWAY_NAMESPACE };

/**
 * The lab's Gateway listener: port 80 in a cluster (Envoy Gateway shifts privileged ports by 10000, so Envoy
 * binds 10080 inside its pod), 10080 locally, where Envoy Gateway's host infrastructure binds the port as
 * written (80 would need root): the port the Envoy process binds is 10080 in both.
 */
export const GATEWAY_LISTENER = { name: 'http', port: 10080, clusterPort: 80 } as const;

/**
 * Envoy's access log: one JSON object per request, microsecond spans from Envoy's own stream timestamps
 * (COMMON_DURATION, Envoy 1.39 access-log command operators). dataplanes/access-log.ts reads it back.
 * - total: downstream request start (first byte received) -> downstream response end (last byte sent)
 * - reqPath: downstream request start -> upstream request start (routing, filters, connection pick)
 * - upstream: upstream request start -> upstream response end (the service and the wire, as Envoy sees it)
 * - respPath: upstream response end -> downstream response end
 */
export const ENVOY_ACCESS_LOG_FIELDS: Record<string, string> = {
  start: '%START_TIME(%s.%6f)%',
  status: '%RESPONSE_CODE%',
  flags: '%RESPONSE_FLAGS%',
  total: '%COMMON_DURATION(DS_RX_BEG:DS_TX_END:us)%',
  reqPath: '%COMMON_DURATION(DS_RX_BEG:US_TX_BEG:us)%',
  upstream: '%COMMON_DURATION(US_TX_BEG:US_RX_END:us)%',
  respPath: '%COMMON_DURATION(US_RX_END:DS_TX_END:us)%',
  client: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  listener: '%DOWNSTREAM_LOCAL_ADDRESS%',
  probe: '%REQ(X-LAB-PROBE)%',
};

/** Where the route sends requests: the app's Service in a cluster, Backend endpoints (pod addresses) locally. */
export type GatewayBackend =
  | { kind: 'Service'; name: string; port: number }
  | { kind: 'Backend'; name: string; endpoints: Array<{ host: string; port: number }> };

export interface EnvoyGatewayObjectsInput {
  runLabel: string;
  namespace: string;
  hopName: string;
  settings: EnvoySettings;
  labels: Record<string, string>;
  backend: GatewayBackend;
  networks: NetworkMap;
  /** Where Envoy writes its access log: /dev/stdout in a cluster, a file in the run's work dir locally. */
  accessLogPath: string;
  /** EnvoyProxy spec.provider (cluster: the Kubernetes Deployment and Service settings). Absent locally. */
  provider?: Record<string, unknown>;
  /** The Gateway listener's port: GATEWAY_LISTENER.clusterPort in a cluster, GATEWAY_LISTENER.port locally. */
  listenerPort: number;
}

export interface EnvoyGatewayNames {
  gatewayClass: string;
  envoyProxy: string;
  gateway: string;
  route: string;
  clientPolicy: string;
  backendPolicy: string;
}

export function envoyGatewayNames(runLabel: string, hopName: string): EnvoyGatewayNames {
  const base = dnsName(['lab', runLabel, hopName], 50);
  return {
    gatewayClass: base,
    envoyProxy: dnsName([base, 'proxy']),
    gateway: dnsName([hopName]),
    route: dnsName([hopName, 'app']),
    clientPolicy: dnsName([hopName, 'client']),
    backendPolicy: dnsName([hopName, 'backend']),
  };
}

/** Envoy Gateway duration strings ("1500ms", "30s"). */
export function egDuration(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** The Gateway API and Envoy Gateway objects of an envoy-gateway hop, for every realization. Pure. */
export function envoyGatewayApiObjects(o: EnvoyGatewayObjectsInput): { objects: K8sObject[]; names: EnvoyGatewayNames; notes: string[] } {
  const s = o.settings;
  const notes: string[] = [];
  const n = envoyGatewayNames(o.runLabel, o.hopName);
  const meta = (name: string) => ({ name, namespace: o.namespace, labels: o.labels });
  const gwRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: n.gateway };

  const gatewayClass: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: n.gatewayClass, labels: o.labels },
    spec: {
      controllerName: ENVOY_GATEWAY_CONTROLLER,
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: n.envoyProxy, namespace: o.namespace },
    },
  };
  const envoyProxy: K8sObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: meta(n.envoyProxy),
    spec: {
      ...(o.provider ? { provider: o.provider } : {}),
      // Envoy's own time per request, read back after the run (the report's "gateway's own time").
      telemetry: {
        accessLog: {
          settings: [{ format: { type: 'JSON', json: { ...ENVOY_ACCESS_LOG_FIELDS } }, sinks: [{ type: 'File', file: { path: o.accessLogPath } }] }],
        },
      },
    },
  };
  const gateway: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: meta(n.gateway),
    spec: { gatewayClassName: n.gatewayClass, listeners: [{ name: GATEWAY_LISTENER.name, protocol: 'HTTP', port: o.listenerPort, allowedRoutes: { namespaces: { from: 'Same' } } }] },
  };
  const backendRef = o.backend.kind === 'Service'
    ? { group: '', kind: 'Service', name: o.backend.name, port: o.backend.port }
    : { group: 'gateway.envoyproxy.io', kind: 'Backend', name: o.backend.name };
  const route: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: meta(n.route),
    spec: {
      parentRefs: [{ ...gwRef, sectionName: GATEWAY_LISTENER.name }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          // For the lab's echo: the address Envoy settled on as the client (after PROXY / XFF / custom-header
          // detection), and the gateway address the request arrived on (which replica, hence which AZ).
          // Envoy expands %...% command operators in added header values.
          filters: [{
            type: 'RequestHeaderModifier',
            requestHeaderModifier: {
              set: [
                { name: GATEWAY_CLIENT_HEADER, value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' },
                { name: GATEWAY_REPLICA_HEADER, value: '%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%' },
              ],
            },
          }],
          backendRefs: [backendRef],
        },
      ],
    },
  };
  const objects: K8sObject[] = [gatewayClass, envoyProxy, gateway, route];
  if (o.backend.kind === 'Backend') {
    objects.push({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'Backend',
      metadata: meta(o.backend.name),
      spec: { endpoints: o.backend.endpoints.map((e) => ({ ip: { address: e.host, port: e.port } })) },
    });
  }

  const ctpSpec: Record<string, unknown> = {};
  if (s.clientIpHeader) ctpSpec.clientIPDetection = { customHeader: { name: s.clientIpHeader, failClosed: false } };
  else if (s.trustedCidrs.length) ctpSpec.clientIPDetection = { xForwardedFor: { trustedCIDRs: expandTrust(s.trustedCidrs, o.networks) } };
  else if (s.xffNumTrustedHops > 0) ctpSpec.clientIPDetection = { xForwardedFor: { numTrustedHops: s.xffNumTrustedHops } };
  if (s.clientIpHeader && (s.trustedCidrs.length || s.xffNumTrustedHops > 0))
    notes.push('Envoy Gateway allows customHeader or xForwardedFor, not both: customHeader used, the XFF trust setting is not applied');
  // Envoy Gateway v1.9: proxyProtocol (enableProxyProtocol is deprecated); without `optional` a connection
  // without a PROXY header is rejected, as the catalog models it.
  if (s.proxyProtocol) ctpSpec.proxyProtocol = {};
  if (Object.keys(ctpSpec).length) {
    objects.push({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: meta(n.clientPolicy),
      spec: { targetRefs: [gwRef], ...ctpSpec },
    });
  }
  const btpSpec: Record<string, unknown> = {};
  if (s.requestTimeoutS !== null) btpSpec.timeout = { http: { requestTimeout: egDuration(s.requestTimeoutS) } };
  if (s.retry) {
    btpSpec.retry = {
      numRetries: s.retry.numRetries,
      retryOn: { triggers: [...s.retry.on], ...(s.retry.httpStatusCodes.length ? { httpStatusCodes: [...s.retry.httpStatusCodes] } : {}) },
      ...(s.retry.perTryTimeoutS !== null ? { perRetry: { timeout: egDuration(s.retry.perTryTimeoutS) } } : {}),
    };
  }
  if (Object.keys(btpSpec).length) {
    objects.push({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'BackendTrafficPolicy',
      metadata: meta(n.backendPolicy),
      spec: { targetRefs: [gwRef], ...btpSpec },
    });
  }
  if (!s.useRemoteAddress) notes.push('useRemoteAddress=false has no Envoy Gateway setting (its listeners always use the remote address); the cluster realization differs from the scenario here');
  return { objects, names: n, notes };
}

// --- Cluster (kind / eks) ------------------------------------------------------------------------------------

export interface EnvoyGatewayRender {
  objects: K8sObject[];
  /** The Envoy Service Envoy Gateway will create (namespace/name), for NodePorts and ALB backends. */
  envoyService: { namespace: string; name: string };
  /** The Gateway whose Envoy infrastructure Envoy Gateway creates (it labels that infrastructure with it). */
  gateway: { namespace: string; name: string };
  notes: string[];
}

/** Cluster only: EnvoyProxy spec.provider with the Envoy Deployment and the Envoy Service Envoy Gateway creates. */
export function envoyProxyKubernetesProvider(o: { settings: EnvoySettings; labels: Record<string, string>; envoyServiceName: string; service: ServiceShape; listenerPort: number }): Record<string, unknown> {
  // The run's labels on the Service Envoy Gateway creates (teardown and sweeps find it), minus the ones it owns.
  const envoyService: Record<string, unknown> = { name: o.envoyServiceName, type: o.service.type, labels: envoyProxyLabels(o.labels) };
  if (o.service.type !== 'ClusterIP') envoyService.externalTrafficPolicy = o.service.externalTrafficPolicy ?? 'Local';
  if (o.service.annotations && Object.keys(o.service.annotations).length) envoyService.annotations = o.service.annotations;
  if (o.service.nodePort !== undefined) {
    // A fixed NodePort (kind maps it to the host at cluster creation); merged into the generated Service by port.
    envoyService.patch = { type: 'StrategicMerge', value: { spec: { ports: [{ port: o.listenerPort, nodePort: o.service.nodePort }] } } };
  }
  return {
    type: 'Kubernetes',
    kubernetes: {
      // Pod labels without the keys Envoy Gateway's Deployment selector owns (else the API server rejects it).
      envoyDeployment: { replicas: o.settings.replicas, pod: { labels: envoyProxyLabels(o.labels) } },
      envoyService,
    },
  };
}

/** The objects the kind and eks providers apply for an envoy-gateway hop. */
export function envoyGatewayObjects(o: {
  runLabel: string;
  namespace: string;
  hopName: string;
  settings: EnvoySettings;
  labels: Record<string, string>;
  backend: { name: string; port: number };
  service: ServiceShape;
  networks: NetworkMap;
}): EnvoyGatewayRender {
  const envoySvcName = dnsName(['envoy', o.runLabel, o.hopName]);
  // Service port of the Gateway listener: 80, or what the load balancer in front targets (443 behind a TLS listener).
  const listenerPort = o.service.port ?? GATEWAY_LISTENER.clusterPort;
  const r = envoyGatewayApiObjects({
    ...o,
    backend: { kind: 'Service', name: o.backend.name, port: o.backend.port },
    // In a cluster the access log goes to the Envoy container's stdout (kubectl logs).
    accessLogPath: '/dev/stdout',
    listenerPort,
    provider: envoyProxyKubernetesProvider({ settings: o.settings, labels: o.labels, envoyServiceName: envoySvcName, service: o.service, listenerPort }),
  });
  return { objects: r.objects, envoyService: { namespace: ENVOY_GATEWAY_NAMESPACE, name: envoySvcName }, gateway: { namespace: o.namespace, name: r.names.gateway }, notes: r.notes };
}

// --- Local (Envoy Gateway standalone) -------------------------------------------------------------------------

/**
 * The objects the local provider feeds Envoy Gateway in standalone mode: the same renderer as the cluster,
 * named after the same run, with the app reached through Envoy Gateway Backend endpoints (the service pods'
 * loopback addresses) instead of a Service, and no Kubernetes provider settings.
 */
export function localEnvoyGatewayObjects(o: {
  runId: string;
  scenario: string;
  hopName: string;
  /** The service hop's name: the Backend takes the name the cluster's Service has. */
  serviceName: string;
  settings: EnvoySettings;
  endpoints: Array<{ host: string; port: number }>;
  networks: NetworkMap;
  accessLogPath: string;
}): { objects: K8sObject[]; names: EnvoyGatewayNames; namespace: string; notes: string[] } {
  const namespace = runNamespace(o.runId);
  const r = envoyGatewayApiObjects({
    runLabel: runLabel(o.runId),
    namespace,
    hopName: o.hopName,
    settings: o.settings,
    labels: runLabels(o.runId, o.scenario, o.hopName),
    backend: { kind: 'Backend', name: dnsName([o.serviceName]), endpoints: o.endpoints },
    networks: o.networks,
    accessLogPath: o.accessLogPath,
    listenerPort: GATEWAY_LISTENER.port,
  });
  return { ...r, namespace };
}
