// A model calibration as result.json (meta.settings.calibration) and sweep.json record it: fits from
// measured runs, each with its goodness and source.

export interface Goodness {
  /** Kolmogorov-Smirnov distance between the run's histogram and the fitted distribution. */
  ks: number;
  /** (fitted - measured) / measured at each percentile. */
  relErr: { p50: number; p90: number; p99: number };
  samples: number;
}

export interface FloorFit {
  scenario: string;
  source: string;
  provider: string;
  rateRps: number;
  p50Ms: number;
  p99Ms: number;
  quantilesMs: number[];
  why: string;
}

export interface PathFit {
  scenario: string;
  source: string;
  provider: string;
  rateRps: number;
  method: 'log-moments' | 'p50-p99';
  medianMs: number;
  p99Ms: number;
  sigma: number;
  goodness: Goodness;
  /** The other method's goodness, to show why this one was kept. */
  rejected: { method: string; ks: number };
}

export interface CapacityFit {
  scenario: string;
  hop: string;
  perReplicaRps: number;
  source: string;
  why: string;
}

/** What result.json records about a calibration (quantile tables left out). */
export interface CalibrationRecord {
  fidelity: 'modeled';
  sources: string[];
  floors: Array<Omit<FloorFit, 'quantilesMs'>>;
  paths: PathFit[];
  capacity: CapacityFit[];
  notes: string[];
}
