// Bring your own gateway: a scenario hop names its own files. What the loader reads out of them (the settings
// the catalog models), and every kind of bad input reported with file, line and field, all at once.
import { describe, expect, it } from 'vitest';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadScenarioText } from '../../harness/scenario/load.ts';
import type { LocatedDiagnostic } from '../../harness/lib/diagnostics.ts';
import { userEnvoyGatewayObjects } from '../../harness/k8s/user-gateway.ts';
import { parseDuration } from '../../harness/gateway-config/envoy-gateway.ts';

const DIR = path.resolve(import.meta.dirname, '../fixtures/gateway-config');
const SCENARIO = path.join(DIR, 'byo.yaml');

function scenario(gatewayHop: Record<string, unknown>, front: Array<Record<string, unknown>> = [{ component: 'alb', settings: { targetType: 'ip', https: false } }]) {
  const doc = {
    apiVersion: 'exposure-lab.dev/v1alpha1',
    kind: 'Scenario',
    metadata: { name: 'byo', title: 't', description: 'd', tradeoffs: { waf: 'x', tls: 'x', certificates: 'x', podAwareRouting: 'x', redundancy: 'x' } },
    spec: { chain: [{ component: 'client' }, ...front, gatewayHop, { component: 'service', name: 'app' }] },
  };
  return loadScenarioText(stringify(doc), SCENARIO);
}
const errors = (ds: LocatedDiagnostic[]) => ds.filter((d) => d.severity === 'error');
const at = (d: LocatedDiagnostic) => `${path.basename(d.file)}:${d.line}:${d.column} ${d.field}: ${d.message}`;

describe('envoy-gateway: config.files instead of settings', () => {
  it('reads the settings the catalog models out of the policies, and keeps the objects for the run', () => {
    const r = scenario({ component: 'envoy-gateway', name: 'envoy', config: { files: ['base.yaml', 'policies.yaml'] } });
    expect(errors(r.diagnostics)).toEqual([]);
    const hop = r.scenario!.hops.find((h) => h.name === 'envoy')!;
    expect(hop.settings).toMatchObject({ trustedCidrs: ['10.0.0.0/8'], proxyProtocol: true, requestTimeoutS: 1.5, retry: { numRetries: 3, on: ['connect-failure', '5xx'], httpStatusCodes: [] }, useRemoteAddress: true, xffNumTrustedHops: 0 });
    expect(hop.userConfig?.objects.map((o) => o.object.kind)).toEqual(['Gateway', 'HTTPRoute', 'ClientTrafficPolicy', 'BackendTrafficPolicy']);
    expect(hop.userConfig?.listener).toEqual({ gateway: { name: 'edge' }, listener: 'http', port: 10080, probePath: '/api' });
    // What Envoy runs but the catalog does not model is said, at the field.
    const w = r.diagnostics.filter((d) => d.code === 'config-not-modeled').map(at);
    expect(w).toEqual([expect.stringMatching(/^policies\.yaml:14:3 ClientTrafficPolicy client-ip: spec\.timeout: timeout: run by Envoy as written/)]);
  });

  it('the scenario file changes its identity when a gateway file changes (regress sees it)', () => {
    const a = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml', 'policies.yaml'] } }).scenario!;
    const b = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml'] } }).scenario!;
    expect(a.sha256).not.toBe(b.sha256);
  });

  it('a setting the files decide, set in the scenario too: an error at the setting', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml'] }, settings: { xffNumTrustedHops: 1, capacityRpsPerReplica: 100 } });
    expect(errors(r.diagnostics).map((d) => `${d.field}: ${d.message}`)).toEqual(['spec.chain[2].settings.xffNumTrustedHops: xffNumTrustedHops is decided by the gateway files (config.files), not here']);
  });

  it('YAML that does not parse: file, line and column of the syntax error', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['broken-syntax.yaml'] } });
    const e = errors(r.diagnostics);
    expect(e).toHaveLength(1);
    expect(e[0]).toMatchObject({ code: 'yaml-syntax', file: expect.stringMatching(/broken-syntax\.yaml$/), field: '(syntax)' });
    expect(e[0].line).toBeGreaterThanOrEqual(7);
  });

  it('a missing file, an unknown kind and a field the CRD does not have: every problem at once, located', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['unknown-kind.yaml', 'nope.yaml'] } });
    expect(errors(r.diagnostics).map(at)).toEqual([
      expect.stringMatching(/^nope\.yaml:1:1 \(file\): no such file$/),
    ]);
    const r2 = scenario({ component: 'envoy-gateway', config: { files: ['unknown-kind.yaml'] } });
    expect(errors(r2.diagnostics).map(at)).toEqual([
      expect.stringMatching(/^unknown-kind\.yaml:2:1 Ingress old: kind: kind Ingress \(networking\.k8s\.io\/v1\) is not one Envoy Gateway's file provider reads$/),
      expect.stringMatching(/^unknown-kind\.yaml:17:7 Gateway edge: spec\.listeners\[0\]\.tls: must be object$/),
    ]);
  });

  it('a Gateway with no listener the chain can reach (HTTPS only): an error at its listeners', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['https-only.yaml'] } });
    expect(errors(r.diagnostics).map(at)).toEqual([expect.stringMatching(/^https-only\.yaml:7:3 Gateway edge: spec\.listeners: Gateway edge has no HTTP listener: the hops in front of the gateway speak plain HTTP/)]);
  });

  it('routes that do not attach to the Gateway: an error at its listener', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['no-route.yaml'] } });
    expect(errors(r.diagnostics).map(at)).toEqual([expect.stringMatching(/^no-route\.yaml:8:7 Gateway edge: spec\.listeners\[0\]: no HTTPRoute in the files attaches to Gateway edge listener http: every request would get 404/)]);
  });

  it('config.gateway naming a Gateway the files do not define: an error at config.gateway in the scenario', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml'], gateway: 'other' } });
    expect(errors(r.diagnostics).map((d) => `${path.basename(d.file)} ${d.field}: ${d.message}`)).toEqual(['byo.yaml spec.chain[2].config.gateway: no Envoy Gateway Gateway named other in the files']);
  });

  it('config on a component that reads no files is an unknown key', () => {
    const r = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml'] } }, [{ component: 'alb', config: { files: ['x'] } }]);
    expect(errors(r.diagnostics).some((d) => d.field === 'spec.chain[1].config')).toBe(true);
  });

  it('what the lab adds for the local run, and nothing else: Backend endpoints, the echo headers, a GatewayClass, the access log', () => {
    const hop = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml', 'policies.yaml'] } }).scenario!.hops[2];
    const r = userEnvoyGatewayObjects({ config: hop.userConfig!, endpoints: [{ host: '127.23.1.1', port: 4000 }], accessLogPath: '/w/a.log' });
    const byKind = (k: string) => r.objects.filter((o) => o.kind === k) as any[];
    expect(byKind('HTTPRoute')[0].spec.rules[0].backendRefs).toEqual([{ group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'app' }]);
    expect(byKind('Backend')).toEqual([{ apiVersion: 'gateway.envoyproxy.io/v1alpha1', kind: 'Backend', metadata: { name: 'app' }, spec: { endpoints: [{ ip: { address: '127.23.1.1', port: 4000 } }] } }]);
    expect(byKind('GatewayClass')[0].spec).toEqual({ controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' });
    expect(r.defaultEnvoyProxy).toBeDefined();
    // The user's policies are untouched.
    expect(byKind('ClientTrafficPolicy')[0]).toEqual(hop.userConfig!.objects[2].object);
    expect(byKind('BackendTrafficPolicy')[0]).toEqual(hop.userConfig!.objects[3].object);
    expect(r.added).toHaveLength(4);
    expect(r.port).toBe(10080);
    expect(r.probePath).toBe('/api');
  });

  it('numTrustedHops: 0 is read as Envoy Gateway v1.9.1 runs it (as 1), with a warning at the field', () => {
    const dir = path.join(DIR, 'zero-hops.yaml');
    const r = scenario({ component: 'envoy-gateway', config: { files: ['base.yaml', 'zero-hops.yaml'] } });
    expect(errors(r.diagnostics)).toEqual([]);
    expect(r.scenario!.hops[2].settings.xffNumTrustedHops).toBe(1);
    expect(r.diagnostics.filter((d) => d.code === 'eg-trusted-hops-zero').map(at)).toEqual([expect.stringMatching(/^zero-hops\.yaml:12:7 ClientTrafficPolicy client-ip: spec\.clientIPDetection\.xForwardedFor\.numTrustedHops: numTrustedHops: 0 does not mean "trust nothing"/)]);
    expect(dir).toBeTruthy();
  });

  it('durations as Envoy Gateway writes them', () => {
    expect(parseDuration('1500ms')).toBe(1.5);
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('soon')).toBeNull();
  });
});

describe('ingress-nginx: the controller ConfigMap', () => {
  it('maps the client-IP keys onto the nginx realization and reports every key it does not honour', () => {
    const r = scenario({ component: 'ingress-nginx', name: 'nginx', config: { files: ['nginx-configmap.yaml'] } }, [{ component: 'clb', settings: { listener: 'http' } }]);
    expect(errors(r.diagnostics)).toEqual([]);
    const hop = r.scenario!.hops.find((h) => h.name === 'nginx')!;
    expect(hop.settings).toMatchObject({ useForwardedHeaders: true, computeFullForwardedFor: true, proxyRealIpCidr: ['10.0.0.0/16', '172.16.0.0/12'] });
    expect(hop.userConfig?.nginxKeys?.map((k) => `${k.key}:${k.use}`)).toEqual([
      'use-forwarded-headers:mapped', 'proxy-real-ip-cidr:mapped', 'compute-full-forwarded-for:mapped', 'keep-alive-requests:not-honoured', 'enable-brotli:not-honoured', 'log-format-escape-json:no-effect-here',
    ]);
    const w = r.diagnostics.filter((d) => d.code === 'config-not-honoured').map(at);
    expect(w).toEqual([
      expect.stringMatching(/^nginx-configmap\.yaml:10:3 ConfigMap ingress-nginx-controller: data\.keep-alive-requests: keep-alive-requests: "1000" is not honoured/),
      expect.stringMatching(/^nginx-configmap\.yaml:11:3 ConfigMap ingress-nginx-controller: data\.enable-brotli: enable-brotli: "true" is not honoured/),
    ]);
    // Retired: every ingress-nginx hop says so, with the date and the source.
    expect(r.diagnostics.find((d) => d.code === 'ingress-nginx-retired')?.message).toMatch(/retired since March 2026.*kubernetes\.io\/blog\/2025\/11\/11\/ingress-nginx-retirement/);
  });

  it('a value the key cannot take: an error at the key', () => {
    const r = scenario({ component: 'ingress-nginx', config: { files: ['nginx-bad-value.yaml'] } }, [{ component: 'clb', settings: { listener: 'http' } }]);
    expect(errors(r.diagnostics).map(at)).toEqual([expect.stringMatching(/^nginx-bad-value\.yaml:6:3 ConfigMap ingress-nginx-controller: data\.use-forwarded-headers: use-forwarded-headers: "yes" is not "true" or "false"$/)]);
  });
});
