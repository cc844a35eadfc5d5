// ingress-nginx realization of an ingress-nginx hop: the controller ConfigMap keys that decide the client IP,
// a ConfigMap of headers it sets toward the app, an Ingress for the app, and the Service in front of the
// controller pods (LoadBalancer with the LB annotations, or NodePort on kind). Keys from the ingress-nginx
// ConfigMap documentation; the controller itself comes from its install manifest.
import type { IngressNginxSettings } from '../catalog/components/ingress-nginx.ts';
import { GATEWAY_CLIENT_HEADER } from '../catalog/headers.ts';
import type { NetworkMap } from '../catalog/address-plan.ts';
import type { K8sObject, Ownership } from './types.ts';
import { serviceObject, type ServiceShape } from './app.ts';
import { dnsName } from './names.ts';
import { expandTrust } from './networks.ts';

export const INGRESS_NGINX_NAMESPACE = 'ingress-nginx';
/** Name of the controller ConfigMap in the upstream install manifests (kind and AWS variants). */
export const INGRESS_NGINX_CONFIGMAP = 'ingress-nginx-controller';
export const INGRESS_NGINX_CONTROLLER_SELECTOR = {
  'app.kubernetes.io/name': 'ingress-nginx',
  'app.kubernetes.io/instance': 'ingress-nginx',
  'app.kubernetes.io/component': 'controller',
};

export function ingressNginxObjects(o: {
  runLabel: string;
  namespace: string;
  hopName: string;
  settings: IngressNginxSettings;
  labels: Record<string, string>;
  backend: { name: string; port: number };
  service: ServiceShape;
  networks: NetworkMap;
}): { objects: Array<{ object: K8sObject; ownership: Ownership }>; controllerService: { namespace: string; name: string }; notes: string[] } {
  const s = o.settings;
  const headersName = dnsName(['lab', o.runLabel, 'headers']);
  const config: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: INGRESS_NGINX_CONFIGMAP, namespace: INGRESS_NGINX_NAMESPACE },
    data: {
      'use-proxy-protocol': String(s.useProxyProtocol),
      'use-forwarded-headers': String(s.useForwardedHeaders),
      'compute-full-forwarded-for': String(s.computeFullForwardedFor),
      'proxy-real-ip-cidr': expandTrust(s.proxyRealIpCidr, o.networks).join(','),
      'forwarded-for-header': s.forwardedForHeader,
      // nginx's $remote_addr after the realip module: the client address the gateway settled on.
      'proxy-set-headers': `${INGRESS_NGINX_NAMESPACE}/${headersName}`,
    },
  };
  const headers: K8sObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: headersName, namespace: INGRESS_NGINX_NAMESPACE, labels: o.labels },
    data: { [GATEWAY_CLIENT_HEADER]: '$remote_addr' },
  };
  const ingress: K8sObject = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: dnsName([o.hopName, 'app']), namespace: o.namespace, labels: o.labels },
    spec: {
      ingressClassName: 'nginx',
      rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: o.backend.name, port: { number: o.backend.port } } } }] } }],
    },
  };
  const svcName = dnsName(['nginx', o.runLabel, o.hopName]);
  const svc = serviceObject({
    name: svcName,
    namespace: INGRESS_NGINX_NAMESPACE,
    selector: INGRESS_NGINX_CONTROLLER_SELECTOR,
    labels: o.labels,
    shape: o.service,
    targetPort: 'http',
  });
  const notes = [
    `the controller ConfigMap ${INGRESS_NGINX_NAMESPACE}/${INGRESS_NGINX_CONFIGMAP} is cluster-wide: the run sets its client-IP keys with server-side apply and leaves them at teardown`,
    `ingress-nginx replicas (${s.replicas} in the scenario) come from the controller install, not from these manifests`,
  ];
  return {
    objects: [
      { object: config, ownership: 'shared' },
      { object: headers, ownership: 'run' },
      { object: ingress, ownership: 'run' },
      { object: svc, ownership: 'run' },
    ],
    controllerService: { namespace: INGRESS_NGINX_NAMESPACE, name: svcName },
    notes,
  };
}
