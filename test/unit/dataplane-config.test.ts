// Generated data-plane configs, checked structurally: nginx and HAProxy directives per settings variant, and
// the Envoy v3 bootstrap against a strict schema of the subset the lab emits.
import { describe, expect, it } from 'vitest';
import type { GatewaySpec } from '../../harness/dataplanes/types.ts';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { ingressNginx } from '../../harness/catalog/components/ingress-nginx.ts';
import { renderNginxConfig } from '../../harness/dataplanes/nginx.ts';
import { haproxySupports, renderHaproxyConfig } from '../../harness/dataplanes/haproxy.ts';
import { buildEnvoyBootstrap, renderEnvoyConfig } from '../../harness/dataplanes/envoy.ts';
import { envoyBootstrapSchema, TYPE_URLS } from '../../harness/dataplanes/envoy-schema.ts';
import { envoyHcmPlan } from '../../harness/dataplanes/envoy-plan.ts';
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

describe('HAProxy config (standing in for Envoy)', () => {
  const render = (raw: object) => lines(renderHaproxyConfig(envoySpec(raw)));

  it('default: client = src, appends src to X-Forwarded-For, one bind per replica', () => {
    const c = render({});
    expect(c.filter((l) => l.startsWith('bind '))).toEqual(['bind 127.23.0.10:8080 name replica0', 'bind 127.23.1.10:8081 name replica1']);
    expect(c).toContain('http-request set-var(txn.lab_client) src');
    expect(c.some((l) => l.includes('hdr_ip'))).toBe(false);
    expect(c).toContain('option forwardfor');
    expect(c).toContain('http-request set-header x-lab-gateway-client-ip %[var(txn.lab_client)]');
  });

  it('N trusted hops: Nth entry from the right when there are at least N, else src', () => {
    const c = render({ xffNumTrustedHops: 2 });
    expect(c).toContain('acl lab_xff_enough req.hdr_cnt(x-forwarded-for) ge 2');
    expect(c).toContain('http-request set-var(txn.lab_client) req.hdr_ip(x-forwarded-for,-2) if lab_xff_enough lab_xff_is_ip');
  });

  it('use_remote_address false: (N+1)th from the right and no append', () => {
    const c = render({ useRemoteAddress: false, xffNumTrustedHops: 1 });
    expect(c.some((l) => l.includes('req.hdr_ip(x-forwarded-for,-2)'))).toBe(true);
    expect(c).not.toContain('option forwardfor');
  });

  it('PROXY: accept-proxy on every bind', () => {
    expect(render({ proxyProtocol: true }).filter((l) => l.startsWith('bind ')).every((l) => l.endsWith(' accept-proxy'))).toBe(true);
  });

  it('custom header: first header line as a whole, only when it is one address; no append', () => {
    const c = render({ clientIpHeader: 'X-Client-IP' });
    expect(c.some((l) => l.startsWith('http-request set-var(txn.lab_client) req.fhdr(x-client-ip,1) if'))).toBe(true);
    expect(c).not.toContain('option forwardfor');
  });

  it('trusted CIDRs are not expressible: supports() says no and rendering refuses', () => {
    const sup = haproxySupports({ product: 'envoy-gateway', settings: envoyGateway.settings.parse({ trustedCidrs: ['vpc'] }) });
    expect(sup.ok).toBe(false);
    expect(() => renderHaproxyConfig(envoySpec({ trustedCidrs: ['vpc'] }))).toThrow(/trusted CIDRs|X-Forwarded-For/);
    expect(haproxySupports({ product: 'ingress-nginx', settings: {} }).ok).toBe(false);
  });

  it('each replica connects to the service pods from its own pod address (the pods see which AZ a request came from)', () => {
    const c = renderHaproxyConfig(envoySpec({}));
    expect(c).toMatch(/use_backend lab_service_r0 if \{ so_name replica0 \}/);
    expect(c).toMatch(/use_backend lab_service_r1 if \{ so_name replica1 \}/);
    const backends = c.split(/\n(?=backend )/).slice(1);
    expect(backends.map((b) => /source (\S+)/.exec(b)?.[1])).toEqual(['127.23.0.10', '127.23.1.10']);
    for (const b of backends) expect(b.match(/server pod\d/g)).toHaveLength(2);
  });
});

describe('Envoy v3 bootstrap', () => {
  it.each(envoyVariants().map((v) => [v.label, v.settings] as const))('%s: valid against the bootstrap schema', (_label, settings) => {
    const spec: GatewaySpec = { ...base, product: 'envoy-gateway', settings };
    const parsed = envoyBootstrapSchema.safeParse(JSON.parse(renderEnvoyConfig(spec)));
    expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues, null, 1)).toBe(true);
    const b = buildEnvoyBootstrap(spec);
    expect(b.static_resources.listeners.map((l) => l.address.socket_address)).toEqual([
      { address: '127.23.0.10', port_value: 8080 },
      { address: '127.23.1.10', port_value: 8081 },
    ]);
    for (const l of b.static_resources.listeners) {
      expect(l.listener_filters?.[0]?.typed_config['@type']).toBe(settings.proxyProtocol ? TYPE_URLS.proxyProtocol : undefined);
      const hcm = l.filter_chains[0].filters[0].typed_config;
      const plan = envoyHcmPlan(settings);
      expect(hcm.use_remote_address).toBe(plan.useRemoteAddress);
      expect(hcm.xff_num_trusted_hops ?? 0).toBe(plan.xffNumTrustedHops);
      const hdr = hcm.route_config.virtual_hosts[0].request_headers_to_add?.[0];
      expect(hdr).toEqual({ header: { key: 'x-lab-gateway-client-ip', value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' });
    }
    expect(b.static_resources.clusters[0].load_assignment.endpoints[0].lb_endpoints).toHaveLength(2);
    // One cluster per replica, bound to the replica's own address, and each listener routes to its own.
    expect(b.static_resources.clusters.map((c) => c.upstream_bind_config?.source_address.address)).toEqual(['127.23.0.10', '127.23.1.10']);
    expect(b.static_resources.listeners.map((l) => l.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts[0].routes[0].route.cluster)).toEqual(['lab_service_r0', 'lab_service_r1']);
  });

  it('custom header: the custom_header extension with use_remote_address off (Envoy rejects the mix)', () => {
    const hcm = buildEnvoyBootstrap(envoySpec({ clientIpHeader: 'X-Client-IP' })).static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    expect(hcm.use_remote_address).toBe(false);
    expect(hcm.original_ip_detection_extensions).toEqual([
      { name: 'envoy.http.original_ip_detection.custom_header', typed_config: { '@type': TYPE_URLS.customHeader, header_name: 'x-client-ip' } },
    ]);
  });

  it('trusted CIDRs: the xff extension with resolved CIDRs (Envoy 1.39 walks past every trusted entry itself)', () => {
    const hcm = buildEnvoyBootstrap(envoySpec({ trustedCidrs: ['vpc', 'lattice'] })).static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    expect(hcm.original_ip_detection_extensions?.[0]).toEqual({
      name: 'envoy.http.original_ip_detection.xff',
      typed_config: {
        '@type': TYPE_URLS.xff,
        xff_trusted_cidrs: { cidrs: [{ address_prefix: '127.16.0.0', prefix_len: 13 }, { address_prefix: '127.254.171.0', prefix_len: 24 }] },
        skip_xff_append: false,
      },
    });
  });

  it('the schema rejects what Envoy would reject or misread', () => {
    const good = JSON.parse(renderEnvoyConfig(envoySpec({ clientIpHeader: 'X-Client-IP' })));
    const hcmOf = (b: any) => b.static_resources.listeners[0].filter_chains[0].filters[0].typed_config;
    const mixed = structuredClone(good);
    hcmOf(mixed).use_remote_address = true;
    expect(envoyBootstrapSchema.safeParse(mixed).success).toBe(false);
    const misspelt = structuredClone(good);
    hcmOf(misspelt).xff_num_trusted_hop = 1;
    expect(envoyBootstrapSchema.safeParse(misspelt).success).toBe(false);
    const wrongType = structuredClone(good);
    hcmOf(wrongType)['@type'] = 'type.googleapis.com/envoy.config.filter.network.http_connection_manager.v2.HttpConnectionManager';
    expect(envoyBootstrapSchema.safeParse(wrongType).success).toBe(false);
    const noRouter = structuredClone(good);
    hcmOf(noRouter).http_filters = [{ name: 'envoy.filters.http.cors', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.Cors' } }];
    expect(envoyBootstrapSchema.safeParse(noRouter).success).toBe(false);
    const danglingRoute = structuredClone(good);
    hcmOf(danglingRoute).route_config.virtual_hosts[0].routes[0].route.cluster = 'nowhere';
    expect(envoyBootstrapSchema.safeParse(danglingRoute).success).toBe(false);
    expect(envoyBootstrapSchema.safeParse(good).success).toBe(true);
  });
});

describe('HCM plan (Envoy Gateway translation) and trust resolution', () => {
  it('maps settings to Envoy options', () => {
    const p = (raw: object) => envoyHcmPlan(envoyGateway.settings.parse(raw));
    expect(p({})).toMatchObject({ useRemoteAddress: true, xffNumTrustedHops: 0, xffSkipFromRight: null, appendXff: true });
    expect(p({ xffNumTrustedHops: 2 })).toMatchObject({ useRemoteAddress: true, xffSkipFromRight: 1, appendXff: true });
    expect(p({ useRemoteAddress: false, xffNumTrustedHops: 1 })).toMatchObject({ useRemoteAddress: false, xffSkipFromRight: 1, appendXff: false });
    expect(p({ clientIpHeader: 'X-Client-IP', xffNumTrustedHops: 3 })).toMatchObject({ useRemoteAddress: false, xffNumTrustedHops: 0, customHeader: 'X-Client-IP' });
  });

  it('resolves symbolic trust entries through the network map and dedupes', () => {
    expect(resolveTrust(['vpc', '127.16.0.0/13', '10.1.2.3'], LOCAL_NETWORKS)).toEqual(['127.16.0.0/13', '10.1.2.3/32']);
    expect(resolveTrust(['cloudfront'], { ...LOCAL_NETWORKS, cloudfront: ['10.9.0.0/16', '10.8.0.0/16'] })).toEqual(['10.9.0.0/16', '10.8.0.0/16']);
  });
});
