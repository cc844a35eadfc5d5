// The k6 driver: script generation, running, summary reading, and k6-operator manifests.
export { writeK6Script, type K6ScriptMeta } from './script.ts';
export { readK6Summary, K6_SUMMARY_MISSING } from './summary.ts';
export { runK6, k6Version, K6_IMAGE } from './run.ts';
export { testRunManifests, validateTestRun, mergeRunnerResults, type RunnerResult } from './operator.ts';
