// What Envoy Gateway does in a cluster that the lab must respect when it asks for Envoy pods and finds them
// again (Envoy Gateway v1.9.1, Kubernetes provider, controller namespace mode): the labels it owns, the
// labels it puts on the infrastructure it creates for a Gateway, and where that infrastructure lives.
// Read from envoyproxy/gateway internal/infrastructure/kubernetes/proxy/resource.go (EnvoyAppLabel) and
// internal/gatewayapi/translator.go (OwningGateway*Label).

/** The controller namespace: Envoy Gateway creates every Gateway's Envoy Deployment and Service there. */
export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';

/** The labels Envoy Gateway sets on its Envoy pods AND uses as the Deployment's selector. */
export const ENVOY_APP_LABELS = {
  'app.kubernetes.io/name': 'envoy',
  'app.kubernetes.io/component': 'proxy',
  'app.kubernetes.io/managed-by': 'envoy-gateway',
} as const;

/** Labels on every object Envoy Gateway creates for a Gateway (Deployment, Service, ServiceAccount, ...). */
export const OWNING_GATEWAY_NAME = 'gateway.envoyproxy.io/owning-gateway-name';
export const OWNING_GATEWAY_NAMESPACE = 'gateway.envoyproxy.io/owning-gateway-namespace';
export const OWNING_GATEWAYCLASS = 'gateway.envoyproxy.io/owning-gatewayclass';

/**
 * Label keys the lab must not set through EnvoyProxy (pod labels, Service labels): Envoy Gateway merges user
 * labels over its own, but the Deployment selector keeps its own values, so an override makes the API server
 * reject the Deployment ("selector does not match template labels") and no Envoy ever starts.
 */
export const ENVOY_GATEWAY_OWNED_LABEL_KEYS: readonly string[] = [...Object.keys(ENVOY_APP_LABELS), OWNING_GATEWAY_NAME, OWNING_GATEWAY_NAMESPACE, OWNING_GATEWAYCLASS];

/** The lab's labels minus those Envoy Gateway owns: safe to hand to EnvoyProxy for pods and the Service. */
export function envoyProxyLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k]) => !ENVOY_GATEWAY_OWNED_LABEL_KEYS.includes(k)));
}

/** Selector of the infrastructure Envoy Gateway created for one Gateway (Deployment, Service, pods). */
export function owningGatewaySelector(gateway: { namespace: string; name: string }): string {
  return `${OWNING_GATEWAY_NAMESPACE}=${gateway.namespace},${OWNING_GATEWAY_NAME}=${gateway.name}`;
}
