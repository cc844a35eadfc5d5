// docs/result-format.md's field table, generated from the same zod definition that validates result.json,
// so the documentation cannot drift from the reader. Regenerate: npx tsx harness/report/schema-doc.ts --write
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resultJsonSchema } from '../result/schema.ts';
import { RESULT_SCHEMA_VERSION } from '../result/types.ts';

type Node = { type?: string | string[]; description?: string; properties?: Record<string, Node>; required?: string[]; items?: Node | Node[]; prefixItems?: Node[]; enum?: unknown[]; const?: unknown; anyOf?: Node[]; additionalProperties?: Node | boolean };

export function fieldRows(): Array<{ path: string; type: string; required: boolean; description: string }> {
  const rows: Array<{ path: string; type: string; required: boolean; description: string }> = [];
  const walk = (n: Node, path: string, required: boolean) => {
    if (path) rows.push({ path, type: typeOf(n), required, description: (n.description ?? '').replace(/\|/g, '\\|') });
    const obj = n.anyOf?.find((x) => x.properties) ?? n;
    if (obj.properties) for (const [k, v] of Object.entries(obj.properties)) walk(v, path ? `${path}.${k}` : k, (obj.required ?? []).includes(k));
    const item = Array.isArray(n.items) ? undefined : n.items;
    if (item?.properties) walk({ ...item, description: undefined }, `${path}[]`, true);
  };
  walk(resultJsonSchema() as Node, '', true);
  // Array element rows without a description of their own only repeat their parent: keep their fields.
  return rows.filter((r) => !(r.path.endsWith('[]') && !r.description));
}

function typeOf(n: Node): string {
  if (n.enum) return n.enum.map((e) => JSON.stringify(e)).join(' \\| ');
  if (n.const !== undefined) return JSON.stringify(n.const);
  if (n.anyOf) return n.anyOf.map(typeOf).join(' \\| ');
  const t = Array.isArray(n.type) ? n.type.join(' \\| ') : (n.type ?? 'any');
  if (t === 'array') {
    const it = Array.isArray(n.items) ? undefined : n.items;
    return n.prefixItems ? `[${n.prefixItems.map(typeOf).join(', ')}]` : `${it?.properties ? 'object' : it ? typeOf(it) : 'any'}[]`;
  }
  if (t === 'object' && n.additionalProperties && typeof n.additionalProperties === 'object') return `map of ${typeOf(n.additionalProperties)}`;
  return t;
}

export function renderResultFormatDoc(): string {
  const L: string[] = [];
  L.push(`# result.json format (schemaVersion ${RESULT_SCHEMA_VERSION})`, '');
  L.push('result.json is the single source of truth of a run: report.md, report.html, the charts, `compare` and `regress` are all rendered from it, and `exposure-lab report <run folder>` re-renders them from it alone.', '');
  L.push('- JSON Schema: [infra/schemas/result.schema.json](../infra/schemas/result.schema.json) (draft 2020-12), generated from `harness/result/schema.ts`, the definition `readResult` validates every file against. A file that does not match is refused with the file and field named.');
  L.push('- Versioning: `schemaVersion` is bumped only on a breaking change; fields may be added within a version (readers ignore fields they do not know). A reader refuses a newer version than it knows.');
  L.push('- Units are in field names or descriptions: `Ms` = milliseconds, `S` = seconds, `Rps` = requests per second, `Usd` = US dollars, ratios are 0..1.');
  L.push('- Fidelity: every figure group carries `fidelity`: **measured** (real traffic through a real component), **emulated** (real traffic through the lab\'s emulation of a managed AWS component, with modeled latency injected), **modeled** (computed). End-to-end latency takes the weakest fidelity on the path. Cost is always modeled (price snapshot x usage profile).');
  L.push('- Latency histogram: `latencyMs.histogram` is an HdrHistogram (1 us resolution, 3 significant digits) in compressed base64. `decodeHistogram` / `mergeEncoded` / `summarize` in `harness/load/histogram.ts` recompute any percentile and merge runs exactly (bucket by bucket): `compare --repeat N` pools repeats this way.', '');
  L.push('## Fields', '', '| field | type | required | meaning, unit, fidelity |', '|---|---|---|---|');
  for (const r of fieldRows()) L.push(`| \`${r.path}\` | ${r.type} | ${r.required ? 'yes' : 'no'} | ${r.description} |`);
  L.push('');
  L.push('Regenerate this file and the JSON Schema after changing `harness/result/schema.ts`:', '', '```', 'npx tsx harness/report/schema-doc.ts --write', '```', '');
  return L.join('\n');
}

export function writeSchemaArtifacts(root: string): void {
  writeFileSync(join(root, 'infra/schemas/result.schema.json'), JSON.stringify(resultJsonSchema(), null, 2) + '\n');
  writeFileSync(join(root, 'docs/result-format.md'), renderResultFormatDoc());
}

if (process.argv[1]?.endsWith('schema-doc.ts') && process.argv.includes('--write')) {
  writeSchemaArtifacts(process.cwd());
  console.log('wrote infra/schemas/result.schema.json and docs/result-format.md');
}
