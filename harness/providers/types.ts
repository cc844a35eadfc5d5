// One interface for every realization of a scenario: local (loopback processes), kind, eks, model.
import type { HopRealization } from '../result/types.ts';
import type { LoadTarget } from '../load/types.ts';
import type { Scenario } from '../scenario/model.ts';

export const PROVIDER_NAMES = ['local', 'kind', 'eks', 'model'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface ProvisionOptions {
  /** Unique per run; providers derive names/addresses from it so parallel runs never collide. */
  runId: string;
  signal?: AbortSignal;
  /** Inject each hop's modeled latency (default true). false measures the lab's own overhead per hop. */
  injectLatency: boolean;
  /** Seed for every random choice (latency samples, weighted routing). */
  seed: number;
  log: (line: string) => void;
  /** Model provider only: result.json files to calibrate from, and a profile whose daily shape and connection mix apply. */
  model?: { calibrateFrom?: string[]; profile?: string };
}

export interface Realized {
  /** Where the client sends traffic. */
  entry: LoadTarget;
  /** Client source addresses to use (127.x locally). */
  sources: string[];
  hops: HopRealization[];
  /** Response headers the echo service sets, for the load driver's observe option. */
  observe: { clientIpHeader: string; tallyHeaders: string[] };
  /** Tool and data-plane versions used (nginx, haproxy, envoy, ...). */
  tools: Record<string, string>;
  /** Processes started (pid and what), for teardown checks and the report. */
  processes: Array<{ pid: number; what: string }>;
  /** Errors hops reported while running (crashes, restarts); filled in as they happen. */
  incidents: string[];
  /** Stops everything provision started. Idempotent; safe to call from a signal handler. */
  teardown(): Promise<void>;
}

export interface Simulated {
  outcome: import('../load/types.ts').LoadOutcome;
  hops: HopRealization[];
  /** Calibration, seeds, model assumptions: recorded in result.json. */
  notes: string[];
  /** Model calibration (fit and goodness) when one was applied: the lead stores it in result.json. */
  calibration?: import('./model/calibrate.ts').CalibrationRecord;
}

export interface Provider {
  name: ProviderName;
  /**
   * Providers without processes (model) compute the run instead of provisioning: runBench calls this in
   * place of provision() + a load driver. Every figure it returns is modeled.
   */
  simulate?(scenario: Scenario, plan: import('../load/types.ts').LoadPlan, opts: ProvisionOptions): Promise<Simulated>;
  /** Whether this machine can realize scenarios with this provider, and if not, what to do. */
  available(): Promise<{ ok: true } | { ok: false; reason: string; hint: string }>;
  provision(scenario: Scenario, opts: ProvisionOptions): Promise<Realized>;
}
