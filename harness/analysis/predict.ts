// Folds a request through the chain using only the catalog's semantics: what the application would see.
// Used by `plan`, the model provider and reports as a MODELED prediction; local runs measure it for real.
import type { Envelope, Hop, HopContext } from '../catalog/types.ts';
import { addressOwner, listenerAddress } from '../catalog/address-plan.ts';
import { appClientIp } from '../catalog/components/service.ts';
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

/** Stand-in addresses for each hop's own source, from the hop's local listener layout (synthetic). */
function ctxFor(h: Hop, i: number): HopContext {
  const layout = h.entry.realize?.local(h.settings).listeners;
  const self = !layout
    ? `127.20.1.${i}`
    : 'block' in layout
      ? listenerAddress(layout.block, i, layout.per === 'az' ? 1 : undefined)
      : layout.on === 'nodes'
        ? `127.22.1.${i}`
        : `127.23.1.${i}`;
  return { self, nodeAddress: `127.22.1.1`, random: () => 0.5 };
}

export function fold(s: Scenario, env: Envelope): { env: Envelope } | { failure: { status: number; reason: string; hop: string } } {
  let cur = env;
  for (let i = 1; i < s.hops.length - 1; i++) {
    const h = s.hops[i];
    const r = h.entry.apply(cur, h.settings, ctxFor(h, i + 1));
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
  return addressOwner(ip)?.words ?? ip;
}
