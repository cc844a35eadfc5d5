// Names and labels every generated object carries, so teardown and leak sweeps find exactly a run's objects.

export const LABELS = {
  runId: 'exposure-lab.dev/run-id',
  scenario: 'exposure-lab.dev/scenario',
  hop: 'exposure-lab.dev/hop',
  managedBy: 'app.kubernetes.io/managed-by',
  app: 'app.kubernetes.io/name',
  version: 'exposure-lab.dev/version',
} as const;

export const MANAGED_BY = 'exposure-lab';
/** Field manager for server-side apply: the API server records which fields the lab owns. */
export const FIELD_MANAGER = 'exposure-lab';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL.test(s);
}

export function isLabelValue(s: string): boolean {
  return s.length <= 63 && LABEL_VALUE.test(s);
}

/** A DNS-1123 label from arbitrary parts: lower-case, [a-z0-9-], at most `max` characters, no dash at the ends. */
export function dnsName(parts: string[], max = 63): string {
  const s = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return s.slice(0, max).replace(/-$/, '') || 'x';
}

/** Run ids come from the bench runner (`<base36 time>-<pid>`); anything else is made label-safe here. */
export function runLabel(runId: string): string {
  return dnsName([runId], 40);
}

/** Every run's objects live in their own namespace, named after the run (cluster providers and the local
 * Envoy Gateway alike; the sweep maps it back). */
export const RUN_NAMESPACE_PREFIX = 'exposure-lab-';

export function runNamespace(runId: string): string {
  return dnsName([RUN_NAMESPACE_PREFIX + runLabel(runId)]);
}

/** The run label a run namespace was named after, or null for any other namespace. */
export function runOfNamespace(namespace: string): string | null {
  return namespace.startsWith(RUN_NAMESPACE_PREFIX) && namespace.length > RUN_NAMESPACE_PREFIX.length ? namespace.slice(RUN_NAMESPACE_PREFIX.length) : null;
}

export function runLabels(runId: string, scenario: string, hop?: string): Record<string, string> {
  const l: Record<string, string> = {
    [LABELS.runId]: runLabel(runId),
    [LABELS.scenario]: dnsName([scenario]),
    [LABELS.managedBy]: MANAGED_BY,
  };
  if (hop) l[LABELS.hop] = dnsName([hop]);
  return l;
}

/** AWS resource tags the load-balancer controllers copy onto the LBs, target groups and security groups. */
export function awsTags(runId: string, scenario: string): Record<string, string> {
  return { 'exposure-lab.dev/run-id': runLabel(runId), 'exposure-lab.dev/scenario': scenario, 'exposure-lab.dev/managed-by': MANAGED_BY };
}

/** stringMap encoding of the AWS Load Balancer Controller annotations: k1=v1,k2=v2. */
export function stringMap(m: Record<string, string | number | boolean>): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
