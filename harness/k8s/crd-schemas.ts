// Zod schemas of the custom resources the lab generates, written from the documented API fields (Gateway API
// v1; Envoy Gateway v1alpha1 EnvoyProxy and ClientTrafficPolicy; AWS Gateway API Controller usage of Gateway
// API), plus the documented annotation vocabularies of the AWS Load Balancer Controller and the ingress-nginx
// ConfigMap. Strict objects: a misspelt field is an error, as the API server's structural schema would prune
// or reject it. Only the fields the lab uses are modeled; infra/k8s/SCHEMAS.md lists the sources.
import { z } from 'zod';

const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/).max(63);
const dnsSubdomain = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/).max(253);
const port = z.number().int().min(1).max(65535);
const cidr = z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/, 'an IPv4 CIDR');
const group = z.string().max(253).regex(/^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/);

const metadata = z.strictObject({
  name: dnsSubdomain,
  namespace: dnsLabel.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const clusterMetadata = metadata.refine((m) => m.namespace === undefined, 'cluster-scoped: no namespace');
const namespacedMetadata = metadata.refine((m) => m.namespace !== undefined, 'namespaced: namespace required');

// Gateway API v1 ---------------------------------------------------------------------------------------------
const parentRef = z.strictObject({
  group: group.optional(),
  kind: z.string().optional(),
  namespace: dnsLabel.optional(),
  name: dnsSubdomain,
  sectionName: dnsLabel.optional(),
  port: port.optional(),
});
const headerName = z.string().regex(/^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/).max(256);
const headerModifier = z.strictObject({
  set: z.array(z.strictObject({ name: headerName, value: z.string().min(1).max(4096) })).max(16).optional(),
  add: z.array(z.strictObject({ name: headerName, value: z.string().min(1).max(4096) })).max(16).optional(),
  remove: z.array(headerName).max(16).optional(),
});
const routeFilter = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('RequestHeaderModifier'), requestHeaderModifier: headerModifier }),
  z.strictObject({ type: z.literal('ResponseHeaderModifier'), responseHeaderModifier: headerModifier }),
]);
const backendRef = z
  .strictObject({
    group: group.optional(),
    kind: z.string().optional(),
    name: dnsSubdomain,
    namespace: dnsLabel.optional(),
    port: port.optional(),
    weight: z.number().int().min(0).max(1_000_000).optional(),
  })
  // Gateway API CEL rule: a Service backend needs a port.
  .refine((b) => (b.kind ?? 'Service') !== 'Service' || b.port !== undefined, 'backendRefs to a Service must set port');
const pathMatch = z.strictObject({ type: z.enum(['Exact', 'PathPrefix', 'RegularExpression']).optional(), value: z.string().startsWith('/').max(1024).optional() });

export const gatewayClassSchema = z.strictObject({
  apiVersion: z.literal('gateway.networking.k8s.io/v1'),
  kind: z.literal('GatewayClass'),
  metadata: clusterMetadata,
  spec: z.strictObject({
    controllerName: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$/),
    parametersRef: z.strictObject({ group, kind: z.string().min(1), name: z.string().min(1), namespace: dnsLabel.optional() }).optional(),
    description: z.string().max(64).optional(),
  }),
});

export const gatewaySchema = z.strictObject({
  apiVersion: z.literal('gateway.networking.k8s.io/v1'),
  kind: z.literal('Gateway'),
  metadata: namespacedMetadata,
  spec: z.strictObject({
    gatewayClassName: dnsSubdomain,
    listeners: z
      .array(
        z.strictObject({
          name: dnsLabel,
          hostname: z.string().optional(),
          port,
          protocol: z.enum(['HTTP', 'HTTPS', 'TLS', 'TCP', 'UDP']),
          tls: z.strictObject({ mode: z.enum(['Terminate', 'Passthrough']).optional(), certificateRefs: z.array(z.strictObject({ name: z.string(), kind: z.string().optional(), group: z.string().optional() })).optional() }).optional(),
          allowedRoutes: z.strictObject({ namespaces: z.strictObject({ from: z.enum(['All', 'Same', 'Selector']) }).optional() }).optional(),
        }),
      )
      .min(1)
      .max(64)
      .refine((ls) => new Set(ls.map((l) => l.name)).size === ls.length, 'listener names must be unique'),
  }),
});

export const httpRouteSchema = z.strictObject({
  apiVersion: z.literal('gateway.networking.k8s.io/v1'),
  kind: z.literal('HTTPRoute'),
  metadata: namespacedMetadata,
  spec: z.strictObject({
    parentRefs: z.array(parentRef).min(1).max(32),
    hostnames: z.array(z.string()).max(16).optional(),
    rules: z
      .array(
        z.strictObject({
          matches: z.array(z.strictObject({ path: pathMatch.optional() })).max(64).optional(),
          filters: z.array(routeFilter).max(16).optional(),
          backendRefs: z.array(backendRef).max(16).optional(),
        }),
      )
      .min(1)
      .max(16),
  }),
});

// Envoy Gateway v1alpha1 -------------------------------------------------------------------------------------
const targetRef = z.strictObject({ group: z.literal('gateway.networking.k8s.io'), kind: z.enum(['Gateway', 'ListenerSet']), name: dnsSubdomain, sectionName: dnsLabel.optional() });

export const envoyProxySchema = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('EnvoyProxy'),
  metadata: namespacedMetadata,
  spec: z.strictObject({
    // Envoy's access log (the lab's own time measurement); the real CRD (crds.ts) checks the format in full.
    telemetry: z.strictObject({ accessLog: z.strictObject({ settings: z.array(z.record(z.string(), z.unknown())).min(1).max(50) }).optional() }).optional(),
    provider: z.strictObject({
      type: z.literal('Kubernetes'),
      kubernetes: z
        .strictObject({
          envoyDeployment: z
            .strictObject({
              replicas: z.number().int().min(0).optional(),
              pod: z.strictObject({ labels: z.record(z.string(), z.string()).optional(), annotations: z.record(z.string(), z.string()).optional() }).optional(),
            })
            .optional(),
          envoyService: z
            .strictObject({
              name: dnsLabel.optional(),
              type: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']).optional(),
              externalTrafficPolicy: z.enum(['Cluster', 'Local']).optional(),
              annotations: z.record(z.string(), z.string()).optional(),
              labels: z.record(z.string(), z.string()).optional(),
              loadBalancerClass: z.string().optional(),
              patch: z.strictObject({ type: z.enum(['JSONMerge', 'StrategicMerge']).optional(), value: z.record(z.string(), z.unknown()) }).optional(),
            })
            // EnvoyProxy CEL rules: ETP only on NodePort/LoadBalancer-exposed Services.
            .refine((s) => s.externalTrafficPolicy === undefined || s.type !== 'ClusterIP', 'externalTrafficPolicy needs type LoadBalancer or NodePort')
            .optional(),
        })
        .optional(),
    }).optional(),
  }),
});

const duration = z.string().regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/, 'a duration such as 30s or 1500ms');

export const backendTrafficPolicySchema = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('BackendTrafficPolicy'),
  metadata: namespacedMetadata,
  spec: z
    .strictObject({
      targetRef: targetRef.optional(),
      targetRefs: z.array(targetRef).min(1).optional(),
      timeout: z.strictObject({ http: z.strictObject({ requestTimeout: duration.optional(), connectionIdleTimeout: duration.optional() }).optional(), tcp: z.strictObject({ connectTimeout: duration.optional() }).optional() }).optional(),
      retry: z
        .strictObject({
          numRetries: z.number().int().min(0).optional(),
          retryOn: z.strictObject({ triggers: z.array(z.string()).optional(), httpStatusCodes: z.array(z.number().int().min(100).max(599)).optional() }).optional(),
          perRetry: z.strictObject({ timeout: duration.optional() }).optional(),
        })
        .optional(),
    })
    .refine((s) => (s.targetRef === undefined) !== (s.targetRefs === undefined), 'either targetRef or targetRefs must be used'),
});

export const backendSchema = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('Backend'),
  metadata: namespacedMetadata,
  spec: z.strictObject({ endpoints: z.array(z.strictObject({ ip: z.strictObject({ address: z.string(), port }) })).min(1).max(64) }),
});

export const clientTrafficPolicySchema = z.strictObject({
  apiVersion: z.literal('gateway.envoyproxy.io/v1alpha1'),
  kind: z.literal('ClientTrafficPolicy'),
  metadata: namespacedMetadata,
  spec: z
    .strictObject({
      targetRef: targetRef.optional(),
      targetRefs: z.array(targetRef).min(1).optional(),
      clientIPDetection: z
        .strictObject({
          xForwardedFor: z
            .strictObject({ numTrustedHops: z.number().int().min(0).optional(), trustedCIDRs: z.array(cidr).min(1).optional() })
            .refine((x) => (x.numTrustedHops === undefined) !== (x.trustedCIDRs === undefined), 'only one of numTrustedHops or trustedCIDRs must be set')
            .optional(),
          customHeader: z.strictObject({ name: headerName, failClosed: z.boolean().optional() }).optional(),
        })
        .refine((c) => !(c.xForwardedFor && c.customHeader), 'customHeader cannot be used in conjunction with xForwardedFor')
        .optional(),
      enableProxyProtocol: z.boolean().optional(),
      proxyProtocol: z.strictObject({ optional: z.boolean().optional() }).optional(),
    })
    .refine((s) => (s.targetRef === undefined) !== (s.targetRefs === undefined), 'either targetRef or targetRefs must be used'),
});

// Annotation vocabularies ------------------------------------------------------------------------------------
const bool = z.enum(['true', 'false']);
const stringMapOf = (keys: Record<string, z.ZodType<string>>) =>
  z.string().superRefine((v, ctx) => {
    for (const pair of v.split(',')) {
      const [k, val, ...rest] = pair.split('=');
      if (rest.length || val === undefined) ctx.addIssue({ code: 'custom', message: `"${pair}" is not key=value` });
      else if (!(k in keys)) ctx.addIssue({ code: 'custom', message: `unknown attribute "${k}"` });
      else if (!keys[k].safeParse(val).success) ctx.addIssue({ code: 'custom', message: `bad value for ${k}: "${val}"` });
    }
  });
const tagMap = z.string().regex(/^[^=,]+=[^=,]*(,[^=,]+=[^=,]*)*$/, 'k1=v1,k2=v2');

const SVC = 'service.beta.kubernetes.io/';
/** Service annotations the lab sets, for both controllers (AWS LBC service annotations; in-tree service controller). */
export const serviceAnnotationSchema: Record<string, z.ZodType<string>> = {
  [SVC + 'aws-load-balancer-type']: z.enum(['external', 'nlb', 'nlb-ip']),
  [SVC + 'aws-load-balancer-nlb-target-type']: z.enum(['instance', 'ip']),
  [SVC + 'aws-load-balancer-scheme']: z.enum(['internal', 'internet-facing']),
  [SVC + 'aws-load-balancer-internal']: bool,
  [SVC + 'aws-load-balancer-proxy-protocol']: z.literal('*'),
  [SVC + 'aws-load-balancer-backend-protocol']: z.enum(['http', 'https', 'ssl', 'tcp']),
  [SVC + 'aws-load-balancer-cross-zone-load-balancing-enabled']: bool,
  [SVC + 'aws-load-balancer-ssl-cert']: z.string().startsWith('arn:'),
  [SVC + 'aws-load-balancer-ssl-ports']: z.string().regex(/^[\w-]+(,[\w-]+)*$/),
  [SVC + 'aws-load-balancer-additional-resource-tags']: tagMap,
  [SVC + 'aws-load-balancer-target-group-attributes']: stringMapOf({
    'preserve_client_ip.enabled': bool,
    'proxy_protocol_v2.enabled': bool,
    'deregistration_delay.timeout_seconds': z.string().regex(/^\d+$/),
  }),
  [SVC + 'aws-load-balancer-attributes']: stringMapOf({ 'load_balancing.cross_zone.enabled': bool, 'deletion_protection.enabled': bool }),
};

const ALB = 'alb.ingress.kubernetes.io/';
export const ingressAnnotationSchema: Record<string, z.ZodType<string>> = {
  [ALB + 'scheme']: z.enum(['internal', 'internet-facing']),
  [ALB + 'target-type']: z.enum(['instance', 'ip']),
  [ALB + 'healthcheck-path']: z.string().startsWith('/'),
  [ALB + 'listen-ports']: z.string().refine((v) => {
    try {
      const a = JSON.parse(v);
      return Array.isArray(a) && a.every((o) => typeof o === 'object' && Object.keys(o).length === 1 && ['HTTP', 'HTTPS'].includes(Object.keys(o)[0]));
    } catch {
      return false;
    }
  }, 'JSON list such as [{"HTTPS":443}]'),
  [ALB + 'certificate-arn']: z.string().startsWith('arn:'),
  [ALB + 'wafv2-acl-arn']: z.string().startsWith('arn:'),
  [ALB + 'tags']: tagMap,
  [ALB + 'load-balancer-attributes']: stringMapOf({
    'routing.http.xff_header_processing.mode': z.enum(['append', 'preserve', 'remove']),
    'routing.http.xff_client_port.enabled': bool,
  }),
};

/** ingress-nginx controller ConfigMap keys the lab sets (ingress-nginx ConfigMap documentation). */
export const ingressNginxConfigSchema = z.strictObject({
  'use-proxy-protocol': bool,
  'use-forwarded-headers': bool,
  'compute-full-forwarded-for': bool,
  'proxy-real-ip-cidr': z.string().regex(/^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}(,(\d{1,3}\.){3}\d{1,3}\/\d{1,2})*$/, 'comma-separated CIDRs'),
  'forwarded-for-header': headerName,
  'proxy-set-headers': z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/configmap'),
});

export const CRD_SCHEMAS: Record<string, z.ZodType> = {
  'gateway.networking.k8s.io/v1/GatewayClass': gatewayClassSchema,
  'gateway.networking.k8s.io/v1/Gateway': gatewaySchema,
  'gateway.networking.k8s.io/v1/HTTPRoute': httpRouteSchema,
  'gateway.envoyproxy.io/v1alpha1/EnvoyProxy': envoyProxySchema,
  'gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy': clientTrafficPolicySchema,
  'gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy': backendTrafficPolicySchema,
  'gateway.envoyproxy.io/v1alpha1/Backend': backendSchema,
};
