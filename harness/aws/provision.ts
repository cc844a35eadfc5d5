// Running a plan's AWS steps: each step prints an ok / FAILED line; a failure undoes what the run created, in
// reverse, and the error says which call failed and what to do (the IAM action, the quota), lists what could
// not be undone and the sweep command that removes it. Teardown does the same at the end of a run.
import { runSteps, StepError, type Step } from '../cluster/steps.ts';
import { UserError } from '../lib/errors.ts';
import type { AwsTarget } from './clients.ts';
import { ENDPOINT_ENV } from './clients.ts';
import { explain } from './errors.ts';
import type { AwsPlan } from './plan.ts';
import { stepsFor } from './realizers.ts';
import type { AwsRun, Created, HopOutput } from './run.ts';
import { runTag } from './tags.ts';

/** The command that removes what a run left behind (with the environment that points it at the same AWS). */
export function sweepCommand(target: AwsTarget, runId: string): string {
  const env = [`AWS_REGION=${target.region}`, ...(target.endpoint ? [`${ENDPOINT_ENV}=${target.endpoint}`] : [])];
  return `${env.join(' ')} npx exposure-lab sweep --run ${runTag(runId)} --yes`;
}

/** Wraps steps so each prints "ok <name>" or "FAILED <name>: <what went wrong>" once it ends. */
export function withStatusLines<C>(steps: Step<C>[], log: (l: string) => void): Step<C>[] {
  return steps.map((s) => ({
    ...s,
    run: async (c: C, signal: AbortSignal) => {
      try {
        await s.run(c, signal);
        log(`ok      ${s.name}`);
      } catch (e) {
        log(`FAILED  ${s.name}: ${explain(e).message}`);
        throw e;
      }
    },
    // An undo's error reaches the runner's list in the user's words (which call, what code).
    ...(s.undo
      ? {
          undo: async (c: C) => {
            try {
              await s.undo!(c);
            } catch (e) {
              throw explain(e);
            }
          },
        }
      : {}),
  }));
}

export function leftoverLines(left: Created[], target: AwsTarget, runId: string): string[] {
  if (!left.length) return [];
  return ['could not be undone (still in AWS, tagged with the run id):', ...left.map((c) => `  - ${c.label}`), `remove them with: ${sweepCommand(target, runId)}`];
}

/** A provisioning failure in the user's words (a UserError: no stack trace, exit non-zero). */
export function provisionFailure(e: unknown, run: AwsRun): UserError {
  const step = e instanceof StepError ? e.step : 'AWS provisioning';
  const cause = e instanceof StepError ? e.cause : e;
  const x = explain(cause);
  const undo = e instanceof StepError ? e.undoErrors : [];
  const lines = [`step "${step}" failed: ${x.message}`];
  if (x.iamActions.length) lines.push(`missing permission: ${x.iamActions.join(', ')}`);
  if (undo.length) lines.push(`undo errors: ${undo.join('; ')}`);
  lines.push(...leftoverLines(run.created, run.clients.target, run.runId));
  if (!run.created.length) lines.push('everything the run created in AWS was undone');
  return new UserError(lines.join('\n'), x.hint, 1);
}

export interface AwsProvisioned {
  /** What the client talks to when an SDK resource is the entry. */
  entry: HopOutput | null;
  outputs: Map<string, HopOutput>;
  /** Undo every step in reverse; returns lines about what could not be undone (empty when all went). */
  teardown(): Promise<string[]>;
}

/** Provisions the plan's AWS side on its own (the eks provider runs the same steps after its Kubernetes ones). */
export async function provisionAws(run: AwsRun, plan: AwsPlan, o: { signal?: AbortSignal } = {}): Promise<AwsProvisioned> {
  let p;
  try {
    p = await runSteps(withStatusLines(stepsFor(plan), run.log), run, { log: run.log, signal: o.signal });
  } catch (e) {
    throw provisionFailure(e, run);
  }
  const provisioned = p;
  return {
    entry: plan.entry ? (run.outputs.get(plan.entry) ?? null) : null,
    outputs: run.outputs,
    teardown: async () => {
      await provisioned.teardown();
      return [...provisioned.teardownErrors.map((t) => `undo failed: ${t}`), ...leftoverLines(run.created, run.clients.target, run.runId)];
    },
  };
}
