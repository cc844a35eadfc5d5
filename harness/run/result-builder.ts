// Assembles result.json from what a run produced. Pure: no I/O, so every provider yields the same shape. What
// the scenario contributes (the feature row, the configured route weights next to the measured split, the
// findings) is computed here, so the report renders result.json alone and never reads a scenario file.
import type { EmulationRecord, Fidelity, HopRealization, RunResult, SpoofFinding, CostLine } from '../result/types.ts';
import { RESULT_SCHEMA_VERSION } from '../result/types.ts';
import type { LoadOutcome, LoadShape } from '../load/types.ts';
import type { Scenario } from '../scenario/model.ts';
import type { ProviderName } from '../providers/types.ts';
import { combinedFeatures, weightedRoutes } from '../catalog/chain.ts';
import { ECHO_HEADERS } from '../catalog/components/service.ts';
import { weightSplit } from '../analysis/weights.ts';
import { findingsForRun } from '../analysis/findings.ts';

export interface RunParts {
  scenario: Scenario;
  provider: ProviderName;
  /** The load asked for, and how many client source addresses the driver used (0: simulated). */
  load: { shape: LoadShape; sources: number };
  outcome: LoadOutcome | null;
  hops: HopRealization[];
  startedAt: Date;
  endedAt: Date;
  meta: { labVersion: string; gitRevision: string | null; host: RunResult['meta']['host']; tools: Record<string, string>; settings: Record<string, unknown> };
  interrupted: boolean;
  error?: string;
  spoofing?: SpoofFinding[];
  cost?: RunResult['cost'];
  incidents: string[];
  warnings: string[];
  emulation?: EmulationRecord;
  floor?: RunResult['floor'];
}

/** The weakest fidelity on the path decides what an end-to-end number is. */
export function pathFidelity(hops: HopRealization[]): Fidelity {
  if (hops.some((h) => h.fidelity === 'modeled')) return 'modeled';
  if (hops.some((h) => h.fidelity === 'emulated')) return 'emulated';
  return 'measured';
}

const EMPTY_ERRORS = { connect: 0, timeout: 0, reset: 0, status4xx: 0, status5xx: 0, other: 0, byStatus: {} };

export function buildResult(p: RunParts): RunResult {
  const o = p.outcome;
  const fidelity = p.provider === 'model' ? 'modeled' : pathFidelity(p.hops);
  const reasons = [...(o?.validity.reasons ?? [])];
  if (p.error) reasons.unshift(`run failed: ${p.error}`);
  if (p.interrupted) reasons.push('interrupted before the planned end: figures cover what completed');
  if (p.incidents.length) reasons.push(...p.incidents.map((i) => `incident: ${i}`));
  const valid = !!o && !p.error && !p.interrupted && o.validity.valid && !p.incidents.length;
  const ci = o?.clientIp ?? { checked: 0, retained: 0, observedOther: [] };
  const routes = weightedRoutes(p.scenario.hops);
  const tally = o?.tallies?.[ECHO_HEADERS.version];
  const plan = p.load.shape;
  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    scenario: p.scenario.name,
    provider: p.provider,
    meta: {
      labVersion: p.meta.labVersion,
      gitRevision: p.meta.gitRevision,
      scenarioFile: p.scenario.file,
      scenarioSha256: p.scenario.sha256,
      startedAt: p.startedAt.toISOString(),
      endedAt: p.endedAt.toISOString(),
      host: p.meta.host,
      tools: p.meta.tools,
      settings: p.meta.settings,
      interrupted: p.interrupted,
    },
    load: {
      driver: o?.driver ?? 'none',
      executor: o?.executor ?? plan.executor.kind,
      targetRps: o?.targetRps ?? targetRate(plan),
      achievedRps: o?.achievedRps ?? 0,
      durationS: o?.durationS ?? 0,
      warmupS: plan.warmupS,
      requests: o?.requests ?? 0,
      errors: o?.errors ?? 0,
      errorsByKind: o?.errorsByKind ?? EMPTY_ERRORS,
      connectionMode: plan.connectionMode,
      sources: p.load.sources,
      bytesSent: o?.bytesSent ?? 0,
      bytesReceived: o?.bytesReceived ?? 0,
      newConnections: o?.newConnections ?? 0,
      maxConcurrentConnections: o?.maxConcurrentConnections ?? 0,
      fidelity: p.provider === 'model' ? 'modeled' : 'measured',
      ...(o?.missing?.length ? { unavailable: o.missing } : {}),
      ...(o?.runners ? { runners: o.runners } : {}),
      ...(o?.merge ? { merge: o.merge } : {}),
      ...(o?.incomplete?.length ? { incomplete: o.incomplete } : {}),
    },
    latencyMs: o
      ? { ...o.latencyMs, fidelity, histogram: o.histogram }
      : { p50: 0, p90: 0, p99: 0, max: 0, mean: 0, fidelity },
    throughput: o?.throughput ?? [],
    clientIp: {
      checked: ci.checked,
      retained: ci.retained,
      retentionRatio: ci.checked ? ci.retained / ci.checked : 0,
      observedOther: ci.observedOther,
      fidelity,
    },
    spoofing: p.spoofing,
    weights: routes && tally ? weightSplit(tally, routes) : undefined,
    features: { ...combinedFeatures(p.scenario.hops) } as Record<string, string | boolean>,
    hops: p.hops,
    ...(p.emulation ? { emulation: p.emulation } : {}),
    ...(p.floor ? { floor: p.floor } : {}),
    cost: p.cost,
    validity: {
      valid,
      reasons,
      achievedRatio: o?.validity.achievedRatio ?? 0,
      lateRequests: o?.validity.lateRequests ?? 0,
      unsentRequests: o?.validity.unsentRequests ?? 0,
      driverCpuPercent: o?.validity.driverCpuPercent,
      ...(o?.validity.lateThresholdMs !== undefined ? { lateThresholdMs: o.validity.lateThresholdMs } : {}),
      ...(o?.validity.maxSendLagMs !== undefined ? { maxSendLagMs: o.validity.maxSendLagMs } : {}),
      ...(o?.validity.latenessBiasMs ? { latenessBiasMs: o.validity.latenessBiasMs } : {}),
      ...(o?.validity.errorRatio !== undefined ? { errorRatio: o.validity.errorRatio } : {}),
      ...(o?.validity.notes?.length ? { notes: o.validity.notes } : {}),
    },
    warnings: p.warnings,
    findings: findingsForRun(p.scenario, o, p.spoofing),
    ...(p.error ? { error: p.error } : {}),
  } as RunResult;
}

export function targetRate(plan: LoadShape): number {
  const e = plan.executor;
  if (e.kind === 'constant-arrival-rate') return e.rate;
  if (e.kind === 'ramping-arrival-rate') return Math.max(e.startRate, ...e.stages.map((s) => s.target));
  return 0;
}

export type { CostLine };
