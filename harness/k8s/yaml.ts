// Multi-document YAML of a manifest, for review, `kubectl diff`, and snapshots.
import { stringify } from 'yaml';
import type { Manifest } from './types.ts';

export function manifestYaml(m: Manifest): string {
  const head = [
    `# exposure-lab manifests: run ${m.runId}, target ${m.target}, namespace ${m.namespace}`,
    ...m.outside.map((o) => `# outside the cluster: ${o.hop} (${o.component}) -> ${o.how}`),
    ...m.unrealized.map((u) => `# NOT REALIZED: ${u.hop} (${u.component}): ${u.reason}`),
    ...m.notes.map((n) => `# note: ${n}`),
  ].join('\n');
  const docs = m.entries.map((e) => (e.ownership === 'shared' ? '# shared object: fields set with server-side apply, left at teardown\n' : '') + stringify(e.object, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd());
  return `${head}\n---\n${docs.join('\n---\n')}\n`;
}
