// Generated data-plane configs, checked structurally: nginx directives per settings variant, and the objects
// and configuration the lab feeds Envoy Gateway in standalone mode.
import { describe, expect, it } from 'vitest';
import type { GatewaySpec } from '../../harness/dataplanes/types.ts';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { ingressNginx } from '../../harness/catalog/components/ingress-nginx.ts';
import { renderNginxConfig } from '../../harness/dataplanes/nginx.ts';
import { envoyGatewayConfig, envoyGatewayDataPlane, envoyGatewayErrors, envoyGatewayResources, renderEnvoyGatewayResources } from '../../harness/dataplanes/envoy-gateway.ts';
import { GATEWAY_LISTENER } from '../../harness/k8s/envoy-gateway.ts';
import { resolveTrust } from '../../harness/dataplanes/trust.ts';
import { envoyVariants, nginxVariants } from '../fixtures/dataplanes/variants.ts';

const base = {
  listen: [{ host: '127.23.0.10', port: 8080 }, { host: '127.23.1.10', port: 8081 }],
  upstreams: [{ host: '127.23.0.20', port: 9000 }, { host: '127.23.2.20', port: 9001 }],
  networks: LOCAL_NETWORKS,
  workDir: '/tmp/lab-work',
};
const nginxSpec = (raw: object): GatewaySpec => ({ ...base, product: 'ingress-nginx', settings: ingressNginx.settings.parse(raw) });
const envoySpec = (raw: object): GatewaySpec => ({ ...base, product: 'envoy-gateway', settings: envoyGateway.settings.parse(raw) });
const lines = (text: string) => text.split('\n').map((l) => l.trim());

describe('nginx config (ingress-nginx template semantics)', () => {
  const render = (raw: object) => lines(renderNginxConfig(nginxSpec(raw), { runAsRoot: false, workers: 1 }));

  it('defaults: no realip, X-Forwarded-For and the gateway header are the socket peer, one server per replica', () => {
    const c = render({});
    expect(c.filter((l) => l.startsWith('real_ip_header') || l.startsWith('set_real_ip_from'))).toEqual([]);
    expect(c.filter((l) => l.startsWith('listen '))).toEqual(['listen 127.23.0.10:8080;', 'listen 127.23.1.10:8081;']);
    expect(c).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    expect(c).toContain('proxy_set_header X-Real-IP $remote_addr;');
    expect(c).toContain('proxy_set_header x-lab-gateway-client-ip $remote_addr;');
    expect(c.filter((l) => l.startsWith('server 127.'))).toEqual(['server 127.23.0.20:9000;', 'server 127.23.2.20:9001;']);
    expect(c).toContain('keepalive 64;');
    expect(c).not.toContain('user root;');
  });

  it('use-forwarded-headers: realip on the configured header, trusted CIDRs resolved from symbolic entries', () => {
    const c = render({ useForwardedHeaders: true, forwardedForHeader: 'X-Client-IP', proxyRealIpCidr: ['vpc', 'cloudfront', '10.0.0.0/16'] });
    expect(c).toContain('real_ip_header X-Client-IP;');
    expect(c).toContain('real_ip_recursive on;');
    expect(c.filter((l) => l.startsWith('set_real_ip_from'))).toEqual(['set_real_ip_from 127.16.0.0/13;', 'set_real_ip_from 127.30.0.0/16;', 'set_real_ip_from 10.0.0.0/16;']);
  });

  it('use-proxy-protocol: proxy_protocol on every listen and as the realip source, even with forwarded headers on', () => {
    const c = render({ useProxyProtocol: true, useForwardedHeaders: true });
    expect(c.filter((l) => l.startsWith('listen '))).toEqual(['listen 127.23.0.10:8080 proxy_protocol;', 'listen 127.23.1.10:8081 proxy_protocol;']);
    expect(c).toContain('real_ip_header proxy_protocol;');
    expect(c).toContain('set_real_ip_from 0.0.0.0/0;');
  });

  it('compute-full-forwarded-for appends the connection (or PROXY) address, not the realip result', () => {
    const c = render({ useForwardedHeaders: true, computeFullForwardedFor: true });
    expect(c).toContain('default "$http_x_forwarded_for, $realip_remote_addr";');
    expect(c).toContain('proxy_set_header X-Forwarded-For $lab_full_x_forwarded_for;');
    const pp = render({ useForwardedHeaders: true, computeFullForwardedFor: true, useProxyProtocol: true });
    expect(pp).toContain('default "$http_x_forwarded_for, $proxy_protocol_addr";');
    // ingress-nginx ignores compute-full-forwarded-for unless use-forwarded-headers is on.
    expect(render({ computeFullForwardedFor: true })).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
  });

  it('keeps every path inside the work directory and runs in the foreground', () => {
    const text = renderNginxConfig(nginxSpec({}), { runAsRoot: true, workers: 2 });
    expect(text).toMatch(/^daemon off;$/m);
    expect(text).toMatch(/^user root;$/m);
    expect(text).toMatch(/^worker_processes 2;$/m);
    const paths = [...text.matchAll(/\s(\/[\w./-]+)/g)].map((m) => m[1]);
    expect(paths.length).toBeGreaterThan(5);
    for (const p of paths) expect(p.startsWith('/tmp/lab-work/'), p).toBe(true);
  });

  it('refuses header names and addresses that would inject config', () => {
    expect(() => renderNginxConfig(nginxSpec({ useForwardedHeaders: true, forwardedForHeader: 'X-A; evil' }), { runAsRoot: false, workers: 1 })).toThrow(/header token/);
    expect(() => renderNginxConfig({ ...nginxSpec({}), listen: [{ host: '127.0.0.1;', port: 80 }] }, { runAsRoot: false, workers: 1 })).toThrow(/IPv4/);
  });

  it.each(nginxVariants().map((v) => [v.label, v.settings] as const))('renders %s', (_label, settings) => {
    const c = lines(renderNginxConfig({ ...base, product: 'ingress-nginx', settings }, { runAsRoot: false, workers: 1 }));
    expect(c.filter((l) => l.startsWith('listen ')).length).toBe(2);
    expect(c.filter((l) => l.startsWith('real_ip_header')).length).toBe(settings.useForwardedHeaders || settings.useProxyProtocol ? 1 : 0);
  });
});

describe('Envoy Gateway standalone: the objects and its own configuration', () => {
  const spec = (raw: object): GatewaySpec => ({ ...envoySpec(raw), run: { id: 'r1', scenario: 's1', hop: 'envoy', service: 'app' } });
  const objects = (raw: object) => envoyGatewayResources(spec(raw), '/tmp/lab-work/access.log').objects as Array<{ kind: string; metadata: { name: string; namespace?: string }; spec: any }>;
  const byKind = (raw: object, kind: string) => objects(raw).filter((o) => o.kind === kind);

  it('defaults: GatewayClass -> EnvoyProxy, one HTTP Gateway listener on the lab port, the route to Backend endpoints (every service pod)', () => {
    const o = objects({});
    expect(o.map((x) => x.kind)).toEqual(['GatewayClass', 'EnvoyProxy', 'Gateway', 'HTTPRoute', 'Backend']);
    const [gw] = byKind({}, 'Gateway');
    expect(gw.spec.listeners).toEqual([{ name: 'http', protocol: 'HTTP', port: GATEWAY_LISTENER.port, allowedRoutes: { namespaces: { from: 'Same' } } }]);
    const [be] = byKind({}, 'Backend');
    expect(be.spec.endpoints).toEqual(base.upstreams.map((u) => ({ ip: { address: u.host, port: u.port } })));
    const [route] = byKind({}, 'HTTPRoute');
    expect(route.spec.rules[0].backendRefs).toEqual([{ group: 'gateway.envoyproxy.io', kind: 'Backend', name: 'app' }]);
    // No Kubernetes provider settings locally: there is no cluster.
    expect(byKind({}, 'EnvoyProxy')[0].spec.provider).toBeUndefined();
    expect(byKind({}, 'EnvoyProxy')[0].spec.telemetry.accessLog.settings[0].sinks).toEqual([{ type: 'File', file: { path: '/tmp/lab-work/access.log' } }]);
  });

  it('ClientTrafficPolicy carries the client-IP settings in Envoy Gateway v1.9 field names', () => {
    expect(byKind({}, 'ClientTrafficPolicy')).toEqual([]);
    expect(byKind({ xffNumTrustedHops: 2 }, 'ClientTrafficPolicy')[0].spec.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 2 } });
    expect(byKind({ trustedCidrs: ['vpc', '10.1.0.0/16'] }, 'ClientTrafficPolicy')[0].spec.clientIPDetection).toEqual({ xForwardedFor: { trustedCIDRs: [...LOCAL_NETWORKS.vpc, '10.1.0.0/16'] } });
    expect(byKind({ clientIpHeader: 'X-Client-IP' }, 'ClientTrafficPolicy')[0].spec.clientIPDetection).toEqual({ customHeader: { name: 'X-Client-IP', failClosed: false } });
    const pp = byKind({ proxyProtocol: true }, 'ClientTrafficPolicy')[0].spec;
    expect(pp.proxyProtocol).toEqual({});
    expect(pp.enableProxyProtocol).toBeUndefined();
  });

  it('BackendTrafficPolicy only where the hop sets a timeout or retries', () => {
    expect(byKind({}, 'BackendTrafficPolicy')).toEqual([]);
    const [btp] = byKind({ requestTimeoutS: 1.5, retry: { numRetries: 3 } }, 'BackendTrafficPolicy');
    expect(btp.spec.timeout).toEqual({ http: { requestTimeout: '1500ms' } });
    expect(btp.spec.retry).toEqual({ numRetries: 3, retryOn: { triggers: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'], httpStatusCodes: [503] } });
  });

  it('every replica shares the Gateway listener port (one Envoy binds 0.0.0.0)', () => {
    expect(envoyGatewayDataPlane.sharedPort!({ product: 'envoy-gateway', settings: envoyGateway.settings.parse({}) })).toBe(GATEWAY_LISTENER.port);
  });

  it('useRemoteAddress: false has no Envoy Gateway form: supports() says so', () => {
    const sup = envoyGatewayDataPlane.supports({ product: 'envoy-gateway', settings: envoyGateway.settings.parse({ useRemoteAddress: false }) });
    expect(sup.ok).toBe(false);
    expect(envoyGatewayDataPlane.supports({ product: 'ingress-nginx', settings: {} }).ok).toBe(false);
  });

  it('its own configuration: file resources, host infrastructure, every path given, Backend turned on', () => {
    const c = envoyGatewayConfig({ resourcesDir: '/w/res', configHome: '/w/config', dataHome: '/d', stateHome: '/w/state', runtimeDir: '/w/run' }) as any;
    expect(c.kind).toBe('EnvoyGateway');
    expect(c.provider.custom.resource).toEqual({ type: 'File', file: { paths: ['/w/res'] } });
    expect(c.provider.custom.infrastructure).toEqual({ type: 'Host', host: { configHome: '/w/config', dataHome: '/d', stateHome: '/w/state', runtimeDir: '/w/run' } });
    expect(c.extensionApis).toEqual({ enableBackend: true });
  });

  it('renders every gateway variant (scenario hops and facts rows) without throwing', () => {
    for (const v of envoyVariants()) expect(() => renderEnvoyGatewayResources({ ...spec({}), settings: v.settings })).not.toThrow();
  });

  it("reads Envoy Gateway's own error lines out of its log", () => {
    const log = [
      '2026-11-30T05:27:28.300Z\tinfo\tcmd/server.go:69\tStart runners',
      '2026-11-30T05:27:29.000Z\terror\tprovider\tfile/file.go:100\tfailed to load resources\t{"err": "bad"}',
      '2026-11-30T05:27:29.000Z\terror\tprovider\tfile/file.go:100\tfailed to load resources\t{"err": "bad"}',
    ].join('\n');
    expect(envoyGatewayErrors(log)).toEqual(['failed to load resources {"err": "bad"}']);
  });
});

describe('trust resolution', () => {
  it('resolves symbolic trust entries through the network map and dedupes', () => {
    expect(resolveTrust(['vpc', '127.16.0.0/13', '10.1.2.3'], LOCAL_NETWORKS)).toEqual(['127.16.0.0/13', '10.1.2.3/32']);
    expect(resolveTrust(['cloudfront'], { ...LOCAL_NETWORKS, cloudfront: ['10.9.0.0/16', '10.8.0.0/16'] })).toEqual(['10.9.0.0/16', '10.8.0.0/16']);
  });
});
