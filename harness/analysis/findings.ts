// Findings of one run, derived from what it measured (never canned): lost client IP, spoofability,
// broken-by-design failures, throttling. The fixes come from the catalog's settings vocabulary.
import type { RunResult, SpoofFinding } from '../result/types.ts';
import type { LoadOutcome } from '../load/types.ts';
import type { Scenario } from '../scenario/model.ts';
import { predictClientIp, describeAddress } from './predict.ts';
import { clientIpFix as chainClientIpFix } from '../catalog/chain.ts';

type Finding = NonNullable<RunResult['findings']>[number];

/** Where the client address is lost on this chain, and the setting that keeps it (the catalog's fixes). */
export function clientIpFix(s: Scenario): string {
  return chainClientIpFix(s.hops);
}

export function deriveFindings(s: Scenario, r: Pick<RunResult, 'clientIp' | 'load' | 'validity'>, spoofing: SpoofFinding[] | undefined): Finding[] {
  const out: Finding[] = [];
  const failedAll = r.load.requests > 0 && r.load.errors === r.load.requests;
  if (failedAll) {
    const p = predictClientIp(s);
    const codes = Object.entries(r.load.errorsByKind.byStatus ?? {}).map(([k, v]) => `${k} x${v}`).join(', ');
    out.push({
      severity: 'critical',
      title: 'every request failed',
      detail: `${r.load.errors} of ${r.load.requests} requests failed (${codes || 'connection errors'}).${p.failure ? ` The catalog explains it: at ${p.failure.hop}, ${p.failure.reason}.` : ''}`,
      fix: p.failure?.reason.includes('PROXY') ? 'enable PROXY on the load balancer and on the gateway in the same change, or on neither' : undefined,
    });
  } else if (r.clientIp.checked > 0 && r.clientIp.retentionRatio < 1) {
    const seen = r.clientIp.observedOther?.[0];
    out.push({
      severity: r.clientIp.retentionRatio === 0 ? 'warning' : 'info',
      title: r.clientIp.retentionRatio === 0 ? 'the application never sees the client IP' : `the application sees the client IP for ${(r.clientIp.retentionRatio * 100).toFixed(1)}% of requests`,
      detail: seen ? `Instead it sees ${seen.ip} (${describeAddress(seen.ip)}) in ${seen.count} requests.` : 'No client address reached the application.',
      fix: clientIpFix(s),
    });
  }
  for (const sp of spoofing ?? []) {
    if (!sp.spoofable) continue;
    out.push({ severity: 'critical', title: `spoofable: ${sp.probe}`, detail: `A client claiming ${sp.forged} is seen by the application as ${sp.appSaw}.`, fix: sp.fix });
  }
  const throttled = r.load.errorsByKind.byStatus?.['429'] ?? 0;
  if (throttled) out.push({ severity: 'warning', title: `${throttled} requests throttled (429)`, detail: 'A token-bucket limit on the path (API Gateway / Lattice / WAF rate rule) rejected them.', fix: 'raise the limit (Service Quotas / usage plan) or lower the rate' });
  out.push(...lifecycleFindings(s));
  return out;
}

/** Narrow adapter for bench: findings need only a few figures of the outcome. */
/** Components the scenario uses whose project is retired (the catalog's gateway lifecycle), with date and source. */
export function lifecycleFindings(s: Scenario): Finding[] {
  const out: Finding[] = [];
  for (const h of s.hops) {
    const l = h.entry.gateway?.lifecycle;
    if (!l) continue;
    out.push({ severity: 'warning', title: `${h.name} (${h.component}) is retired`, detail: `${l.notice}. Source: ${l.source}.`, fix: `migrate to ${l.migrateTo}` });
  }
  return out;
}

export function findingsForRun(s: Scenario, o: LoadOutcome | null, spoofing: SpoofFinding[] | undefined): Finding[] {
  if (!o) return lifecycleFindings(s);
  const ratio = o.clientIp.checked ? o.clientIp.retained / o.clientIp.checked : 0;
  return deriveFindings(s, { clientIp: { ...o.clientIp, retentionRatio: ratio, fidelity: 'measured' }, load: { requests: o.requests, errors: o.errors, errorsByKind: o.errorsByKind } as RunResult['load'], validity: o.validity }, spoofing);
}
