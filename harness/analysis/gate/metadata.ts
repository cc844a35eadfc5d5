// What makes two runs comparable, and what differs when they are not. The gate compares a baseline
// recorded earlier (maybe elsewhere) with fresh runs; a baseline from another scenario, provider, lab
// version or machine class measures something else, and the gate must say so instead of flagging (or
// passing) a difference it cannot interpret.
import type { RunResult } from '../../result/types.ts';

/** The facts of a run that decide whether its figures compare with another's. */
export interface RunMetadata {
  scenario: string;
  scenarioSha256: string;
  provider: string;
  labVersion: string;
  gitRevision: string | null;
  resultSchemaVersion: number;
  /** Machine class: what the latency figures depend on besides the system under test. */
  machine: { platform: string; cpus: number; cpuModel?: string; node: string };
  load: {
    driver: string;
    executor: string;
    targetRps: number;
    durationS: number;
    warmupS: number;
    connectionMode: string;
    sources: number;
    /** Modeled hop latencies injected (false with --no-latency); null when the run did not record it. */
    injectLatency: boolean | null;
  };
  latencyFidelity: string;
  /** What realized each hop ("envoy 1.31", "builtin envoy-gateway emulation", ...). */
  realization: Array<{ hop: string; component: string; realizedBy: string }>;
}

export function runMetadata(r: RunResult): RunMetadata {
  const s = r.meta.settings as Record<string, unknown>;
  const host = r.meta.host as RunResult['meta']['host'] & { cpuModel?: string };
  return {
    scenario: r.scenario,
    scenarioSha256: r.meta.scenarioSha256,
    provider: r.provider,
    labVersion: r.meta.labVersion,
    gitRevision: r.meta.gitRevision,
    resultSchemaVersion: r.schemaVersion,
    machine: { platform: host.platform, cpus: host.cpus, ...(host.cpuModel ? { cpuModel: host.cpuModel } : {}), node: host.node },
    load: {
      driver: r.load.driver,
      executor: r.load.executor,
      targetRps: r.load.targetRps,
      durationS: r.load.durationS,
      warmupS: r.load.warmupS,
      connectionMode: r.load.connectionMode,
      sources: r.load.sources,
      injectLatency: typeof s.injectLatency === 'boolean' ? s.injectLatency : null,
    },
    latencyFidelity: r.latencyMs.fidelity,
    realization: r.hops.map((h) => ({ hop: h.name, component: h.component, realizedBy: h.realizedBy })),
  };
}

/**
 * refuse: the figures measure different things; comparing them would be wrong whatever the statistics say.
 * warn: comparable, but a difference may come from this rather than from the change under test.
 * info: expected differences (the change under test lives here), shown for the record.
 */
export type Severity = 'refuse' | 'warn' | 'info';

/** Keys a user can accept on the command line to turn a refusal into a warning. */
export type DifferenceKey = 'scenario' | 'provider' | 'lab-version' | 'machine' | 'load' | 'fidelity' | 'realization' | 'runtime' | 'schema' | 'scenario-file' | 'revision';

export interface MetaDifference {
  key: DifferenceKey;
  field: string;
  baseline: string;
  current: string;
  severity: Severity;
  why: string;
  fix: string;
}

const RECORD = 'record a baseline under the same conditions, here: exposure-lab baseline record <scenario>';

function versionParts(v: string): number[] {
  return v.replace(/^v/, '').split(/[.-]/).slice(0, 3).map((x) => Number.parseInt(x, 10) || 0);
}

/** The tool that realized a hop, without its version ("Envoy Gateway v1.9.1 (standalone) + Envoy v1.39.1" -> "envoy"). */
function toolOf(realizedBy: string): string {
  return realizedBy.split(/[\s(]/)[0].toLowerCase();
}

/** Every difference between a baseline's metadata and the current run's, most severe first. */
export function compareMetadata(base: RunMetadata, cur: RunMetadata): MetaDifference[] {
  const out: MetaDifference[] = [];
  const add = (d: MetaDifference) => out.push(d);
  if (base.scenario !== cur.scenario) {
    add({ key: 'scenario', field: 'scenario', baseline: base.scenario, current: cur.scenario, severity: 'refuse', why: 'the baseline measures another topology', fix: `use the baseline of ${cur.scenario} (reports/baselines/${cur.scenario}.json), or ${RECORD}` });
  }
  if (base.provider !== cur.provider) {
    add({ key: 'provider', field: 'provider', baseline: base.provider, current: cur.provider, severity: 'refuse', why: 'another provider realizes every hop differently (local processes, kind, EKS, model)', fix: `run the gate with --provider ${base.provider}, or ${RECORD}` });
  }
  if (base.labVersion !== cur.labVersion) {
    const [bM, bm] = versionParts(base.labVersion);
    const [cM, cm] = versionParts(cur.labVersion);
    const minor = bM !== cM || bm !== cm;
    add({ key: 'lab-version', field: 'labVersion', baseline: base.labVersion, current: cur.labVersion, severity: minor ? 'refuse' : 'warn', why: minor ? "a new lab version may change the emulation and the driver, whose own latency is part of every figure" : 'a patch release of the lab: the emulation should not have changed, but check its release notes', fix: `re-record the baseline with lab ${cur.labVersion}, or accept the difference with --allow lab-version` });
  }
  if (base.resultSchemaVersion !== cur.resultSchemaVersion) {
    add({ key: 'schema', field: 'schemaVersion', baseline: String(base.resultSchemaVersion), current: String(cur.resultSchemaVersion), severity: 'warn', why: 'the result format changed between the two runs', fix: 're-record the baseline with this lab version' });
  }
  const mb = base.machine;
  const mc = cur.machine;
  const machine: Array<[string, string, string]> = [];
  if (mb.platform !== mc.platform) machine.push(['machine.platform', mb.platform, mc.platform]);
  if (mb.cpus !== mc.cpus) machine.push(['machine.cpus', String(mb.cpus), String(mc.cpus)]);
  if (mb.cpuModel && mc.cpuModel && mb.cpuModel !== mc.cpuModel) machine.push(['machine.cpuModel', mb.cpuModel, mc.cpuModel]);
  for (const [field, b, c] of machine) {
    add({ key: 'machine', field, baseline: b, current: c, severity: 'refuse', why: 'latency depends on the machine; runs on different machine classes do not compare', fix: 'record the baseline on the machine class CI uses (one baseline per class: baseline record <scenario> --name <scenario>-<class>), or accept it with --allow machine' });
  }
  if (versionParts(mb.node)[0] !== versionParts(mc.node)[0]) {
    add({ key: 'runtime', field: 'machine.node', baseline: mb.node, current: mc.node, severity: 'warn', why: 'another Node.js major version runs the driver and the emulated hops', fix: 'use the Node.js version the baseline was recorded with, or re-record the baseline' });
  }
  const lb = base.load;
  const lc = cur.load;
  const hard: Array<keyof RunMetadata['load']> = ['driver', 'executor', 'targetRps', 'connectionMode', 'injectLatency'];
  for (const k of hard) {
    if (lb[k] !== lc[k] && lb[k] !== null && lc[k] !== null) {
      add({ key: 'load', field: `load.${k}`, baseline: String(lb[k]), current: String(lc[k]), severity: 'refuse', why: 'the offered load differs: latency and errors depend on it', fix: `run the gate with the baseline's load (regress re-runs it by default; drop the --${k === 'targetRps' ? 'rate' : k} override), or ${RECORD}` });
    }
  }
  const soft: Array<keyof RunMetadata['load']> = ['durationS', 'warmupS', 'sources'];
  for (const k of soft) {
    if (lb[k] !== lc[k]) {
      add({ key: 'load', field: `load.${k}`, baseline: String(lb[k]), current: String(lc[k]), severity: 'warn', why: k === 'sources' ? 'fewer or more client addresses change connection reuse' : 'run length changes how much each run varies (the minimum detectable effect), and a short warm-up can bias the first seconds', fix: "keep the baseline's run length, or re-record the baseline with the new one" });
    }
  }
  if (base.latencyFidelity !== cur.latencyFidelity) {
    add({ key: 'fidelity', field: 'latencyMs.fidelity', baseline: base.latencyFidelity, current: cur.latencyFidelity, severity: 'refuse', why: 'one side is measured through real components and the other emulated or modeled', fix: `make the same components available on both sides (see the hop list), or ${RECORD}` });
  }
  const hops = new Map(base.realization.map((h) => [h.hop, h]));
  for (const h of cur.realization) {
    const b = hops.get(h.hop);
    if (!b) {
      add({ key: 'realization', field: `hops.${h.hop}`, baseline: '(absent)', current: h.realizedBy, severity: 'info', why: 'the hop is new in the current scenario: part of the change under test', fix: 'none needed if the change adds this hop' });
      continue;
    }
    hops.delete(h.hop);
    if (b.realizedBy === h.realizedBy) continue;
    const sameTool = toolOf(b.realizedBy) === toolOf(h.realizedBy);
    add({
      key: 'realization',
      field: `hops.${h.hop}.realizedBy`,
      baseline: b.realizedBy,
      current: h.realizedBy,
      severity: sameTool ? 'info' : 'refuse',
      why: sameTool ? 'another version of the same component: this may be the change under test' : 'another program realizes this hop (e.g. a stand-in instead of the real gateway): the figures measure a different thing',
      fix: sameTool ? 'none needed if the version change is what you are gating' : `install what the baseline used (${b.realizedBy}) so the same component runs, or accept it with --allow realization`,
    });
  }
  for (const b of hops.values()) {
    add({ key: 'realization', field: `hops.${b.hop}`, baseline: b.realizedBy, current: '(absent)', severity: 'info', why: 'the hop is gone from the current scenario: part of the change under test', fix: 'none needed if the change removes this hop' });
  }
  if (base.scenarioSha256 !== cur.scenarioSha256) {
    add({ key: 'scenario-file', field: 'meta.scenarioSha256', baseline: base.scenarioSha256.slice(0, 12), current: cur.scenarioSha256.slice(0, 12), severity: 'info', why: 'the scenario file changed: expected when it carries the change under test', fix: 'none' });
  }
  if (base.gitRevision !== cur.gitRevision) {
    add({ key: 'revision', field: 'meta.gitRevision', baseline: base.gitRevision ?? '(none)', current: cur.gitRevision ?? '(none)', severity: 'info', why: 'another revision of the lab and its configuration', fix: 'none' });
  }
  const rank: Record<Severity, number> = { refuse: 0, warn: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

export interface Admission {
  /** False when any refusal remains after the accepted keys are downgraded. */
  ok: boolean;
  refusals: MetaDifference[];
  warnings: MetaDifference[];
  infos: MetaDifference[];
  /** One paragraph for the user: what differs, why it matters, what to do. */
  message: string;
}

/** Applies the user's --allow list (refusals with those keys become warnings) and words the outcome. */
export function admit(diffs: MetaDifference[], accepted: ReadonlyArray<DifferenceKey> = []): Admission {
  const adjusted = diffs.map((d) => (d.severity === 'refuse' && accepted.includes(d.key) ? { ...d, severity: 'warn' as const, why: `${d.why} (accepted with --allow ${d.key})` } : d));
  const refusals = adjusted.filter((d) => d.severity === 'refuse');
  const warnings = adjusted.filter((d) => d.severity === 'warn');
  const infos = adjusted.filter((d) => d.severity === 'info');
  const line = (d: MetaDifference) => `- ${d.field}: baseline ${d.baseline}, current ${d.current}: ${d.why}. To fix: ${d.fix}`;
  const parts: string[] = [];
  if (refusals.length) parts.push(`the baseline does not compare with this run (${refusals.length} difference${refusals.length > 1 ? 's' : ''}):\n${refusals.map(line).join('\n')}`);
  if (warnings.length) parts.push(`${refusals.length ? 'also' : 'compared, but note'}:\n${warnings.map(line).join('\n')}`);
  return { ok: refusals.length === 0, refusals, warnings, infos, message: parts.join('\n') };
}
