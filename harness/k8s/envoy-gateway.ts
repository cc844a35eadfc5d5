// Envoy Gateway realization of an envoy-gateway hop: GatewayClass -> EnvoyProxy (replicas, the Envoy Service
// with its type, externalTrafficPolicy and LB annotations), Gateway, HTTPRoute, ClientTrafficPolicy.
// Field names from Envoy Gateway's v1alpha1 API (EnvoyProxy, ClientTrafficPolicy) and Gateway API v1.
import type { EnvoySettings } from '../catalog/components/envoy-gateway.ts';
import { GATEWAY_CLIENT_HEADER } from '../catalog/headers.ts';
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { K8sObject } from './types.ts';
import type { ServiceShape } from './app.ts';
import { dnsName } from './names.ts';
import { expandTrust } from './networks.ts';
// Cluster-side facts about Envoy Gateway (owned labels, controller namespace): see envoy-gateway-cluster.ts.
import { ENVOY_GATEWAY_NAMESPACE, envoyProxyLabels } from './envoy-gateway-cluster.ts';

export const ENVOY_GATEWAY_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';
export { ENVOY_GATEWAY_NAMESPACE };

export interface EnvoyGatewayRender {
  objects: K8sObject[];
  /** The Envoy Service Envoy Gateway will create (namespace/name), for NodePorts and ALB backends. */
  envoyService: { namespace: string; name: string };
  /** The Gateway whose Envoy infrastructure Envoy Gateway creates (it labels that infrastructure with it). */
  gateway: { namespace: string; name: string };
  notes: string[];
}

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
  const s = o.settings;
  const notes: string[] = [];
  const base = dnsName(['lab', o.runLabel, o.hopName], 50);
  const className = base;
  const proxyName = dnsName([base, 'proxy']);
  const gatewayName = dnsName([o.hopName]);
  const envoySvcName = dnsName(['envoy', o.runLabel, o.hopName]);

  // Service port of the Gateway listener: 80, or what the load balancer in front targets (443 behind a TLS listener).
  const listenerPort = o.service.port ?? 80;
  // The run's labels on the Service Envoy Gateway creates (teardown and sweeps find it), minus the ones it owns.
  const envoyService: Record<string, unknown> = { name: envoySvcName, type: o.service.type, labels: envoyProxyLabels(o.labels) };
  if (o.service.type !== 'ClusterIP') envoyService.externalTrafficPolicy = o.service.externalTrafficPolicy ?? 'Local';
  if (o.service.annotations && Object.keys(o.service.annotations).length) envoyService.annotations = o.service.annotations;
  if (o.service.nodePort !== undefined) {
    // A fixed NodePort (kind maps it to the host at cluster creation); merged into the generated Service by port.
    envoyService.patch = { type: 'StrategicMerge', value: { spec: { ports: [{ port: listenerPort, nodePort: o.service.nodePort }] } } };
  }

  const gatewayClass: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name: className, labels: o.labels },
    spec: {
      controllerName: ENVOY_GATEWAY_CONTROLLER,
      parametersRef: { group: 'gateway.envoyproxy.io', kind: 'EnvoyProxy', name: proxyName, namespace: o.namespace },
    },
  };
  const envoyProxy: K8sObject = {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyProxy',
    metadata: { name: proxyName, namespace: o.namespace, labels: o.labels },
    spec: {
      provider: {
        type: 'Kubernetes',
        kubernetes: {
          // Pod labels without the keys Envoy Gateway's Deployment selector owns (else the API server rejects it).
          envoyDeployment: { replicas: s.replicas, pod: { labels: envoyProxyLabels(o.labels) } },
          envoyService,
        },
      },
    },
  };
  const gateway: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: gatewayName, namespace: o.namespace, labels: o.labels },
    spec: { gatewayClassName: className, listeners: [{ name: 'http', protocol: 'HTTP', port: listenerPort, allowedRoutes: { namespaces: { from: 'Same' } } }] },
  };
  const route: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: dnsName([o.hopName, 'app']), namespace: o.namespace, labels: o.labels },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gatewayName }],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          // The address Envoy settled on (after XFF / custom-header detection) for the echo's "gateway" mode.
          // Envoy expands %DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT% in added header values.
          filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: GATEWAY_CLIENT_HEADER, value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' }] } }],
          backendRefs: [{ group: '', kind: 'Service', name: o.backend.name, port: o.backend.port }],
        },
      ],
    },
  };
  const objects = [gatewayClass, envoyProxy, gateway, route];

  const ctpSpec: Record<string, unknown> = {};
  if (s.clientIpHeader) ctpSpec.clientIPDetection = { customHeader: { name: s.clientIpHeader, failClosed: false } };
  else if (s.trustedCidrs.length) ctpSpec.clientIPDetection = { xForwardedFor: { trustedCIDRs: expandTrust(s.trustedCidrs, o.networks) } };
  else if (s.xffNumTrustedHops > 0) ctpSpec.clientIPDetection = { xForwardedFor: { numTrustedHops: s.xffNumTrustedHops } };
  if (s.clientIpHeader && (s.trustedCidrs.length || s.xffNumTrustedHops > 0))
    notes.push('Envoy Gateway allows customHeader or xForwardedFor, not both: customHeader used, the XFF trust setting is not applied');
  // enableProxyProtocol (deprecated in favour of proxyProtocol in Envoy Gateway >= 1.5) is understood by every
  // release since 1.0; the lab pins a 1.4 line release (infra/kind/versions.json).
  if (s.proxyProtocol) ctpSpec.enableProxyProtocol = true;
  if (Object.keys(ctpSpec).length) {
    objects.push({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: { name: dnsName([o.hopName, 'client']), namespace: o.namespace, labels: o.labels },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gatewayName }], ...ctpSpec },
    });
  }
  if (!s.useRemoteAddress) notes.push('useRemoteAddress=false has no Envoy Gateway setting (its listeners always use the remote address); the cluster realization differs from the scenario here');
  return { objects, envoyService: { namespace: ENVOY_GATEWAY_NAMESPACE, name: envoySvcName }, gateway: { namespace: o.namespace, name: gatewayName }, notes };
}
