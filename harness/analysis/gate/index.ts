// The regression gate's statistics and input checks (pure). The `regress` command wires them: it reads the
// baseline (parseBaseline), checks it compares (compareMetadata + admit), runs the current side, turns each
// run into a RunSample (runSample) and asks evaluateGate for the verdict. See docs/regression-gate.md.
export { evaluateGate, gateExitCode, learnedDrift, driftFor, type GateInput, type GateVerdict, type MetricVerdict, type MetricStatus, type MetricName, type Effect, type DetectableEffect } from './gate.ts';
export { DEFAULT_GATE_SETTINGS, type GateSettings, type MetricRule, type RunPlan } from './settings.ts';
export { runSample, type RunSample } from './sample.ts';
export { runMetadata, compareMetadata, admit, type RunMetadata, type MetaDifference, type Severity, type DifferenceKey, type Admission } from './metadata.ts';
export { parseBaseline, historyFromResults, appendSession, historyRuns, BaselineFileError, BASELINE_KIND, BASELINE_FORMAT_VERSION, type BaselineHistory, type BaselineSession } from './baseline-file.ts';
export { gateBudgetS, DEFAULT_OVERHEADS, type Overheads, type Budget } from './budget.ts';
export { rankSumTest, signedRankTest, shiftEstimate, pairedShiftEstimate, type RankTestResult, type ShiftEstimate } from './rank.ts';
export { fitVarianceModel, simulateSession, type VarianceModel, type SimEffect } from './variance-model.ts';
export { simulateGate, simulateInput, wilson, type SimDesign, type SimOutcome } from './simulate.ts';
