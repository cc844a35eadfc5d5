// Spoofing probes through a realized scenario: the client itself forges X-Forwarded-For, a PROXY v1 / v2
// header, the header API Gateway maps the source IP into, and Lattice identity headers. Each finding says
// whether the application believed the forged value, and how to fix it (facts/client-ip.md, failure cases).
import type { Realized } from '../providers/types.ts';
import { gatewayHop, type Scenario } from '../scenario/model.ts';
import { bypassableEdge, clientIpHeaders, strippedHeaders } from '../catalog/chain.ts';
import { ECHO_HEADERS } from '../catalog/components/service.ts';
import type { SpoofFinding } from '../result/types.ts';
import { encodeProxyV1, encodeProxyV2 } from '../emulation/proxy-header.ts';
import { probe, type ProbeRequest } from './probe.ts';

export const FORGED_IP = '127.99.0.1';
const FORGED_IP2 = '127.99.0.2';

interface ProbeDef {
  probe: string;
  forged: string;
  req: Omit<ProbeRequest, 'target' | 'source'>;
  /** Default: the application's client IP equals `forged`. */
  believed?: (body: { headers?: Array<[string, string]>; appClientIp?: string | null }, appIp: string | null) => boolean;
  fix: string;
}

export async function runSpoofProbes(realized: Realized, scenario: Scenario, opts: { timeoutMs?: number } = {}): Promise<SpoofFinding[]> {
  const source = realized.sources[0];
  const out: SpoofFinding[] = [];
  for (const d of probesFor(scenario)) {
    const r = await probe({ target: realized.entry, source, timeoutMs: opts.timeoutMs ?? 5000, ...d.req });
    let body: { headers?: Array<[string, string]>; appClientIp?: string | null } = {};
    try {
      body = r.status === 200 ? JSON.parse(r.body) : {};
    } catch {
      body = {};
    }
    const appSaw = r.status === 200 ? (r.headers[ECHO_HEADERS.clientIp] ?? null) : null;
    const spoofable = r.status === 200 && (d.believed ? d.believed(body, appSaw) : appSaw === d.forged);
    out.push({ probe: d.probe, forged: d.forged, appSaw: appSaw === '-' ? null : appSaw, spoofable, status: r.status, ...(spoofable ? { fix: d.fix } : {}) });
  }
  // Origin bypass (facts failure cases 11 and 14): the client skips CloudFront / API Gateway and talks to the
  // load balancer behind it directly, forging what the edge would have added.
  const bypass = bypassTarget(realized, scenario);
  if (bypass) {
    const headers: Array<[string, string]> = [['x-forwarded-for', `${FORGED_IP}, ${FORGED_IP2}`]];
    for (const name of mappedHeaders(scenario)) headers.push([name.toLowerCase(), FORGED_IP]);
    const r = await probe({ target: { host: bypass.host, port: bypass.port, path: '/', hostHeader: realized.entry.hostHeader }, source, headers, timeoutMs: opts.timeoutMs ?? 5000 });
    const appSaw = r.status === 200 ? (r.headers[ECHO_HEADERS.clientIp] ?? null) : null;
    const spoofable = appSaw === FORGED_IP || appSaw === FORGED_IP2;
    out.push({
      probe: `origin bypass: straight to ${bypass.hop} with forged X-Forwarded-For${mappedHeaders(scenario).length ? ' and ' + mappedHeaders(scenario).join(', ') : ''}`,
      forged: FORGED_IP,
      appSaw: appSaw === '-' ? null : appSaw,
      spoofable,
      status: r.status,
      ...(spoofable ? { fix: `make ${bypass.hop} reachable only from ${bypass.edge} (CloudFront origin-facing prefix list / private NLB with a security group for the VPC link), or trust addresses rather than headers` } : {}),
    });
  }
  return out;
}

function bypassTarget(realized: Realized, s: Scenario): { host: string; port: number; hop: string; edge: string } | null {
  const b = bypassableEdge(s.hops);
  if (!b) return null;
  const hr = realized.hops.find((h) => h.name === b.origin.name);
  const first = hr?.listen?.split(',')[0]?.trim();
  const m = first ? /^(\d+\.\d+\.\d+\.\d+):(\d+)$/.exec(first) : null;
  return m ? { host: m[1], port: Number(m[2]), hop: b.origin.name, edge: b.edge.name } : null;
}

function mappedHeaders(s: Scenario): string[] {
  return clientIpHeaders(s.hops);
}

function probesFor(s: Scenario): ProbeDef[] {
  const dst = { destination: '127.0.0.1', sourcePort: 40000, destinationPort: 80 };
  const xffFix =
    gatewayHop(s)?.entry.gateway?.xffSpoofFix ??
    'read the client IP from the right-most X-Forwarded-For entry appended by your own load balancer (ALB xffMode append), never from what the client sent; lock the origin to the LB';
  const list: ProbeDef[] = [
    { probe: 'forged X-Forwarded-For', forged: FORGED_IP, req: { headers: [['x-forwarded-for', FORGED_IP]] }, fix: xffFix },
    {
      probe: 'forged X-Forwarded-For (two entries, for 2-hop trust rules)',
      forged: FORGED_IP,
      req: { headers: [['x-forwarded-for', `${FORGED_IP}, ${FORGED_IP2}`]] },
      believed: (_b, ip) => ip === FORGED_IP || ip === FORGED_IP2,
      fix: xffFix + '; behind CloudFront also lock the origin to the CloudFront origin-facing prefix list so nobody can bypass it',
    },
    {
      probe: 'forged PROXY v1 header',
      forged: FORGED_IP,
      req: { preamble: encodeProxyV1({ source: FORGED_IP, ...dst }) },
      fix: 'a PROXY listener must only accept connections from the load balancer (security group / NetworkPolicy), and the NLB/CLB must be the only path in; never make PROXY "optional"',
    },
    {
      probe: 'forged PROXY v2 header',
      forged: FORGED_IP,
      req: { preamble: encodeProxyV2({ source: FORGED_IP, ...dst }) },
      fix: 'a PROXY listener must only accept connections from the load balancer, and must take only the first (outermost) header: an NLB passes a client-sent PROXY header through behind its own',
    },
  ];
  const mapped = mappedHeaders(s);
  for (const name of mapped) {
    list.push({
      probe: `forged ${name} header`,
      forged: FORGED_IP,
      req: { headers: [[name.toLowerCase(), FORGED_IP]] },
      fix: `only API Gateway may set ${name}: map context.identity.sourceIp into it (the mapping overwrites the client's value) and make the gateway reachable only through API Gateway (private NLB, security group)`,
    });
  }
  // Headers a managed hop strips from inbound requests (Lattice identity): a forged one reaching the app is a bypass.
  for (const st of strippedHeaders(s.hops)) {
    list.push({
      probe: `forged ${st.header} header`,
      forged: st.forged,
      req: { headers: [[st.header, st.forged]] },
      believed: (b) => (b.headers ?? []).some(([k, v]) => k === st.header && v.includes(st.forged)),
      fix: st.fix,
    });
  }
  return list;
}
