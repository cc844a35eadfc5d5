// Strict scenario loading: YAML syntax, schema, then domain rules. Every problem is reported at once, each
// with file, line, column, field path, what is wrong and what to do.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { CATALOG } from '../catalog/index.ts';
import type { Diagnostic, Hop } from '../catalog/types.ts';
import { gatewayOf } from '../catalog/chain.ts';
import { scenarioSchema, type ScenarioDoc } from './schema.ts';
import { formatPath, type LocatedDiagnostic } from '../lib/diagnostics.ts';
import { locate } from '../lib/positions.ts';
import { parseStrictYaml, sortDiagnostics } from '../lib/strict-yaml.ts';
import { structuralRules } from './rules.ts';
import { scenarioOverride } from '../catalog/latency.ts';
import type { ResolvedHop, Scenario } from './model.ts';
import { loadUserGatewayConfig, type HopConfigDoc } from '../gateway-config/load.ts';
import type { UserGatewayConfig } from '../gateway-config/types.ts';

export interface LoadResult {
  scenario?: Scenario;
  diagnostics: LocatedDiagnostic[];
}

export function loadScenarioFile(file: string): LoadResult {
  let source: Uint8Array;
  try {
    source = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return {
      diagnostics: [{
        severity: 'error', code: 'file-unreadable', file, line: 1, column: 1, field: '(file)',
        message: code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`,
        hint: 'pass a path to a scenario YAML file, or a scenario name from `exposure-lab list`',
      }],
    };
  }
  return loadScenarioText(source, file);
}

/** `source` as bytes is checked to be UTF-8; as a string it is taken as already decoded. */
export function loadScenarioText(source: string | Uint8Array, file: string): LoadResult {
  const parsed = parseStrictYaml(source, file, scenarioSchema, {
    startFrom: 'a file in scenarios/ (apiVersion, kind, metadata, spec)',
    formatRef: 'the scenario format in README.md',
    choicesRef: 'exposure-lab catalog',
  });
  if (!parsed.data) return { diagnostics: parsed.diagnostics };
  const { doc, lc } = parsed;
  const diagnostics: LocatedDiagnostic[] = [];
  const sdoc = parsed.data as ScenarioDoc;
  // A gateway hop naming its own configuration files: load and check them, read out the settings they decide.
  const userConfigs = new Map<number, UserGatewayConfig>();
  const rawChain = (doc.toJS() as { spec?: { chain?: Array<{ settings?: Record<string, unknown> }> } }).spec?.chain ?? [];
  sdoc.spec.chain.forEach((h, index) => {
    const cfg = (h as { config?: HopConfigDoc }).config;
    const gw = CATALOG[h.component].gateway;
    if (!cfg || !gw?.userConfig) return;
    const raw = rawChain[index]?.settings ?? {};
    let conflict = false;
    for (const key of gw.userConfig.owns) {
      if (!(key in raw)) continue;
      conflict = true;
      const pos = locate(doc, lc, ['spec', 'chain', index, 'settings', key], true);
      diagnostics.push({ severity: 'error', code: 'config-and-setting', file, line: pos.line, column: pos.column, field: formatPath(['spec', 'chain', index, 'settings', key]), message: `${key} is decided by the gateway files (config.files), not here`, hint: `remove it from settings, or drop config to set it here` });
    }
    const loaded = loadUserGatewayConfig({ product: gw.product, config: cfg, scenarioFile: file, configPath: ['spec', 'chain', index, 'config'], scenarioAt: (p) => locate(doc, lc, p) });
    diagnostics.push(...loaded.diagnostics);
    if (!loaded.config || conflict) return;
    if ('replicas' in loaded.settings && 'replicas' in raw) {
      const pos = locate(doc, lc, ['spec', 'chain', index, 'settings', 'replicas'], true);
      diagnostics.push({ severity: 'error', code: 'config-and-setting', file, line: pos.line, column: pos.column, field: formatPath(['spec', 'chain', index, 'settings', 'replicas']), message: 'replicas is set by the EnvoyProxy in the gateway files too', hint: 'keep one of the two' });
      return;
    }
    const merged = CATALOG[h.component].settings.safeParse({ ...raw, ...loaded.settings });
    if (!merged.success) {
      const pos = locate(doc, lc, ['spec', 'chain', index, 'config', 'files']);
      for (const i of merged.error.issues)
        diagnostics.push({ severity: 'error', code: 'config-setting-invalid', file, line: pos.line, column: pos.column, field: formatPath(['spec', 'chain', index, 'config', 'files']), message: `the files decide ${i.path.join('.')}, which the lab cannot take: ${i.message}`, hint: 'check the policy field it comes from' });
      return;
    }
    (h as { settings: unknown }).settings = merged.data;
    userConfigs.set(index, loaded.config);
  });
  const refs: Hop[] = sdoc.spec.chain.map((h, index) => ({ index, name: h.name ?? h.component, component: h.component, entry: CATALOG[h.component], settings: h.settings }));
  const ruleProblems: Diagnostic[] = [...structuralRules(sdoc, refs, file)];
  if (!ruleProblems.some((d) => d.severity === 'error' && d.code.startsWith('chain-'))) {
    for (const ref of refs) ruleProblems.push(...(CATALOG[ref.component].rules?.(ref, refs) ?? []));
  }
  for (const d of ruleProblems) {
    const pos = locate(doc, lc, d.path);
    diagnostics.push({ severity: d.severity, code: d.code, file, line: pos.line, column: pos.column, field: formatPath(d.path), message: d.message, hint: d.hint });
  }
  const sorted = sortDiagnostics(diagnostics);
  if (sorted.some((d) => d.severity === 'error')) return { diagnostics: sorted };

  const hops: ResolvedHop[] = sdoc.spec.chain.map((h, index) => {
    const entry = CATALOG[h.component];
    const base = entry.latency(h.settings);
    const latency = h.latency ? scenarioOverride(base, h.latency, basename(file)) : base;
    const userConfig = userConfigs.get(index);
    return { index, name: refs[index].name, component: h.component, entry, settings: h.settings, latency, ...(userConfig ? { userConfig } : {}) };
  });
  const svc = hops[hops.length - 1].settings;
  const hasGateway = !!gatewayOf(hops);
  const scenario: Scenario = {
    file,
    // The scenario as loaded: its file and the gateway files it names (editing those is a change to the scenario).
    sha256: scenarioHash(source, [...userConfigs.values()].flatMap((c) => c.files)),
    name: sdoc.metadata.name,
    doc: sdoc,
    cluster: sdoc.spec.cluster,
    hops,
    appClientIpFrom: svc.clientIpFrom === 'auto' ? (hasGateway ? 'gateway' : 'socket') : svc.clientIpFrom,
  };
  return { scenario, diagnostics: sorted };
}

function scenarioHash(source: string | Uint8Array, files: string[]): string {
  const h = createHash('sha256').update(source);
  for (const f of files) h.update(`\0${f}\0`).update(readFileSync(f));
  return h.digest('hex');
}
