// The application under test on a cluster: the lab's echo (harness/emulation/echo.ts) in a container, one
// Deployment per service version, and the Services in front of it.
import type { ServiceSettings } from '../catalog/components/service.ts';
import { serviceVersions } from '../catalog/components/service.ts';
import type { K8sObject } from './types.ts';
import { LABELS, dnsName } from './names.ts';

export const ECHO_PORT = 8080;

/** Environment the echo container reads (harness/providers/kind/echo-pod.ts); one contract for both sides. */
export const ECHO_ENV = {
  version: 'ECHO_VERSION',
  clientIpFrom: 'ECHO_CLIENT_IP_FROM',
  clientIpHeader: 'ECHO_CLIENT_IP_HEADER',
  responseBytes: 'ECHO_RESPONSE_BYTES',
  processingMs: 'ECHO_PROCESSING_MS',
  pod: 'POD_NAME',
  port: 'ECHO_PORT',
  host: 'ECHO_HOST',
} as const;

export interface AppService {
  /** Service name, e.g. "app" or "app-3" (clb-per-service). */
  name: string;
  selector: Record<string, string>;
  /** Per-version Services (lattice routes to versions). */
  versions: Array<{ version: string; name: string; selector: Record<string, string> }>;
}

export function appDeployments(o: {
  namespace: string;
  baseName: string;
  settings: ServiceSettings;
  clientIpFrom: string;
  image: string;
  labels: Record<string, string>;
}): { objects: K8sObject[]; service: AppService } {
  const objects: K8sObject[] = [];
  const app = dnsName([o.baseName]);
  const versions: AppService['versions'] = [];
  for (const v of serviceVersions(o.settings)) {
    const sel = { [LABELS.app]: app, [LABELS.version]: v.name };
    const env: Array<{ name: string; value?: string; valueFrom?: unknown }> = [
      { name: ECHO_ENV.version, value: v.name },
      { name: ECHO_ENV.clientIpFrom, value: o.clientIpFrom },
      { name: ECHO_ENV.responseBytes, value: String(o.settings.responseBytes) },
      { name: ECHO_ENV.processingMs, value: String(o.settings.processingMs) },
      { name: ECHO_ENV.port, value: String(ECHO_PORT) },
      { name: ECHO_ENV.pod, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    ];
    if (o.settings.clientIpHeader) env.push({ name: ECHO_ENV.clientIpHeader, value: o.settings.clientIpHeader });
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: dnsName([app, v.name]), namespace: o.namespace, labels: { ...o.labels, ...sel } },
      spec: {
        replicas: v.replicas,
        selector: { matchLabels: sel },
        template: {
          metadata: { labels: { ...o.labels, ...sel } },
          spec: {
            // Spread replicas over nodes: ETP=Local and instance targets depend on where pods run.
            topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: sel } }],
            containers: [
              {
                name: 'echo',
                image: o.image,
                imagePullPolicy: 'IfNotPresent',
                args: ['echo'],
                ports: [{ name: 'http', containerPort: ECHO_PORT, protocol: 'TCP' }],
                env,
                readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 2, failureThreshold: 3 },
                resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '256Mi' } },
              },
            ],
          },
        },
      },
    });
    versions.push({ version: v.name, name: dnsName([app, v.name]), selector: sel });
  }
  return { objects, service: { name: app, selector: { [LABELS.app]: app }, versions } };
}

export interface ServiceShape {
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  externalTrafficPolicy?: 'Cluster' | 'Local';
  nodePort?: number;
  annotations?: Record<string, string>;
  /** Service port (80 unless the load balancer in front terminates TLS and targets 443, as its ssl-ports say). */
  port?: number;
}

export function serviceObject(o: {
  name: string;
  namespace: string;
  selector: Record<string, string>;
  labels: Record<string, string>;
  shape: ServiceShape;
  targetPort?: string | number;
  port?: number;
}): K8sObject {
  const port: Record<string, unknown> = { name: 'http', port: o.port ?? o.shape.port ?? 80, targetPort: o.targetPort ?? 'http', protocol: 'TCP' };
  if (o.shape.nodePort !== undefined) port.nodePort = o.shape.nodePort;
  const spec: Record<string, unknown> = { type: o.shape.type, selector: o.selector, ports: [port] };
  // externalTrafficPolicy only exists for NodePort / LoadBalancer Services.
  if (o.shape.type !== 'ClusterIP' && o.shape.externalTrafficPolicy) spec.externalTrafficPolicy = o.shape.externalTrafficPolicy;
  const metadata: K8sObject['metadata'] = { name: o.name, namespace: o.namespace, labels: o.labels };
  if (o.shape.annotations && Object.keys(o.shape.annotations).length) metadata.annotations = o.shape.annotations;
  return { apiVersion: 'v1', kind: 'Service', metadata, spec };
}
