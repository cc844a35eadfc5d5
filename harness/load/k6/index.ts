// The k6 driver: script generation, local runners (one or the k6-operator's N), raw-sample reading and merging,
// and the k6-operator TestRun with its log collector.
export { writeK6Script, type K6ScriptMeta } from './script.ts';
export { runK6, requireK6, k6Version, k6Image, type K6RunOptions } from './run.ts';
export { K6SampleReader, readK6Samples, type RunnerSamples } from './samples.ts';
export { outcomeFromRunners, K6_UNAVAILABLE, type RunnerRun } from './outcome.ts';
export { operatorSegments, splitSources, type RunnerSegment } from './segments.ts';
export { testRunManifests, validateTestRun, collectTestRun, kubeTestRunApi, runnerSelector, type TestRunApi, type RunnerPod } from './operator.ts';
