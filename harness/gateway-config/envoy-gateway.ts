// Reading a user's Envoy Gateway files: known kinds only (what Envoy Gateway v1.9.1's file provider loads), each
// object against the pinned CRD when installed, then the Gateway listener the lab's chain reaches, the routes
// attached to it, and the settings the catalog models read out of the policies (ClientTrafficPolicy client-IP
// detection and PROXY, BackendTrafficPolicy timeout and retry, EnvoyProxy replicas). What the catalog does not
// model is still run by Envoy as written; the warnings say which fields plan and the model leave out.
import { validateAgainstCrd } from '../tools/crds.ts';
import type { AtConfig, AtObject, HopConfigDoc, ReaderResult } from './types.ts';
import type { ChosenListener, LocatedObject } from './types.ts';

/** Envoy Gateway puts objects without a namespace here (its config.DefaultNamespace). */
export const EG_DEFAULT_NAMESPACE = 'envoy-gateway-system';
export const EG_CONTROLLER = 'gateway.envoyproxy.io/gatewayclass-controller';

/** apiVersion/kind pairs Envoy Gateway v1.9.1's file provider loads (internal/gatewayapi/resource/load.go). */
export const KNOWN_KINDS: Record<string, string[]> = {
  GatewayClass: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  Gateway: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  HTTPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  GRPCRoute: ['gateway.networking.k8s.io/v1'],
  TLSRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2', 'gateway.networking.k8s.io/v1alpha3'],
  TCPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2'],
  UDPRoute: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha2'],
  ReferenceGrant: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1beta1'],
  BackendTLSPolicy: ['gateway.networking.k8s.io/v1', 'gateway.networking.k8s.io/v1alpha3'],
  EnvoyProxy: ['gateway.envoyproxy.io/v1alpha1'],
  ClientTrafficPolicy: ['gateway.envoyproxy.io/v1alpha1'],
  BackendTrafficPolicy: ['gateway.envoyproxy.io/v1alpha1'],
  SecurityPolicy: ['gateway.envoyproxy.io/v1alpha1'],
  EnvoyPatchPolicy: ['gateway.envoyproxy.io/v1alpha1'],
  EnvoyExtensionPolicy: ['gateway.envoyproxy.io/v1alpha1'],
  HTTPRouteFilter: ['gateway.envoyproxy.io/v1alpha1'],
  Backend: ['gateway.envoyproxy.io/v1alpha1'],
  Namespace: ['v1'],
  Service: ['v1'],
  Secret: ['v1'],
  ConfigMap: ['v1'],
};

const nsOf = (o: LocatedObject) => o.object.metadata.namespace ?? EG_DEFAULT_NAMESPACE;
const spec = (o: LocatedObject) => (o.object.spec ?? {}) as Record<string, any>;

/** "1h2m3s500ms" (Gateway API / Envoy Gateway duration) as seconds, or null. */
export function parseDuration(d: unknown): number | null {
  if (typeof d !== 'string' || !/^([0-9]{1,5}(h|m|s|ms))+$/.test(d)) return null;
  let s = 0;
  for (const m of d.matchAll(/([0-9]+)(h|ms|m|s)/g)) s += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001 }[m[2] as 'h' | 'm' | 's' | 'ms'];
  return s;
}

/** A Host header that matches a route or listener hostname ("*.example.com" -> "lab.example.com"). */
export function hostFor(hostname: string): string {
  return hostname.startsWith('*.') ? `lab.${hostname.slice(2)}` : hostname;
}

interface TargetRef {
  group?: string;
  kind?: string;
  name?: string;
  sectionName?: string;
}

const refsOf = (o: LocatedObject): TargetRef[] => (Array.isArray(spec(o).targetRefs) ? spec(o).targetRefs : spec(o).targetRef ? [spec(o).targetRef] : []);

export function readEnvoyGatewayFiles(objects: LocatedObject[], cfg: HopConfigDoc, at: { object: AtObject; config: AtConfig }): ReaderResult {
  const settings: Record<string, unknown> = {};
  const none: ReaderResult = { settings, config: {} };

  // 1. Known kinds, the CRD schema, duplicates.
  const seen = new Map<string, LocatedObject>();
  let bad = false;
  for (const o of objects) {
    const { apiVersion, kind } = o.object;
    const versions = KNOWN_KINDS[kind];
    if (!versions) {
      at.object(o, ['kind'], 'error', 'config-unknown-kind', `kind ${kind} (${apiVersion}) is not one Envoy Gateway's file provider reads`, `use Gateway API and Envoy Gateway objects: ${Object.keys(KNOWN_KINDS).join(', ')}`);
      bad = true;
      continue;
    }
    if (!versions.includes(apiVersion)) {
      at.object(o, ['apiVersion'], 'error', 'config-unknown-api-version', `apiVersion ${apiVersion} does not serve ${kind} in Envoy Gateway v1.9.1 / Gateway API v1.6.1`, `use ${versions[0]}`);
      bad = true;
      continue;
    }
    const key = `${kind}/${kind === 'GatewayClass' || kind === 'Namespace' ? '' : nsOf(o)}/${o.object.metadata.name}`;
    const dup = seen.get(key);
    if (dup) {
      at.object(o, ['metadata', 'name'], 'error', 'config-duplicate', `${kind} ${o.object.metadata.name} is defined twice (also ${dup.file}, document ${dup.doc + 1})`, 'keep one definition');
      bad = true;
    }
    seen.set(key, o);
    for (const p of validateAgainstCrd(o.object) ?? []) {
      at.object(o, p.path, 'error', 'config-crd-schema', p.message, `check the field against the ${kind} CRD (Envoy Gateway v1.9.1 / Gateway API v1.6.1)`);
      bad = true;
    }
  }
  if (bad) return none;
  const ofKind = (k: string) => objects.filter((o) => o.object.kind === k);

  // 2. The Gateway the chain reaches, and its listener.
  const classes = new Map(ofKind('GatewayClass').map((c) => [c.object.metadata.name, c]));
  for (const c of classes.values()) {
    if (spec(c).controllerName !== EG_CONTROLLER)
      at.object(c, ['spec', 'controllerName'], 'warning', 'config-other-controller', `GatewayClass ${c.object.metadata.name} belongs to ${spec(c).controllerName}, not Envoy Gateway: its Gateways are not run`, `Envoy Gateway's controllerName is ${EG_CONTROLLER}`);
  }
  const gateways = ofKind('Gateway').filter((g) => {
    const c = classes.get(spec(g).gatewayClassName);
    return !c || spec(c).controllerName === EG_CONTROLLER;
  });
  let gw: LocatedObject | undefined;
  if (cfg.gateway) {
    const [ns, name] = cfg.gateway.includes('/') ? cfg.gateway.split('/') : [undefined, cfg.gateway];
    gw = gateways.find((g) => g.object.metadata.name === name && (!ns || nsOf(g) === ns));
    if (!gw) {
      at.config(['gateway'], 'error', 'config-no-such-gateway', `no Envoy Gateway Gateway named ${cfg.gateway} in the files`, `Gateways there: ${gateways.map((g) => `${nsOf(g)}/${g.object.metadata.name}`).join(', ') || 'none'}`);
      return none;
    }
  } else if (gateways.length !== 1) {
    at.config(['files'], 'error', gateways.length ? 'config-which-gateway' : 'config-no-gateway',
      gateways.length ? `the files define ${gateways.length} Gateways; the chain reaches one` : 'the files define no Gateway (of an Envoy Gateway class) for the chain to reach',
      gateways.length ? `name it: config.gateway: ${gateways.map((g) => `${nsOf(g)}/${g.object.metadata.name}`).join(' | ')}` : 'add a Gateway with an HTTP listener');
    return none;
  } else gw = gateways[0];
  const listeners: Array<{ name: string; port: number; protocol: string; hostname?: string }> = spec(gw).listeners ?? [];
  const http = listeners.map((l, i) => ({ l, i })).filter(({ l }) => l.protocol === 'HTTP');
  let chosen = cfg.listener ? listeners.map((l, i) => ({ l, i })).find(({ l }) => l.name === cfg.listener) : http.length === 1 ? http[0] : undefined;
  if (cfg.listener && !chosen) {
    at.config(['listener'], 'error', 'config-no-such-listener', `Gateway ${gw.object.metadata.name} has no listener named ${cfg.listener}`, `listeners: ${listeners.map((l) => l.name).join(', ')}`);
    return none;
  }
  if (!chosen) {
    at.object(gw, ['spec', 'listeners'], 'error', http.length ? 'config-which-listener' : 'config-no-usable-listener',
      http.length ? `Gateway ${gw.object.metadata.name} has ${http.length} HTTP listeners; the chain reaches one` : `Gateway ${gw.object.metadata.name} has no HTTP listener: the hops in front of the gateway speak plain HTTP to it (PROXY headers allowed)`,
      http.length ? `name it: config.listener: ${http.map(({ l }) => l.name).join(' | ')}` : 'add a listener with protocol: HTTP (TLS terminates at the entry hop locally)');
    return none;
  }
  if (chosen.l.protocol !== 'HTTP') {
    at.object(gw, ['spec', 'listeners', chosen.i, 'protocol'], 'error', 'config-no-usable-listener', `listener ${chosen.l.name} speaks ${chosen.l.protocol}; the hops in front of the gateway speak plain HTTP to it`, 'name an HTTP listener in config.listener');
    return none;
  }
  const listener = chosen.l;
  const gwNs = nsOf(gw);

  // 3. Routes attached to it.
  const attaches = (r: LocatedObject) =>
    (spec(r).parentRefs ?? []).some((p: { name?: string; namespace?: string; kind?: string; sectionName?: string; port?: number }) =>
      p.name === gw!.object.metadata.name && (p.kind ?? 'Gateway') === 'Gateway' && (p.namespace ?? nsOf(r)) === gwNs && (!p.sectionName || p.sectionName === listener.name) && (!p.port || p.port === listener.port));
  const routes = ofKind('HTTPRoute').filter(attaches);
  if (!routes.length) {
    at.object(gw, ['spec', 'listeners', chosen.i], 'error', 'config-no-route', `no HTTPRoute in the files attaches to Gateway ${gw.object.metadata.name} listener ${listener.name}: every request would get 404`, `add an HTTPRoute with parentRefs: [{ name: ${gw.object.metadata.name}${gw.object.metadata.namespace ? `, namespace: ${gw.object.metadata.namespace}` : ''} }]`);
    return none;
  }
  for (const r of routes) {
    (spec(r).rules ?? []).forEach((rule: { backendRefs?: Array<{ group?: string; kind?: string; name: string }> }, ri: number) => {
      (rule.backendRefs ?? []).forEach((b, bi) => {
        if ((b.kind ?? 'Service') !== 'Service' || (b.group ?? '') !== '')
          at.object(r, ['spec', 'rules', ri, 'backendRefs', bi], 'error', 'config-backend-kind', `backendRef ${b.kind} ${b.name}: the lab connects Service backendRefs to its service pods; this one points elsewhere`, 'reference the application as a Service (as in the cluster)');
      });
    });
  }
  const hostnames: string[] = routes.flatMap((r) => spec(r).hostnames ?? []);
  const hostHeader = hostnames.length ? hostFor(hostnames[0]) : listener.hostname ? hostFor(listener.hostname) : undefined;
  const firstMatch = spec(routes[0]).rules?.[0]?.matches?.[0]?.path;
  const probePath = firstMatch && (firstMatch.type ?? 'PathPrefix') !== 'RegularExpression' && typeof firstMatch.value === 'string' ? firstMatch.value : '/';
  const chosenListener: ChosenListener = { gateway: { namespace: gw.object.metadata.namespace, name: gw.object.metadata.name }, listener: listener.name, port: listener.port, ...(hostHeader ? { hostHeader } : {}), probePath };

  // 4. Settings the catalog models, read out of the policies that apply to this Gateway / listener / routes.
  const targets = (o: LocatedObject, kinds: Array<{ kind: string; name: string; section?: string }>) =>
    nsOf(o) === gwNs && refsOf(o).some((t) => kinds.some((k) => (t.kind ?? '') === k.kind && t.name === k.name && (!t.sectionName || !k.section || t.sectionName === k.section)));
  const gwTarget = [{ kind: 'Gateway', name: gw.object.metadata.name, section: listener.name }];
  const ctps = ofKind('ClientTrafficPolicy').filter((c) => targets(c, gwTarget));
  // A listener-level policy wins over a Gateway-level one (Envoy Gateway's policy attachment precedence).
  const ctp = ctps.find((c) => refsOf(c).some((t) => t.sectionName === listener.name)) ?? ctps[0];
  if (ctps.length > 1)
    at.object(ctps[1], ['spec', 'targetRefs'], 'warning', 'config-policy-conflict', `${ctps.length} ClientTrafficPolicies target this Gateway; Envoy Gateway applies one (${ctp.object.metadata.name} here)`, 'keep one ClientTrafficPolicy per listener');
  for (const c of ofKind('ClientTrafficPolicy')) if (spec(c).targetSelectors) at.object(c, ['spec', 'targetSelectors'], 'warning', 'config-not-modeled', 'targetSelectors: Envoy runs the policy where it selects, but the lab reads client-IP settings only from targetRefs', 'use targetRefs for the lab to model it');
  settings.useRemoteAddress = true;
  if (ctp) {
    const s = spec(ctp);
    const det = s.clientIPDetection ?? {};
    if (det.xForwardedFor?.numTrustedHops !== undefined) {
      // Envoy Gateway v1.9.1 translates numTrustedHops N into Envoy's xff detection extension with N-1 hops
      // (internal/xds/translator/listener.go, for envoyproxy/envoy#34241) and use_remote_address off; N = 0
      // gives the same 0 as N = 1: the right-most X-Forwarded-For entry is the client, not the connection.
      const n = det.xForwardedFor.numTrustedHops as number;
      settings.xffNumTrustedHops = n === 0 ? 1 : n;
      if (n === 0)
        at.object(ctp, ['spec', 'clientIPDetection', 'xForwardedFor', 'numTrustedHops'], 'warning', 'eg-trusted-hops-zero',
          'numTrustedHops: 0 does not mean "trust nothing" in Envoy Gateway v1.9.1: it becomes the same Envoy setting as 1 (the right-most X-Forwarded-For entry is the client), so a client that reaches Envoy directly chooses its own address; the lab models it as 1',
          'to trust no proxy, leave clientIPDetection.xForwardedFor out (Envoy then uses the connection address)');
    }
    if (det.xForwardedFor?.trustedCIDRs) settings.trustedCidrs = det.xForwardedFor.trustedCIDRs;
    if (det.xForwardedFor?.disableXForwardedForAppend)
      at.object(ctp, ['spec', 'clientIPDetection', 'xForwardedFor', 'disableXForwardedForAppend'], 'warning', 'config-not-modeled', 'Envoy runs it, but the catalog (plan, model, predictions) assumes Envoy appends to X-Forwarded-For', 'compare the measured X-Forwarded-For in the report');
    if (det.customHeader?.name) {
      settings.clientIpHeader = det.customHeader.name;
      if (det.customHeader.failClosed)
        at.object(ctp, ['spec', 'clientIPDetection', 'customHeader', 'failClosed'], 'warning', 'config-not-modeled', 'Envoy answers 403 when the header is missing or invalid; the catalog models the fall-back to the connection address', 'read the measured statuses in the report');
    }
    if (s.proxyProtocol !== undefined || s.enableProxyProtocol === true) {
      settings.proxyProtocol = true;
      if (s.proxyProtocol?.optional)
        at.object(ctp, ['spec', 'proxyProtocol', 'optional'], 'warning', 'config-not-modeled', 'optional PROXY: Envoy also accepts connections without a PROXY header (a client can then forge its source), the catalog models PROXY as required', 'make PROXY required unless a migration window needs it');
    }
    const modeled = new Set(['targetRef', 'targetRefs', 'clientIPDetection', 'proxyProtocol', 'enableProxyProtocol']);
    const rest = Object.keys(s).filter((k) => !modeled.has(k));
    if (rest.length) at.object(ctp, ['spec', rest[0]], 'warning', 'config-not-modeled', `${rest.join(', ')}: run by Envoy as written; plan and the model provider do not include them`, 'the local run measures their effect');
  }
  const routeTargets = routes.map((r) => ({ kind: 'HTTPRoute', name: r.object.metadata.name }));
  const btps = ofKind('BackendTrafficPolicy').filter((b) => targets(b, [...gwTarget, ...routeTargets]));
  for (const b of btps) {
    const s = spec(b);
    const t = s.timeout?.http?.requestTimeout;
    if (t !== undefined) settings.requestTimeoutS = parseDuration(t);
    if (s.retry) {
      settings.retry = {
        numRetries: s.retry.numRetries ?? 2,
        ...(s.retry.retryOn?.triggers?.length ? { on: s.retry.retryOn.triggers } : {}),
        // Envoy Gateway: with retryOn set, only the codes it lists (none when it lists none).
        httpStatusCodes: s.retry.retryOn ? (s.retry.retryOn.httpStatusCodes ?? []) : [503],
        perTryTimeoutS: s.retry.perRetry?.timeout ? parseDuration(s.retry.perRetry.timeout) : null,
      };
    }
    const modeled = new Set(['targetRef', 'targetRefs', 'timeout', 'retry']);
    const rest = Object.keys(s).filter((k) => !modeled.has(k));
    if (rest.length) at.object(b, ['spec', rest[0]], 'warning', 'config-not-modeled', `${rest.join(', ')}: run by Envoy as written; plan and the model provider do not include them`, 'the local run measures their effect');
  }
  if (btps.length > 1) at.object(btps[1], ['spec', 'targetRefs'], 'warning', 'config-policy-conflict', `${btps.length} BackendTrafficPolicies apply to this Gateway or its routes; the lab models their union, Envoy Gateway merges them by its precedence`, 'keep one BackendTrafficPolicy per target');

  // The EnvoyProxy in effect: the Gateway's own, else its class's.
  const proxyRef = spec(gw).infrastructure?.parametersRef ?? (classes.get(spec(gw).gatewayClassName) ? spec(classes.get(spec(gw).gatewayClassName)!).parametersRef : undefined);
  if (proxyRef?.kind === 'EnvoyProxy') {
    const ep = ofKind('EnvoyProxy').find((e) => e.object.metadata.name === proxyRef.name && nsOf(e) === (proxyRef.namespace ?? gwNs));
    if (!ep) at.object(gw, ['spec', 'gatewayClassName'], 'error', 'config-missing-envoyproxy', `the parametersRef names EnvoyProxy ${proxyRef.namespace ? `${proxyRef.namespace}/` : ''}${proxyRef.name}, which is not in the files`, 'add it to config.files, or drop the parametersRef');
    const replicas = ep && spec(ep).provider?.kubernetes?.envoyDeployment?.replicas;
    if (typeof replicas === 'number' && replicas > 0) settings.replicas = replicas;
  }

  return { settings, config: { listener: chosenListener } };
}
