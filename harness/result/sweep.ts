// sweep.json: what `exposure-lab sweep` stores. Every figure modeled.

export interface SweepPoint {
  /** Daily mean request rate of the point (the x axis). */
  rps: number;
  /** Rate actually simulated (the peak hour's when the profile has a daily shape). */
  simulatedRps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errorRate: number;
  byStatus: Record<string, number>;
  clientTimeouts: number;
  monthlyUsd: number | null;
  sampled: boolean;
  simulatedRequests: number;
}

export interface ScenarioSweep {
  scenario: string;
  capacityRps: number | null;
  capacityBy: string;
  points: SweepPoint[];
  /** Lowest swept rate where errors pass 1% or p99 doubles (and grows by 1 ms or more) from the lowest rate's. */
  saturation: { rps: number; why: string } | null;
  notes: string[];
}

export interface Crossing {
  metric: 'p99' | 'monthly cost';
  /** Better (lower) below the rate. */
  lowerBelow: string;
  lowerAbove: string;
  rps: number;
}

export interface SweepData {
  fidelity: 'modeled';
  rps: number[];
  durationS: number;
  peakFactor: number;
  scenarios: ScenarioSweep[];
  crossovers: Crossing[];
  notes: string[];
}
