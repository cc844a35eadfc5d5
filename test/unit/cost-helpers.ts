// Test helpers: scenarios from inline YAML and profiles from literals, so each case states its inputs.
import { loadScenarioText } from '../../harness/scenario/load.ts';
import type { Scenario } from '../../harness/scenario/model.ts';
import type { Profile } from '../../harness/cost/types.ts';
import { priceScenarioExact } from '../../harness/cost/engine.ts';
import { parseNano } from '../../harness/cost/money.ts';

export function scenario(chain: string, cluster = '{ nodes: 3, azs: 3, services: 1 }'): Scenario {
  const src = `apiVersion: exposure-lab.dev/v1alpha1
kind: Scenario
metadata:
  name: t
  title: t
  description: t
  tradeoffs: { waf: t, tls: t, certificates: t, podAwareRouting: t, redundancy: t }
spec:
  cluster: ${cluster}
  chain:
    - component: client
${chain}
    - component: service
      name: app
`;
  const r = loadScenarioText(src, 'inline.yaml');
  if (!r.scenario) throw new Error(r.diagnostics.map((d) => `${d.field}: ${d.message}`).join('\n'));
  return r.scenario;
}

export function profile(over: Partial<Profile> = {}): Profile {
  return {
    name: 't', description: 't', source: 'test', region: 'us-east-1', hoursPerMonth: 730,
    requestsPerSecond: 0, newConnectionsPerSecond: 0, activeConnections: 0, requestBytes: 0, responseBytes: 0, https: true,
    upstreamRequestsPerConnection: 1000, upstreamConnectionLifetimeS: 60,
    freeTiers: { alwaysFree: false, newAccount12Months: false },
    cluster: { controlPlane: 'none', natGateways: 0, natProcessedGbPerMonth: 0 },
    dnsNonAliasQueriesPerSecond: 0, ...over,
  };
}

/** Exact amount (1e-18 USD) of a decimal USD string. */
export function usd(decimal: string): bigint {
  return parseNano(decimal) * 1_000_000_000n;
}

/** Exact sum of the lines whose component starts with `prefix`. */
export function componentTotal(s: Scenario, p: Profile, prefix: string): bigint {
  return priceScenarioExact(s, p).lines.filter((l) => l.component.startsWith(prefix)).reduce((a, l) => a + l.money, 0n);
}

export function lines(s: Scenario, p: Profile, prefix: string) {
  return priceScenarioExact(s, p).lines.filter((l) => l.component.startsWith(prefix));
}
