// The cost engine's public API: profiles, price snapshots, pricing a scenario or a measured run, sweeps.
export { loadProfile, loadProfileText, profileSchema } from './profile.ts';
export { loadPriceSnapshot, availableRegions, getPrice, MissingPriceError, PRICES_DIR } from './prices.ts';
export { priceScenario, priceScenarioExact, walkScenario } from './engine.ts';
export type { PricedScenario } from './engine.ts';
export { usageFromMeasuredRun, costForRun } from './run.ts';
export type { MeasuredTraffic } from './run.ts';
export { sweepCost, atRate, logSpaced } from './sweep.ts';
export type { SweepPoint, Crossover } from './sweep.ts';
export { renderBill, renderCompare, renderSweep } from './format.ts';
export type { CostFormat } from './format.ts';
export type { Profile, PriceSnapshot, Price, CostResult, CostModel, CostLineDraft, HopCostContext, CostScenario } from './types.ts';
