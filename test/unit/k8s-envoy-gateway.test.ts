// One renderer, three realizations: the objects a local run feeds Envoy Gateway (standalone) are the objects
// `manifests --target kind` prints (and eks applies), apart from how the route reaches the app (Envoy Gateway
// Backend endpoints on loopback instead of the app's Service), the Services themselves (the EnvoyProxy's
// Kubernetes Deployment/Service settings included: there is no cluster locally), where Envoy writes its
// access log (a file of the run instead of the container's stdout), and the Gateway listener's port (80 in a
// cluster, where Envoy Gateway makes Envoy bind 10080; 10080 locally, where Envoy binds the port as written).
// And every object passes the pinned CRDs.
import { describe, expect, it } from 'vitest';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import type { K8sObject } from '../../harness/k8s/types.ts';
import { envoyGatewayResources } from '../../harness/dataplanes/envoy-gateway.ts';
import { validateAgainstCrd } from '../../harness/tools/crds.ts';
import { GATEWAY_LISTENER } from '../../harness/k8s/envoy-gateway.ts';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { describeWithTools } from '../helpers/tools.ts';

const RUN = 'r1';
const LOG = '/run/work/envoy-access.log';
const withEnvoyGateway = scenarioNames().filter((n) => loadScenarioOrThrow(n).hops.some((h) => h.component === 'envoy-gateway' && h.entry.gateway));

/** What the cluster prints for the gateway hop, brought to the local form by the documented differences. */
function clusterToLocal(objects: K8sObject[], appService: string, endpoints: Array<{ host: string; port: number }>): unknown[] {
  const out: unknown[] = [];
  for (const o of structuredClone(objects)) {
    if (o.kind === 'Service') continue;
    if (o.kind === 'EnvoyProxy') {
      const spec = o.spec as { provider?: unknown; telemetry: { accessLog: { settings: Array<{ sinks: Array<{ file: { path: string } }> }> } } };
      delete spec.provider;
      for (const s of spec.telemetry.accessLog.settings) for (const k of s.sinks) k.file.path = LOG;
    }
    if (o.kind === 'Gateway') {
      const l = (o.spec as { listeners: Array<{ port: number }> }).listeners;
      expect(l.map((x) => x.port)).toEqual([GATEWAY_LISTENER.clusterPort]);
      l[0].port = GATEWAY_LISTENER.port;
    }
    if (o.kind === 'HTTPRoute') {
      for (const rule of (o.spec as { rules: Array<{ backendRefs: Array<Record<string, unknown>> }> }).rules)
        rule.backendRefs = rule.backendRefs.map((b) => (b.kind === 'Service' ? { group: 'gateway.envoyproxy.io', kind: 'Backend', name: b.name } : b));
    }
    out.push(o);
  }
  const ns = (objects.find((o) => o.kind === 'Gateway')!.metadata.namespace)!;
  const labels = objects.find((o) => o.kind === 'Gateway')!.metadata.labels;
  out.push({ apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'Backend', metadata: { name: appService, namespace: ns, labels }, spec: { endpoints: endpoints.map((e) => ({ ip: { address: e.host, port: e.port } })) } });
  return out;
}

describe('the same Gateway API + Envoy Gateway objects locally and on kind', () => {
  it('covers every scenario with an envoy-gateway hop', () => {
    expect(withEnvoyGateway.length).toBeGreaterThanOrEqual(8);
  });

  it.each(withEnvoyGateway)('%s: local objects == kind objects apart from endpoints, Services, the access-log sink and the listener port', (name) => {
    const s = loadScenarioOrThrow(name);
    const hop = s.hops.find((h) => h.component === 'envoy-gateway')!;
    const svc = s.hops[s.hops.length - 1];
    const m = renderScenario(s, { runId: RUN, target: 'kind', echoImage: 'lab', networks: LOCAL_NETWORKS });
    const kindObjects = m.entries.filter((e) => e.realizes === hop.name).map((e) => e.object);
    expect(kindObjects.map((o) => o.kind)).toEqual(expect.arrayContaining(['GatewayClass', 'EnvoyProxy', 'Gateway', 'HTTPRoute']));
    const endpoints = [{ host: '127.23.1.1', port: 41000 }, { host: '127.23.2.1', port: 41001 }];
    const local = envoyGatewayResources(
      { product: 'envoy-gateway', settings: hop.settings, listen: [], upstreams: endpoints, networks: LOCAL_NETWORKS, workDir: '/run/work', run: { id: RUN, scenario: s.name, hop: hop.name, service: svc.name } },
      LOG,
    ).objects;
    const key = (o: unknown) => `${(o as K8sObject).kind}/${(o as K8sObject).metadata.name}`;
    const sorted = (l: unknown[]) => [...l].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(local)).toEqual(sorted(clusterToLocal(kindObjects, svc.name, endpoints)));
  });
});

await describeWithTools(['gateway-api-crds', 'envoy-gateway-crds'], 'every Envoy Gateway object passes the pinned CRDs (unknown fields rejected)', () => {
  it.each(withEnvoyGateway)('%s (kind and local objects)', (name) => {
    const s = loadScenarioOrThrow(name);
    const hop = s.hops.find((h) => h.component === 'envoy-gateway')!;
    const kindObjects = renderScenario(s, { runId: RUN, target: 'kind', echoImage: 'lab' }).entries.filter((e) => e.realizes === hop.name).map((e) => e.object);
    const local = envoyGatewayResources({ product: 'envoy-gateway', settings: hop.settings, listen: [], upstreams: [{ host: '127.23.1.1', port: 41000 }], networks: LOCAL_NETWORKS, workDir: '/w', run: { id: RUN, scenario: s.name, hop: hop.name, service: 'app' } }, LOG).objects;
    for (const o of [...kindObjects, ...(local as K8sObject[])]) {
      expect(validateAgainstCrd(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
    }
  });

  it('the check can fail: a misspelt field and a wrong type are named with their path', () => {
    expect(validateAgainstCrd({ apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'ClientTrafficPolicy', metadata: { name: 'x' }, spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'g' }], clientIPDetection: { xForwardedFor: { numTrustedHop: 1 } }, proxyProtocol: true } })).toEqual([
      { path: ['spec', 'clientIPDetection', 'xForwardedFor', 'numTrustedHop'], message: 'unknown field "numTrustedHop" (not in the CRD schema)' },
      { path: ['spec', 'proxyProtocol'], message: 'must be object' },
    ]);
  });
});
