// VPC Lattice through the AWS Gateway API Controller: a Gateway of class amazon-vpc-lattice (its name is the
// service network) and an HTTPRoute whose weighted backendRefs become Lattice target groups of pod IPs.
import type { LatticeSettings } from '../catalog/components/lattice.ts';
import type { K8sObject } from './types.ts';
import { dnsName, stringMap } from './names.ts';

export const LATTICE_GATEWAY_CLASS = 'amazon-vpc-lattice';

export function latticeObjects(o: {
  namespace: string;
  /** Service network name (the Gateway's name, without namespace, is what the controller matches). */
  serviceNetwork: string;
  settings: LatticeSettings;
  labels: Record<string, string>;
  /** Version name -> Service name and port. */
  backends: Map<string, { name: string; port: number }>;
  /** AWS tags the controller puts on the Lattice service, listeners, rules and target groups it creates. */
  tags?: Record<string, string>;
}): { objects: K8sObject[]; notes: string[]; missing: string[] } {
  const s = o.settings;
  const missing: string[] = [];
  const notes: string[] = [];
  if (s.listener === 'tls-passthrough') missing.push('Lattice TLS passthrough needs a TLSRoute (Gateway API v1alpha2); the lab generates HTTPRoute only');
  if (s.authPolicy) notes.push('authPolicy: an IAMAuthPolicy is not generated; the run measures Lattice without auth');
  const listener = s.listener === 'http' ? { name: 'http', protocol: 'HTTP', port: 80 } : { name: 'https', protocol: 'HTTPS', port: 443 };
  const gwName = dnsName([o.serviceNetwork]);
  const gateway: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: gwName, namespace: o.namespace, labels: o.labels },
    spec: { gatewayClassName: LATTICE_GATEWAY_CLASS, listeners: [listener] },
  };
  const route: K8sObject = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: {
      name: dnsName([o.serviceNetwork, 'app']),
      namespace: o.namespace,
      labels: o.labels,
      // The run's tags on what the controller creates, so a sweep finds the Lattice resources by tag too.
      ...(o.tags ? { annotations: { 'application-networking.k8s.aws/tags': stringMap(o.tags) } } : {}),
    },
    spec: {
      parentRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: gwName, sectionName: listener.name }],
      rules: [
        {
          backendRefs: s.routes.map((r) => {
            const b = o.backends.get(r.backend);
            return { group: '', kind: 'Service', name: b?.name ?? r.backend, port: b?.port ?? 80, weight: r.weight };
          }),
        },
      ],
    },
  };
  if (s.xffMode === 'overwrite') notes.push('Lattice x-forwarded-for append vs overwrite is undocumented; the cluster run shows which one AWS does');
  return { objects: [gateway, route], notes, missing };
}
