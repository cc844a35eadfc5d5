// The test plays the AWS controllers an EKS cluster runs, on the test control plane, and the data path
// behind what they create (no AWS here, and no pod runs under kwok):
// - the AWS Load Balancer Controller and the cloud provider: every LoadBalancer Service and every Ingress of
//   class alb of a lab run gets an address in its status, as they write it;
// - the AWS Gateway API Controller: an HTTPRoute on a Lattice Gateway gets its assigned domain annotation;
// - the load balancer / Lattice service / node behind that address: a small HTTP(S) server on that loopback
//   address and port answers with the echo's version header, so the provider's readiness check (DNS, then
//   HTTP from the application) has something to reach. It is a stand-in for AWS and the pods, named as such.
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type { ControlPlane } from './control-plane.ts';
import { labCertificate } from '../../harness/providers/local/certs.ts';
import { ECHO_HEADERS } from '../../harness/catalog/components/service.ts';
import { LATTICE_DOMAIN_ANNOTATION } from '../../harness/cluster/incluster.ts';

export interface FakeAws {
  /** Fronts given an address so far: what, where. */
  fronts: Array<{ what: string; host: string; port: number }>;
  stop(): Promise<void>;
}

const RUN = 'exposure-lab.dev/run-id';

function listen(host: string, port: number, tls: boolean, cert: { key: string; cert: string }): Promise<net.Server> {
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.setHeader(ECHO_HEADERS.version, 'fake-aws');
    res.end('played by the test: a load balancer and the pods behind it\n');
  };
  const srv = tls ? https.createServer({ key: cert.key, cert: cert.cert }, handler) : http.createServer(handler);
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => resolve(srv));
  });
}

export function playAwsControllers(cp: ControlPlane, o: { nodeAddresses: string[] }): FakeAws {
  const cert = labCertificate();
  const servers: net.Server[] = [];
  const fronts: FakeAws['fronts'] = [];
  const done = new Set<string>();
  let next = 1;
  let stopped = false;
  const serve = async (what: string, host: string, ports: Array<{ port: number; tls: boolean }>) => {
    for (const p of ports) {
      servers.push(await listen(host, p.port, p.tls, cert));
      fronts.push({ what, host, port: p.port });
    }
  };
  const status = (path: string, body: unknown) => cp.api(path, { method: 'PATCH', body, contentType: 'application/merge-patch+json' });

  const tick = async () => {
    const svcs = (await cp.api(`/api/v1/services?labelSelector=${encodeURIComponent(RUN)}`)).json?.items ?? [];
    for (const s of svcs) {
      const key = `svc/${s.metadata.namespace}/${s.metadata.name}/${s.metadata.uid}`;
      if (done.has(key)) continue;
      if (s.spec.type === 'LoadBalancer') {
        done.add(key);
        const ip = `127.20.200.${next++}`;
        await serve(`Service ${s.metadata.namespace}/${s.metadata.name}`, ip, s.spec.ports.map((p: { port: number }) => ({ port: p.port, tls: p.port === 443 })));
        await status(`/api/v1/namespaces/${s.metadata.namespace}/services/${s.metadata.name}/status`, { status: { loadBalancer: { ingress: [{ ip }] } } });
      } else if (s.spec.type === 'NodePort' && s.spec.ports[0]?.nodePort) {
        // A NodePort front: the nodes answer on it (kube-proxy and the pods, played).
        done.add(key);
        for (const a of o.nodeAddresses) await serve(`NodePort of ${s.metadata.namespace}/${s.metadata.name}`, a, [{ port: s.spec.ports[0].nodePort, tls: false }]);
      }
    }
    const ings = (await cp.api(`/apis/networking.k8s.io/v1/ingresses?labelSelector=${encodeURIComponent(RUN)}`)).json?.items ?? [];
    for (const i of ings) {
      const key = `ing/${i.metadata.namespace}/${i.metadata.name}/${i.metadata.uid}`;
      if (done.has(key) || i.spec.ingressClassName !== 'alb') continue;
      done.add(key);
      const ip = `127.20.201.${next++}`;
      const https443 = /HTTPS/.test(i.metadata.annotations?.['alb.ingress.kubernetes.io/listen-ports'] ?? '');
      await serve(`Ingress ${i.metadata.namespace}/${i.metadata.name}`, ip, [{ port: https443 ? 443 : 80, tls: https443 }]);
      await status(`/apis/networking.k8s.io/v1/namespaces/${i.metadata.namespace}/ingresses/${i.metadata.name}/status`, { status: { loadBalancer: { ingress: [{ ip }] } } });
    }
    const routes = (await cp.api(`/apis/gateway.networking.k8s.io/v1/httproutes?labelSelector=${encodeURIComponent(RUN)}`)).json?.items ?? [];
    for (const r of routes) {
      const key = `route/${r.metadata.namespace}/${r.metadata.name}/${r.metadata.uid}`;
      if (done.has(key)) continue;
      const parent = r.spec.parentRefs?.[0];
      const gw = parent ? (await cp.api(`/apis/gateway.networking.k8s.io/v1/namespaces/${r.metadata.namespace}/gateways/${parent.name}`)).json : null;
      if (gw?.spec?.gatewayClassName !== 'amazon-vpc-lattice') continue;
      done.add(key);
      const ip = `127.20.202.${next++}`;
      const tls = parent.sectionName === 'https';
      await serve(`Lattice service of ${r.metadata.namespace}/${r.metadata.name}`, ip, [{ port: tls ? 443 : 80, tls }]);
      // The controller writes the service's domain; a loopback address stands for it here.
      await cp.api(`/apis/gateway.networking.k8s.io/v1/namespaces/${r.metadata.namespace}/httproutes/${r.metadata.name}`, { method: 'PATCH', body: { metadata: { annotations: { [LATTICE_DOMAIN_ANNOTATION]: ip } } }, contentType: 'application/merge-patch+json' });
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await tick().catch(() => {});
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    fronts,
    stop: async () => {
      stopped = true;
      await loop;
      await Promise.all(servers.map((s) => new Promise((r) => s.close(() => r(null)))));
    },
  };
}
