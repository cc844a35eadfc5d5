// Folds a request through the chain using only the catalog's semantics: what the application would see.
// Used by `plan`, the model provider and reports as a MODELED prediction; local runs measure it for real.
import type { Envelope, HopContext } from './types.ts';
import { appClientIp } from './components/service.ts';
import type { Scenario } from '../scenario/model.ts';

export interface Prediction {
  /** Application-visible client IP for a plain request from CLIENT. */
  seen: string | null;
  retained: boolean;
  /** With a forged X-Forwarded-For: FORGED, does the application believe FORGED? */
  spoofableByXff: boolean;
  failure?: { status: number; reason: string; hop: string };
  summary: string;
}

const CLIENT = '127.1.0.10';
const FORGED = '127.99.99.99';

/** Stand-in addresses for each hop's own source, from the local plan (synthetic). */
function ctxFor(component: string, i: number): HopContext {
  const self =
    component === 'cloudfront' ? `127.30.0.${i}` :
    component === 'apigw-rest' || component === 'apigw-http' ? `127.40.0.${i}` :
    component === 'vpc-link' ? `127.21.0.${i}` :
    component === 'lattice' ? `127.254.171.${i}` :
    component === 'kube-proxy' ? `127.22.1.${i}` :
    component === 'envoy-gateway' || component === 'ingress-nginx' ? `127.23.1.${i}` :
    `127.20.1.${i}`;
  return { self, nodeAddress: `127.22.1.1`, random: () => 0.5 };
}

export function fold(s: Scenario, env: Envelope): { env: Envelope } | { failure: { status: number; reason: string; hop: string } } {
  let cur = env;
  for (let i = 1; i < s.hops.length - 1; i++) {
    const h = s.hops[i];
    const r = h.entry.apply(cur, h.settings, ctxFor(h.component, i + 1));
    if (!r.ok) return { failure: { status: r.status, reason: r.reason, hop: h.name } };
    cur = r.env;
  }
  return { env: cur };
}

export function predictClientIp(s: Scenario): Prediction {
  const svc = s.hops[s.hops.length - 1].settings;
  const plain = fold(s, { peer: CLIENT, proxy: [], headers: [['host', 'app.example']] });
  if ('failure' in plain) {
    return { seen: null, retained: false, spoofableByXff: false, failure: plain.failure, summary: `every request fails at ${plain.failure.hop}: ${plain.failure.status || 'connection closed'} (${plain.failure.reason})` };
  }
  const seen = appClientIp(plain.env, s.appClientIpFrom, svc.clientIpHeader);
  const forged = fold(s, { peer: CLIENT, proxy: [], headers: [['host', 'app.example'], ['x-forwarded-for', FORGED]] });
  const spoof = 'env' in forged && appClientIp(forged.env, s.appClientIpFrom, svc.clientIpHeader) === FORGED;
  const retained = seen === CLIENT;
  return {
    seen,
    retained,
    spoofableByXff: spoof,
    summary: `${retained ? 'the real client IP' : `not the client (${describeAddress(seen)})`}${spoof ? '; SPOOFABLE with a forged X-Forwarded-For' : ''}`,
  };
}

export function describeAddress(ip: string | null): string {
  if (!ip) return 'nothing';
  if (ip.startsWith('127.20.')) return 'a load balancer address';
  if (ip.startsWith('127.21.')) return 'a VPC-link / endpoint address';
  if (ip.startsWith('127.22.')) return 'a node address';
  if (ip.startsWith('127.23.')) return 'a pod address';
  if (ip.startsWith('127.30.')) return 'a CloudFront address';
  if (ip.startsWith('127.40.')) return 'an API Gateway address';
  if (ip.startsWith('127.254.171.')) return 'a Lattice address';
  return ip;
}
