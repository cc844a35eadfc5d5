// Envoy Gateway's own verdict on a set of objects: the status conditions `egctl x translate --to gateway-api`
// returns offline (Envoy Gateway's translator, the same code the controller runs), read into one flat list and
// located at the field they are about. In standalone mode the controller only logs statuses; this is how the
// lab shows them. Pure: translate output in, conditions out.

export interface StatusCondition {
  kind: string;
  namespace?: string;
  name: string;
  /** The field the condition is about: a listener (spec.listeners[i]), a route parent (spec.parentRefs[i]), the object. */
  path: Array<string | number>;
  /** e.g. "listener http", "parent Gateway envoy" or "" for the object itself. */
  about: string;
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Obj {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: Record<string, any>;
  status?: Record<string, any>;
}

const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : v && typeof v === 'object' ? [v as Obj] : []);

/** The kind each top-level key of egctl's output holds. */
const KEY_KIND: Record<string, string> = {
  gatewayClass: 'GatewayClass',
  gatewayClasses: 'GatewayClass',
  envoyProxyForGatewayClass: 'EnvoyProxy',
  envoyProxiesForGateways: 'EnvoyProxy',
  gateways: 'Gateway',
  httpRoutes: 'HTTPRoute',
  grpcRoutes: 'GRPCRoute',
  tlsRoutes: 'TLSRoute',
  tcpRoutes: 'TCPRoute',
  udpRoutes: 'UDPRoute',
  clientTrafficPolicies: 'ClientTrafficPolicy',
  backendTrafficPolicies: 'BackendTrafficPolicy',
  securityPolicies: 'SecurityPolicy',
  envoyPatchPolicies: 'EnvoyPatchPolicy',
  envoyExtensionPolicies: 'EnvoyExtensionPolicy',
  backends: 'Backend',
  backendTLSPolicies: 'BackendTLSPolicy',
};

const sameRef = (a: Record<string, unknown>, b: Record<string, unknown>) =>
  a.name === b.name && (a.kind ?? 'Gateway') === (b.kind ?? 'Gateway') && (a.sectionName ?? null) === (b.sectionName ?? null) && (a.namespace ?? null) === (b.namespace ?? null) && (a.port ?? null) === (b.port ?? null);

/** Every status condition in egctl's translate output, each located at the field it is about. */
export function readStatuses(out: Record<string, unknown>): StatusCondition[] {
  const conds: StatusCondition[] = [];
  const push = (o: Obj, kind: string, path: StatusCondition['path'], about: string, list: unknown) => {
    for (const c of (Array.isArray(list) ? list : []) as Cond[]) {
      conds.push({
        kind,
        namespace: o.metadata?.namespace,
        name: o.metadata?.name ?? '?',
        path,
        about,
        type: c.type,
        status: c.status === 'True' || c.status === 'False' ? c.status : 'Unknown',
        reason: c.reason ?? '',
        message: c.message ?? '',
      });
    }
  };
  for (const [key, value] of Object.entries(out)) {
    const kind = KEY_KIND[key];
    if (!kind) continue;
    for (const o of asList(value)) {
      const st = o.status ?? {};
      push(o, kind, [], '', st.conditions);
      (st.listeners ?? []).forEach((l: { name: string; conditions?: Cond[] }) => {
        const i = (o.spec?.listeners ?? []).findIndex((x: { name: string }) => x.name === l.name);
        push(o, kind, i >= 0 ? ['spec', 'listeners', i] : ['spec', 'listeners'], `listener ${l.name}`, l.conditions);
      });
      (st.parents ?? []).forEach((p: { parentRef: Record<string, unknown>; conditions?: Cond[] }) => {
        const i = (o.spec?.parentRefs ?? []).findIndex((r: Record<string, unknown>) => sameRef(r, p.parentRef));
        push(o, kind, i >= 0 ? ['spec', 'parentRefs', i] : ['spec', 'parentRefs'], `parent ${p.parentRef.kind ?? 'Gateway'} ${p.parentRef.name}${p.parentRef.sectionName ? `/${p.parentRef.sectionName}` : ''}`, p.conditions);
      });
      (st.ancestors ?? []).forEach((a: { ancestorRef: Record<string, unknown>; conditions?: Cond[] }) => {
        push(o, kind, ['spec', 'targetRefs'], `target ${a.ancestorRef.kind ?? 'Gateway'} ${a.ancestorRef.name}${a.ancestorRef.sectionName ? `/${a.ancestorRef.sectionName}` : ''}`, a.conditions);
      });
    }
  }
  return conds;
}

const ROUTE_KEYS: Record<string, string> = { HTTPRoute: 'httpRoutes', GRPCRoute: 'grpcRoutes', TLSRoute: 'tlsRoutes', TCPRoute: 'tcpRoutes', UDPRoute: 'udpRoutes' };
const POLICY_KEYS: Record<string, string> = { ClientTrafficPolicy: 'clientTrafficPolicies', BackendTrafficPolicy: 'backendTrafficPolicies', SecurityPolicy: 'securityPolicies', EnvoyExtensionPolicy: 'envoyExtensionPolicies' };

/**
 * Route parentRefs Envoy Gateway did not attach the route to: the parent got no status, or the route is missing
 * from the output altogether (egctl leaves out routes that reach none of its Gateways). `input` are the objects
 * as sent; objects without a namespace are in `defaultNamespace` (Envoy Gateway's: envoy-gateway-system).
 */
export function unattachedParents(input: unknown[], out: Record<string, unknown>, defaultNamespace = 'envoy-gateway-system'): Array<{ kind: string; namespace?: string; name: string; index: number; parent: string }> {
  const res: Array<{ kind: string; namespace?: string; name: string; index: number; parent: string }> = [];
  for (const raw of input as Obj[]) {
    const key = raw.kind ? ROUTE_KEYS[raw.kind] : undefined;
    if (!key || !raw.metadata?.name) continue;
    const ns = raw.metadata.namespace ?? defaultNamespace;
    const translated = asList(out[key]).find((o) => o.metadata?.name === raw.metadata!.name && (o.metadata?.namespace ?? defaultNamespace) === ns);
    const parents: Array<{ parentRef: Record<string, unknown> }> = translated?.status?.parents ?? [];
    (raw.spec?.parentRefs ?? []).forEach((r: Record<string, unknown>, index: number) => {
      const hit = parents.some((p) => p.parentRef.name === r.name && (p.parentRef.sectionName ?? null) === (r.sectionName ?? null) && (p.parentRef.port ?? null) === (r.port ?? null));
      if (!hit) res.push({ kind: raw.kind!, namespace: raw.metadata!.namespace, name: raw.metadata!.name!, index, parent: `${r.kind ?? 'Gateway'} ${String(r.name)}${r.sectionName ? `/${String(r.sectionName)}` : ''}` });
    });
  }
  return res;
}

/** Policy targetRefs that got no status: Envoy Gateway found no such target (the policy applies to nothing). */
export function untargetedPolicies(input: unknown[], out: Record<string, unknown>, defaultNamespace = 'envoy-gateway-system'): Array<{ kind: string; namespace?: string; name: string; index: number; target: string }> {
  const res: Array<{ kind: string; namespace?: string; name: string; index: number; target: string }> = [];
  for (const raw of input as Obj[]) {
    const key = raw.kind ? POLICY_KEYS[raw.kind] : undefined;
    if (!key || !raw.metadata?.name) continue;
    const ns = raw.metadata.namespace ?? defaultNamespace;
    const translated = asList(out[key]).find((o) => o.metadata?.name === raw.metadata!.name && (o.metadata?.namespace ?? defaultNamespace) === ns);
    const ancestors: Array<{ ancestorRef: Record<string, unknown> }> = translated?.status?.ancestors ?? [];
    const refs: Array<Record<string, unknown>> = raw.spec?.targetRefs ?? (raw.spec?.targetRef ? [raw.spec.targetRef] : []);
    refs.forEach((r, index) => {
      if (!ancestors.some((a) => a.ancestorRef.name === r.name && (a.ancestorRef.kind ?? 'Gateway') === (r.kind ?? 'Gateway')))
        res.push({ kind: raw.kind!, namespace: raw.metadata!.namespace, name: raw.metadata!.name!, index, target: `${String(r.kind ?? 'Gateway')} ${String(r.name)}${r.sectionName ? `/${String(r.sectionName)}` : ''}` });
    });
  }
  return res;
}

/** A condition that means trouble: a positive condition type that is not True. */
export function isProblem(c: StatusCondition): boolean {
  // Envoy Gateway reports Backend problems as type Invalid status False (reason Accepted), and Backend fine as Accepted True.
  if (c.type === 'Invalid') return c.status !== 'False' || /not accepted/i.test(c.message);
  return c.status !== 'True';
}

export interface LocatedStatus {
  condition: StatusCondition;
  file: string;
  line: number;
  column: number;
  field: string;
}

/**
 * Each condition at the file, line and field of the user's object it is about (conditions on objects the lab
 * added, such as a stand-in Service, have no user file and are left out).
 */
export function locateStatuses(objects: Array<{ object: { kind: string; metadata: { name: string; namespace?: string } }; file: string; at(p: ReadonlyArray<string | number>): { line: number; column: number } }>, conditions: StatusCondition[], defaultNamespace = 'envoy-gateway-system'): LocatedStatus[] {
  const out: LocatedStatus[] = [];
  for (const c of conditions) {
    const o = objects.find((x) => x.object.kind === c.kind && x.object.metadata.name === c.name && (c.namespace === undefined || (x.object.metadata.namespace ?? defaultNamespace) === c.namespace || x.object.metadata.namespace === undefined));
    if (!o) continue;
    const pos = o.at(c.path.length ? c.path : ['metadata', 'name']);
    out.push({ condition: c, file: o.file, line: pos.line, column: pos.column, field: `${c.kind} ${c.name}${c.about ? ` (${c.about})` : ''}` });
  }
  return out;
}
