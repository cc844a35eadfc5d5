// Every CLI command, in the order `exposure-lab --help` lists them. Modules load only when their command
// runs, so a quick `list` does not pay for the load driver or the emulation.
import type { Command } from '../command.ts';

export interface CommandRef {
  name: string;
  summary: string;
  load(): Promise<Command>;
}

export const COMMANDS: CommandRef[] = [
  { name: 'bench', summary: 'run one scenario under load; writes reports/runs/<UTC time>-<scenario>/ (folder printed last)', load: async () => (await import('./bench.ts')).bench },
  { name: 'compare', summary: 'architecture-review report across scenarios under the same load; writes reports/compare/<UTC time>/ (folder printed last)', load: async () => (await import('./compare.ts')).compare },
  { name: 'regress', summary: 'CI gate: compare a run with a baseline (threshold + significance test); JUnit XML, markdown; exit 1 on regression', load: async () => (await import('./regress.ts')).regressCommand },
  { name: 'baseline', summary: 'promote a run to the regression baseline (reports/baselines/<scenario>.json), or list baselines', load: async () => (await import('./baseline.ts')).baseline },
  { name: 'report', summary: 're-render report.md, report.html and charts/*.svg of a run from its result.json alone', load: async () => (await import('./report.ts')).report },
  { name: 'list', summary: 'list the scenarios in scenarios/ with their path of a request', load: async () => (await import('./list.ts')).list },
  { name: 'validate', summary: 'check scenario files: schema, then AWS/Kubernetes domain rules (exit 1 on errors)', load: async () => (await import('./validate.ts')).validate },
  { name: 'plan', summary: 'show a scenario hop by hop: behaviour, modeled latency, limits, features, warnings', load: async () => (await import('./plan.ts')).plan },
  { name: 'catalog', summary: 'list the component catalog: kinds, layer, default latency model, its confidence and sources', load: async () => (await import('./catalog.ts')).catalog },
  { name: 'schema', summary: 'print the JSON Schema of scenario files (committed as infra/schemas/scenario.schema.json)', load: async () => (await import('./schema.ts')).schema },
  { name: 'manifests', summary: 'print the validated Kubernetes objects that realize a scenario on kind, an existing cluster or EKS (nothing applied)', load: async () => (await import('./manifests.ts')).manifests },
  { name: 'cost', summary: 'monthly AWS bill of a scenario for a traffic profile (modeled), comparisons, cost vs request rate', load: async () => (await import('./cost.ts')).cost },
  { name: 'prices', summary: 'show the dated price snapshot, or refresh it from the AWS Price List API (needs credentials)', load: async () => (await import('./prices.ts')).prices },
  { name: 'calibrate', summary: 'fit per-hop latency distributions from your own measured runs into a calibration overlay (bench --calibration)', load: async () => (await import('./calibrate.ts')).calibrate },
  { name: 'sweep', summary: 'model p50/p99, errors and cost against request rate (--rps); with --run/--all: list/delete what runs left in AWS and Kubernetes', load: async () => (await import('./sweep.ts')).sweep },
  { name: 'doctor', summary: 'check the external tools (Envoy, Envoy Gateway, k6, Kubernetes control plane, AWS emulator, ...) and Docker/kind/kubectl/AWS credentials', load: async () => (await import('./doctor.ts')).doctor },
  { name: 'ip-matrix', summary: 'run the rows of facts/client-ip.md as scenario variants with real traffic; measured vs documented (exit 1 on a mismatch)', load: async () => (await import('./ip-matrix.ts')).ipMatrix },
];
