// A strict schema for the subset of the Envoy v3 bootstrap the lab emits. Envoy is not installed everywhere
// the lab runs, so the generated config is checked structurally: field names and @type URLs follow the
// Envoy v3 API reference (config.bootstrap.v3.Bootstrap, HttpConnectionManager, proxy_protocol listener
// filter, original_ip_detection custom_header / xff, router). Unknown keys are errors: a misspelt field
// would otherwise be caught only by a real `envoy --mode validate`.
import { z } from 'zod';

export const TYPE_URLS = {
  hcm: 'type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager',
  proxyProtocol: 'type.googleapis.com/envoy.extensions.filters.listener.proxy_protocol.v3.ProxyProtocol',
  customHeader: 'type.googleapis.com/envoy.extensions.http.original_ip_detection.custom_header.v3.CustomHeaderConfig',
  xff: 'type.googleapis.com/envoy.extensions.http.original_ip_detection.xff.v3.XffConfig',
  router: 'type.googleapis.com/envoy.extensions.filters.http.router.v3.Router',
} as const;

const ipv4 = z.string().regex(/^\d{1,3}(\.\d{1,3}){3}$/);
const socketAddress = z.strictObject({ socket_address: z.strictObject({ address: ipv4, port_value: z.number().int().min(1).max(65535) }) });
const duration = z.string().regex(/^\d+(\.\d+)?s$/);

const customHeaderExt = z.strictObject({
  name: z.literal('envoy.http.original_ip_detection.custom_header'),
  typed_config: z.strictObject({
    '@type': z.literal(TYPE_URLS.customHeader),
    header_name: z.string().regex(/^[a-z0-9!#$%&'*+.^_`|~-]+$/, 'lower-case HTTP header token'),
    allow_extension_to_set_address_as_trusted: z.boolean().optional(),
  }),
});

const xffExt = z.strictObject({
  name: z.literal('envoy.http.original_ip_detection.xff'),
  typed_config: z.strictObject({
    '@type': z.literal(TYPE_URLS.xff),
    xff_num_trusted_hops: z.number().int().min(0).optional(),
    skip_xff_append: z.boolean().optional(),
    xff_trusted_cidrs: z
      .strictObject({
        // No `recurse`: Envoy 1.39 (the pinned one) does not know it and rejects the config.
        cidrs: z.array(z.strictObject({ address_prefix: ipv4, prefix_len: z.number().int().min(0).max(32) })).min(1),
      })
      .optional(),
  }),
});

const headerValueOption = z.strictObject({
  header: z.strictObject({ key: z.string().min(1), value: z.string() }),
  append_action: z.enum(['APPEND_IF_EXISTS_OR_ADD', 'ADD_IF_ABSENT', 'OVERWRITE_IF_EXISTS_OR_ADD', 'OVERWRITE_IF_EXISTS']).optional(),
});

const hcm = z
  .strictObject({
    '@type': z.literal(TYPE_URLS.hcm),
    stat_prefix: z.string().min(1),
    codec_type: z.enum(['AUTO', 'HTTP1', 'HTTP2']).optional(),
    use_remote_address: z.boolean().optional(),
    xff_num_trusted_hops: z.number().int().min(0).optional(),
    original_ip_detection_extensions: z.array(z.union([customHeaderExt, xffExt])).optional(),
    route_config: z.strictObject({
      name: z.string().min(1),
      virtual_hosts: z
        .array(
          z.strictObject({
            name: z.string().min(1),
            domains: z.array(z.string()).min(1),
            routes: z.array(z.strictObject({ match: z.strictObject({ prefix: z.string() }), route: z.strictObject({ cluster: z.string().min(1) }) })).min(1),
            request_headers_to_add: z.array(headerValueOption).optional(),
          }),
        )
        .min(1),
    }),
    http_filters: z.array(z.strictObject({ name: z.string(), typed_config: z.strictObject({ '@type': z.string() }) })).min(1),
  })
  // Envoy's own config checks (HttpConnectionManagerConfig): these combinations fail at load time.
  .refine((h) => !(h.original_ip_detection_extensions?.length && h.use_remote_address), 'Original IP detection extensions and use_remote_address may not be mixed')
  .refine((h) => !(h.original_ip_detection_extensions?.length && (h.xff_num_trusted_hops ?? 0) > 0), 'Original IP detection extensions and xff_num_trusted_hops may not be mixed')
  .refine((h) => h.http_filters[h.http_filters.length - 1].name === 'envoy.filters.http.router' && h.http_filters[h.http_filters.length - 1].typed_config['@type'] === TYPE_URLS.router, 'the router filter must be the last HTTP filter');

const listener = z.strictObject({
  name: z.string().min(1),
  address: socketAddress,
  listener_filters: z
    .array(z.strictObject({ name: z.literal('envoy.filters.listener.proxy_protocol'), typed_config: z.strictObject({ '@type': z.literal(TYPE_URLS.proxyProtocol) }) }))
    .optional(),
  filter_chains: z
    .array(z.strictObject({ filters: z.array(z.strictObject({ name: z.literal('envoy.filters.network.http_connection_manager'), typed_config: hcm })).length(1) }))
    .length(1),
});

const cluster = z.strictObject({
  name: z.string().min(1),
  type: z.literal('STATIC'),
  connect_timeout: duration,
  lb_policy: z.literal('ROUND_ROBIN'),
  // config.core.v3.BindConfig: the source address of upstream connections (port 0: any).
  upstream_bind_config: z.strictObject({ source_address: z.strictObject({ address: ipv4, port_value: z.literal(0) }) }).optional(),
  load_assignment: z.strictObject({
    cluster_name: z.string().min(1),
    endpoints: z.array(z.strictObject({ lb_endpoints: z.array(z.strictObject({ endpoint: z.strictObject({ address: socketAddress }) })).min(1) })).length(1),
  }),
});

export const envoyBootstrapSchema = z
  .strictObject({
    node: z.strictObject({ id: z.string().min(1), cluster: z.string().min(1) }),
    static_resources: z.strictObject({ listeners: z.array(listener).min(1), clusters: z.array(cluster).min(1) }),
  })
  .refine((b) => b.static_resources.listeners.every((l) => l.filter_chains[0].filters[0].typed_config.route_config.virtual_hosts.every((v) => v.routes.every((r) => b.static_resources.clusters.some((c) => c.name === r.route.cluster)))), 'every route names a defined cluster')
  .refine((b) => new Set(b.static_resources.listeners.map((l) => l.name)).size === b.static_resources.listeners.length, 'listener names are unique');

export type EnvoyBootstrap = z.infer<typeof envoyBootstrapSchema>;
