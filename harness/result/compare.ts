// compare.json: what `exposure-lab compare` stores (every run's result.json embedded). The analysis reads it,
// the report renders it.
import type { RunResult } from './types.ts';

export const COMPARE_VERSION = 1;

/** compare.json: the comparison's own source of truth; it embeds every run's result.json. */
export interface CompareDoc {
  kind: 'exposure-lab-compare';
  version: number;
  createdAt: string;
  endedAt: string;
  settings: { provider: string; rate: number; durationS: number; warmupS: number; profile: string; repeat: number; injectLatency: boolean; seed: number };
  /** The profile's traffic, for cost per million requests. */
  profile: { name: string; requestsPerSecond: number; hoursPerMonth: number } | null;
  scenarios: string[];
  runs: Array<{ scenario: string; repeat: number; dir: string; result: RunResult }>;
  /** Scenarios that could not run at all (e.g. provisioning failed), with the reason. */
  failed: Array<{ scenario: string; repeat: number; error: string }>;
  features: Record<string, Record<string, string | boolean>>;
  costSweep: { profile: string; points: CostPoint[]; crossovers: CostCrossover[]; fidelity: 'modeled' } | null;
  interrupted: boolean;
}


export interface CostPoint {
  scenario: string;
  rps: number;
  monthlyUsd: number;
}

export interface CostCrossover {
  rps: number;
  monthlyUsd: number;
  cheaperBelow: string;
  cheaperAbove: string;
}
