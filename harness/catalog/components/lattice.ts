// Amazon VPC Lattice service via the Gateway API controller. Client IP per facts/client-ip.md rows 19-20.
import { z } from 'zod';
import type { ComponentDefinition, Diagnostic } from '../types.ts';
import { managedFleet } from '../forwarding.ts';
import { appendXff, removeHeader, setHeader } from '../headers.ts';
import { problem } from '../diag.ts';
import { assumption, lognormalModel } from '../latency.ts';

const route = z.strictObject({
  /** Service version name (spec.chain[service].settings.versions[].name). */
  backend: z.string().min(1),
  weight: z.number().int().min(0).max(1000),
});

const settings = z.strictObject({
  listener: z.enum(['http', 'https', 'tls-passthrough']).default('https'),
  /** HTTPRoute backendRefs weights. Default: all traffic to v1. */
  routes: z.array(route).min(1).default([{ backend: 'v1', weight: 1 }]),
  /** Whether Lattice appends to or overwrites x-forwarded-for is undocumented; append is the best guess. */
  xffMode: z.enum(['append', 'overwrite']).default('append'),
  authPolicy: z.boolean().default(false),
});
export type LatticeSettings = z.infer<typeof settings>;

export function pickRoute(routes: LatticeSettings['routes'], u: number): string {
  const total = routes.reduce((a, r) => a + r.weight, 0);
  let x = u * total;
  for (const r of routes) {
    if (x < r.weight) return r.backend;
    x -= r.weight;
  }
  return routes[routes.length - 1].backend;
}

export const lattice: ComponentDefinition<LatticeSettings> = {
  kind: 'lattice',
  title: 'Amazon VPC Lattice',
  summary: 'Managed L7 service network; Gateway API HTTPRoutes become Lattice services with weighted target groups.',
  managed: true,
  settings,
  layer: (s) => (s.listener === 'tls-passthrough' ? 'L4' : 'L7'),
  tls: (s) => (s.listener === 'https' ? 'terminate' : s.listener === 'tls-passthrough' ? 'passthrough' : 'none'),
  forwarding: () => managedFleet('VPC Lattice (no separate inter-AZ charge)'),
  // Service-network clients live in associated VPCs.
  internetFacing: () => false,
  onePerService: true,
  weightedRoutes: (s) => s.routes,
  strippedHeaders: [{
    header: 'x-amzn-lattice-identity',
    forged: 'Principal=arn:aws:iam::999999999999:root',
    fix: 'Lattice strips inbound x-amzn-lattice-* headers; if a forged one reaches the app, something other than Lattice reaches the target: restrict the target to the Lattice prefix list',
  }],
  realize: {
    local: (s) => ({
      realizer: s.listener === 'tls-passthrough' ? 'l4-forwarder' : 'l7-proxy',
      listeners: { block: 'lattice', per: 'hop' },
      notes: s.listener === 'tls-passthrough' ? ['TLS passthrough realized as byte forwarding (the lab client speaks plain HTTP through it)'] : [],
    }),
    cluster: () => ({ where: 'outside', by: 'lb-emulator' }),
    eks: () => ({ by: 'gateway-api-lattice' }),
  },
  describe: (s) => [
    `${s.listener} listener; routes ${s.routes.map((r) => `${r.backend}:${r.weight}`).join(' / ')}`,
    s.listener === 'tls-passthrough'
      ? 'TLS passthrough: no headers added; the target sees a Lattice address only'
      : `x-forwarded-for: source ${s.xffMode === 'append' ? 'appended' : 'overwrites'} (undocumented which; parameter); x-amzn-lattice-* set, inbound ones stripped`,
    'source toward targets: an address in the Lattice prefix list (169.254.171.0/24)',
  ],
  apply: (env, s, ctx) => {
    const route = ctx.random ? pickRoute(s.routes, ctx.random()) : s.routes[0].backend;
    if (s.listener === 'tls-passthrough') return { ok: true, env: { ...env, peer: ctx.self }, route };
    if (env.proxy.length) return { ok: false, status: 400, reason: 'Lattice received bytes that are not HTTP' };
    let headers = removeHeader(env.headers, /^x-amzn-lattice-/);
    headers = s.xffMode === 'append' ? appendXff(headers, env.peer) : setHeader(headers, 'x-forwarded-for', env.peer);
    headers = setHeader(headers, 'x-amzn-lattice-network', 'SourceVpcArn=arn:aws:ec2:us-east-1:000000000000:vpc/vpc-lab');
    headers = setHeader(headers, 'x-amzn-lattice-identity', 'Principal=anonymous');
    headers = setHeader(headers, 'x-amzn-lattice-target', `service-arn=lab;target-group-arn=${route}`);
    return { ok: true, env: { peer: ctx.self, proxy: [], headers }, route };
  },
  latency: () =>
    lognormalModel({
      medianMs: 1.5,
      p99Ms: 8,
      median: assumption('no published figure; a managed L7 proxy with IAM auth and weighted routing put above the ALB'),
      p99: assumption('no published figure; a 5x tail as for the other managed L7 proxies'),
    }),
  limits: () => [{ name: 'requests per service per AZ', value: 10_000, unit: 'req/s', status: 429, note: 'confirm in Service Quotas' }],
  features: (s) => ({
    wafAttachable: false,
    tlsTermination: s.listener === 'https' ? 'at Lattice' : s.listener === 'tls-passthrough' ? 'passthrough to the target' : false,
    centralCertificates: s.listener === 'https' ? 'ACM on the Lattice service' : false,
    podAwareRouting: true,
    weightedCanary: 'HTTPRoute weights',
    lambdaRouting: true,
  }),
  rules: (hop, chain) => {
    const s = hop.settings as LatticeSettings;
    const out: Diagnostic[] = [];
    if (s.listener === 'tls-passthrough') {
      out.push(problem('warning', 'lattice-passthrough-no-headers', hop, ['settings', 'listener'],
        'a TLS passthrough listener adds no headers: the client IP is not recoverable behind it',
        'use an https listener (Lattice terminates TLS and sets x-forwarded-for) if the client IP matters'));
    }
    if (s.routes.every((r) => r.weight === 0)) {
      out.push(problem('error', 'lattice-zero-weights', hop, ['settings', 'routes'], 'every route weight is 0: no traffic can be routed', 'give at least one route a positive weight'));
    }
    const svc = chain[chain.length - 1];
    if (svc?.component === 'service') {
      const names = new Set<string>((svc.settings.versions ?? [{ name: 'v1' }]).map((v: { name: string }) => v.name));
      s.routes.forEach((r, i) => {
        if (!names.has(r.backend)) {
          out.push(problem('error', 'lattice-unknown-backend', hop, ['settings', 'routes', i, 'backend'],
            `route backend "${r.backend}" is not a version of the service (${[...names].join(', ')})`,
            `add versions: [{name: ${r.backend}}] to the service hop, or use one of: ${[...names].join(', ')}`));
        }
      });
    }
    return out;
  },
};
