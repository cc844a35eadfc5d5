// A user's own Envoy Gateway configuration (a scenario hop's `config.files`), prepared for the local run: the
// objects unchanged, plus only what connects them to the lab's chain and what the lab measures with, each
// addition listed for the report:
//  - Service backendRefs of the routes become Envoy Gateway Backend references, and a Backend per Service
//    lists the lab's service pods (loopback addresses): there are no Services without a cluster;
//  - on the routes attached to the Gateway, the two request headers the lab's echo reads (the client address
//    Envoy settled on; the replica address the request arrived on);
//  - a GatewayClass for the Gateway's class when the files do not define one (a cluster has it installed);
//  - Envoy's access log (the gateway's own time): in Envoy Gateway's default EnvoyProxy (its own
//    configuration, not the user's files) when the Gateway has no EnvoyProxy, else appended to the user's
//    EnvoyProxy's access-log settings (theirs kept). Pure.
import type { UserGatewayConfig } from '../gateway-config/types.ts';
import { ENVOY_ACCESS_LOG_FIELDS, ENVOY_GATEWAY_CONTROLLER } from './envoy-gateway.ts';
import { dnsName } from './names.ts';
import { GATEWAY_CLIENT_HEADER, GATEWAY_REPLICA_HEADER } from '../catalog/headers.ts';

export interface UserGatewayObjects {
  objects: Array<Record<string, unknown>>;
  /** What the lab added or changed, one line each (the report's "added by the lab"). */
  added: string[];
  port: number;
  hostHeader?: string;
  probePath: string;
  /** Envoy Gateway's default EnvoyProxy spec (its own configuration), when the access log goes there. */
  defaultEnvoyProxy?: Record<string, unknown>;
}

const DEFAULT_NS = 'envoy-gateway-system';

/** Headers the lab's echo reads, as the lab's own HTTPRoute sets them (k8s/envoy-gateway.ts). */
const LAB_HEADERS: Array<[string, string]> = [
  [GATEWAY_CLIENT_HEADER, '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%'],
  [GATEWAY_REPLICA_HEADER, '%DOWNSTREAM_LOCAL_ADDRESS_WITHOUT_PORT%'],
];

export function accessLogSetting(path: string): Record<string, unknown> {
  return { format: { type: 'JSON', json: { ...ENVOY_ACCESS_LOG_FIELDS } }, sinks: [{ type: 'File', file: { path } }] };
}

export function userEnvoyGatewayObjects(o: { config: UserGatewayConfig; endpoints: Array<{ host: string; port: number }>; accessLogPath: string }): UserGatewayObjects {
  const l = o.config.listener;
  if (!l) throw new Error('the gateway files were not read for Envoy Gateway (no listener chosen)');
  const objects = o.config.objects.map((x) => structuredClone(x.object) as Record<string, any>);
  const added: string[] = [];
  const nsOf = (x: Record<string, any>) => (x.metadata?.namespace as string | undefined) ?? DEFAULT_NS;
  const userBackends = new Set(objects.filter((x) => x.kind === 'Backend').map((x) => `${nsOf(x)}/${x.metadata.name}`));

  // Service backendRefs -> Backend endpoints of the lab's service pods.
  const backends = new Map<string, { namespace?: string; name: string; service: string }>();
  for (const r of objects.filter((x) => x.kind === 'HTTPRoute' || x.kind === 'GRPCRoute')) {
    for (const rule of r.spec?.rules ?? []) {
      for (const b of rule.backendRefs ?? []) {
        if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '') continue;
        const ns: string | undefined = b.namespace ?? r.metadata.namespace;
        let name = b.name as string;
        if (userBackends.has(`${ns ?? DEFAULT_NS}/${name}`)) name = dnsName(['lab', name]);
        const key = `${ns ?? DEFAULT_NS}/${name}`;
        if (!backends.has(key)) backends.set(key, { namespace: ns, name, service: b.name });
        b.group = 'gateway.envoyproxy.io';
        b.kind = 'Backend';
        b.name = name;
        delete b.port;
      }
    }
  }
  for (const b of backends.values()) {
    objects.push({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'Backend',
      metadata: { name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}) },
      spec: { endpoints: o.endpoints.map((e) => ({ ip: { address: e.host, port: e.port } })) },
    });
    added.push(`Service backendRefs to ${b.service} now name Envoy Gateway Backend ${b.namespace ? `${b.namespace}/` : ''}${b.name}, which lists the lab's service pods (${o.endpoints.map((e) => `${e.host}:${e.port}`).join(', ')})`);
  }

  // What the lab's echo reads (as the lab's own objects set it): the client address Envoy settled on, and the
  // gateway address the request arrived on, on every rule of the routes attached to the Gateway. Gateway API
  // allows one RequestHeaderModifier per rule: the lab's headers join an existing one.
  const gwName = l.gateway.name;
  let rules = 0;
  for (const r of objects.filter((x) => x.kind === 'HTTPRoute' && (x.spec?.parentRefs ?? []).some((p: { name?: string }) => p.name === gwName))) {
    for (const rule of r.spec?.rules ?? []) {
      const filters: Array<Record<string, any>> = (rule.filters ??= []);
      let mod = filters.find((f) => f.type === 'RequestHeaderModifier');
      if (!mod) {
        mod = { type: 'RequestHeaderModifier', requestHeaderModifier: {} };
        filters.push(mod);
      }
      const set: Array<{ name: string; value: string }> = ((mod.requestHeaderModifier ??= {}).set ??= []);
      for (const [name, value] of LAB_HEADERS) {
        const i = set.findIndex((h) => h.name.toLowerCase() === name);
        if (i >= 0) set.splice(i, 1);
        set.push({ name, value });
      }
      rules++;
    }
  }
  if (rules) added.push(`on ${rules} route rule(s) attached to Gateway ${gwName}, a RequestHeaderModifier sets ${LAB_HEADERS.map(([n, v]) => `${n}: ${v}`).join(' and ')} (for the lab's echo: the client address Envoy settled on, and which replica address the request arrived on)`);

  // The Gateway's class, when the files rely on one installed in the cluster.
  const gw = objects.find((x) => x.kind === 'Gateway' && x.metadata.name === l.gateway.name && nsOf(x) === (l.gateway.namespace ?? DEFAULT_NS))!;
  const className: string = gw.spec.gatewayClassName;
  let gc = objects.find((x) => x.kind === 'GatewayClass' && x.metadata.name === className);
  if (!gc) {
    gc = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: className }, spec: { controllerName: ENVOY_GATEWAY_CONTROLLER } };
    objects.push(gc);
    added.push(`GatewayClass ${className} (controllerName ${ENVOY_GATEWAY_CONTROLLER}): the files use it without defining it, as a cluster with Envoy Gateway installed has it`);
  }

  // Envoy's access log.
  const ref = gw.spec.infrastructure?.parametersRef ?? gc.spec.parametersRef;
  const ep = ref?.kind === 'EnvoyProxy' ? objects.find((x) => x.kind === 'EnvoyProxy' && x.metadata.name === ref.name && nsOf(x) === (ref.namespace ?? nsOf(gw))) : undefined;
  let defaultEnvoyProxy: Record<string, unknown> | undefined;
  if (ep) {
    const al = ((ep.spec ??= {}).telemetry ??= {}).accessLog ??= {};
    if (al.disable) {
      added.push(`nothing for Envoy's own time: EnvoyProxy ${ep.metadata.name} disables the access log (telemetry.accessLog.disable), so the gateway's own time is not measured`);
    } else {
      (al.settings ??= []).push(accessLogSetting(o.accessLogPath));
      added.push(`an access-log setting appended to EnvoyProxy ${ep.metadata.name} spec.telemetry.accessLog.settings (yours kept): JSON to a file of the run, for the gateway's own time per request`);
    }
  } else {
    defaultEnvoyProxy = { telemetry: { accessLog: { settings: [accessLogSetting(o.accessLogPath)] } } };
    added.push(`Envoy's access log (JSON to a file of the run) in Envoy Gateway's default EnvoyProxy (its own configuration, not your files): the Gateway has no EnvoyProxy of its own`);
  }
  return { objects, added, port: l.port, ...(l.hostHeader ? { hostHeader: l.hostHeader } : {}), probePath: l.probePath, ...(defaultEnvoyProxy ? { defaultEnvoyProxy } : {}) };
}
