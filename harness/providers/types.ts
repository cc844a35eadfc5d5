// The two shapes a provider takes. Realizers (local, kind, cluster, eks) turn a
// scenario into something real that a load driver then drives; a simulator (model) computes the run itself.
// runBench takes one path for each.
import type { EmulationRecord, HopRealization } from '../result/types.ts';
import type { LoadOutcome, LoadShape, LoadTarget } from '../load/types.ts';
import type { Scenario } from '../scenario/model.ts';
import type { CalibrationRecord } from '../result/calibration.ts';
import type { PathDelayPlan } from '../load/path-delay.ts';
import type { Profile } from '../cost/types.ts';

export const PROVIDER_NAMES = ['local', 'kind', 'cluster', 'eks', 'model'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export type Availability = { ok: true } | { ok: false; reason: string; hint: string };

export interface RealizeOptions {
  /** Unique per run; providers derive names/addresses from it so parallel runs never collide. */
  runId: string;
  signal?: AbortSignal;
  /** Inject each hop's modeled latency (default true). false measures the lab's own overhead per hop. */
  injectLatency: boolean;
  /** Seed for every random choice (latency samples, weighted routing). */
  seed: number;
  log: (line: string) => void;
  /** Cloud providers (eks): create billed resources without asking (bench --yes). */
  yes?: boolean;
  /** Cloud providers: asks the user to confirm what will be created (a terminal prompt); absent: refuse unless yes. */
  confirm?: (summary: string) => Promise<boolean>;
  /** Cloud providers: the traffic profile and rate of the run, for the cost per hour shown before anything is created. */
  cost?: { profile?: Profile; rateRps?: number };
}

export interface Realized {
  /** Where the client sends traffic. */
  entry: LoadTarget;
  /** Client source addresses to use (127.x locally). */
  sources: string[];
  hops: HopRealization[];
  /** Response headers the echo service sets, for the load driver's observe option. */
  observe: { clientIpHeader: string; tallyHeaders: string[] };
  /** Tool and data-plane versions used (nginx, Envoy Gateway + Envoy, ...). */
  tools: Record<string, string>;
  /** Processes started (pid and what), for teardown checks and the report. */
  processes: Array<{ pid: number; what: string }>;
  /** Errors hops reported while running (crashes, restarts); filled in as they happen. */
  incidents: string[];
  /**
   * Present when the realization leaves the modeled delays to whoever sends the traffic (no hop holds a
   * request): a driver that can hold requests applies `plan` itself (LoadPlan.pathDelay); one that cannot
   * (k6) sends to `entryStage()` instead. Absent: the hops inject their own delays (or none is modeled).
   */
  delays?: PathDelays;
  /**
   * Where a client can enter the chain at each hop (index as in `hops`; the last is the service itself), for
   * the start-up probes that measure each hop's added latency and the lab floor; null where it cannot (a hop
   * collapsed into kernel NAT rules). Absent: the provider offers no such entries.
   */
  entries?: Array<LoadTarget | null>;
  /** How the emulated hops were realized (local provider); `delays` is filled in by whoever drives it. */
  emulation?: Omit<EmulationRecord, 'delays'>;
  /** Stops everything provision started. Idempotent; safe to call from a signal handler. */
  teardown(): Promise<void>;
  /** The load's measurement window (epoch ms, warm-up excluded), so figures read back at teardown cover it alone. */
  markLoadWindow?(window: { fromMs: number; toMs: number }): void;
}

/** How a realization's modeled delays get applied (one precise point per request; docs/emulation.md). */
export interface PathDelays {
  /** Every modeled delay of the path; null when nothing is injected (--no-latency). */
  plan: PathDelayPlan | null;
  /**
   * For a driver that cannot hold requests: starts one precise delay stage in front of the entry (a single
   * process that applies `plan` per request and forwards from the client's own address, so every hop still
   * sees the true source) and resolves to the target to send to. Idempotent; stopped by teardown.
   */
  entryStage(): Promise<LoadTarget>;
}

/** A provider that realizes the scenario; a load driver then sends real traffic through it. */
export interface Realizer {
  shape: 'realizer';
  name: ProviderName;
  /** Whether this machine can realize scenarios with this provider, and if not, what to do. */
  available(): Promise<Availability>;
  provision(scenario: Scenario, opts: RealizeOptions): Promise<Realized>;
}

export interface SimulateOptions {
  seed: number;
  log: (line: string) => void;
  /** result.json files (or run folders) to calibrate from. */
  calibrateFrom?: string[];
  /** A traffic profile whose daily shape and connection mix apply. */
  profile?: string;
}

export interface Simulated {
  outcome: LoadOutcome;
  hops: HopRealization[];
  /** Calibration, seeds, model assumptions: recorded in result.json. */
  notes: string[];
  /** Model calibration (fit and goodness) when one was applied. */
  calibration?: CalibrationRecord;
}

/** A provider without processes: it computes the run (every figure modeled). */
export interface Simulator {
  shape: 'simulator';
  name: ProviderName;
  available(): Promise<Availability>;
  simulate(scenario: Scenario, load: LoadShape, opts: SimulateOptions): Promise<Simulated>;
}

export type Provider = Realizer | Simulator;
