// The eks provider's AWS side (harness/aws does the work): plan the SDK-made hops from the catalog, check the
// account before anything is created (credentials, region, quotas, inputs, cost per hour) and ask (or take
// --yes), then hand the provider its steps, which run after the Kubernetes ones so the controllers' load
// balancers exist to be read back by tag.
import type { Step } from '../../cluster/steps.ts';
import type { Scenario } from '../../scenario/model.ts';
import type { LoadTarget } from '../../load/types.ts';
import type { RealizeOptions } from '../types.ts';
import { UserError } from '../../lib/errors.ts';
import { AwsClients, awsTargetFromEnv } from '../../aws/clients.ts';
import { AwsPlanError, planAws, type AwsPlan } from '../../aws/plan.ts';
import { precheck, precheckLines } from '../../aws/prechecks.ts';
import { stepsFor, AWS_REALIZERS } from '../../aws/realizers.ts';
import { sweepCommand, withStatusLines } from '../../aws/provision.ts';
import { runTag, TAG } from '../../aws/tags.ts';
import { awsInputsFromEnv, newAwsRun, waitsFor, type AwsRun } from '../../aws/run.ts';
import { describeFound, listLabResources } from '../../aws/sweep.ts';

export interface AwsSide {
  plan: AwsPlan;
  run: AwsRun;
  steps: Step<AwsRun>[];
  /** Names of the AWS steps (a failure in one of them is reported with the AWS failure report). */
  stepNames: Set<string>;
  /** The client's target when the entry is a resource the lab made (API Gateway, CloudFront, a standalone ALB). */
  entry(): LoadTarget | null;
  /** How the report names a hop the lab realized with the SDK (undefined for other hops). */
  realizedBy(hop: string): string | undefined;
  /** What the controllers created for the run, as read back by tag (for the report). */
  controllerMade: string[];
  close(): void;
}

export async function prepareAwsSide(scenario: Scenario, opts: RealizeOptions, env: NodeJS.ProcessEnv = process.env): Promise<AwsSide> {
  let plan: AwsPlan;
  try {
    plan = planAws(scenario);
  } catch (e) {
    if (e instanceof AwsPlanError) throw new UserError(`scenario ${scenario.name} cannot be realized on EKS: ${e.message}`, e.hint);
    throw e;
  }
  const target = awsTargetFromEnv(env);
  const clients = new AwsClients(target);
  const inputs = awsInputsFromEnv(env);
  const log = (l: string) => opts.log(`eks/aws: ${l}`);
  const run = newAwsRun({ clients, runId: opts.runId, scenario: scenario.name, inputs, waits: waitsFor(target), log });
  // Before anything is created, Kubernetes objects included: the controllers create billed load balancers too.
  const rep = await precheck({ clients, scenario, plan, inputs, profile: opts.cost?.profile, rateRps: opts.cost?.rateRps });
  const lines = [...precheckLines(rep), `  every AWS resource of this run is tagged ${TAG.runId}=${runTag(opts.runId)}; leftovers: ${sweepCommand(target, opts.runId).replace(/ --yes$/, '')}`];
  for (const l of lines) opts.log(l);
  if (rep.failures.length) {
    clients.close();
    throw new UserError(`AWS prechecks failed, nothing was created:\n${rep.failures.map((f) => `  - ${f}`).join('\n')}`, 'fix the items above and run again');
  }
  if (!opts.yes) {
    const ok = opts.confirm ? await opts.confirm(lines.join('\n')) : false;
    if (!ok) {
      clients.close();
      throw new UserError('not confirmed: nothing was created in AWS or in the cluster', 'answer y on a terminal, or pass --yes to create the resources listed by the prechecks');
    }
  }
  // What the Kubernetes controllers made for the run (load balancers, target groups, security groups, Lattice
  // services), read back by the run's tags: the log and the report say what exists in AWS for this run.
  const readBack: Step<AwsRun> = {
    name: "read back what the Kubernetes controllers created, by the run's tags",
    timeoutMs: 300_000,
    run: async (r) => {
      const found = (await listLabResources(r.clients, { runId: r.runId, log })).filter((f) => f.by === 'controller');
      controllerMade.push(...found.map(describeFound));
      for (const f of controllerMade) log(`  ${f}`);
      if (!found.length) log('  nothing tagged with the run yet (the tagging API can lag by a minute)');
    },
  };
  const controllerMade: string[] = [];
  const steps = withStatusLines([readBack, ...stepsFor(plan)], log);
  return {
    plan,
    run,
    steps,
    stepNames: new Set(steps.map((s) => s.name)),
    entry: () => {
      const o = plan.entry ? run.outputs.get(plan.entry) : undefined;
      if (!o) return null;
      const tls = o.port === 443;
      const path = o.url ? new URL(o.url).pathname : '/';
      return { host: o.dnsName, port: o.port, path, hostHeader: o.dnsName, tls: tls ? { servername: o.dnsName, rejectUnauthorized: false } : null };
    },
    realizedBy: (hop) => {
      const p = plan.hops.find((x) => x.hop.name === hop);
      if (p?.kind.by !== 'aws-sdk') return undefined;
      return `AWS ${AWS_REALIZERS[p.kind.sdk].title} (real, created by the lab with the AWS SDK, tagged with the run id)`;
    },
    controllerMade,
    close: () => clients.close(),
  };
}

/** The AWS steps as steps of a provider's own context. */
export function liftSteps<C>(steps: Step<AwsRun>[], aws: (c: C) => AwsRun): Step<C>[] {
  return steps.map((s) => ({
    name: s.name,
    timeoutMs: s.timeoutMs,
    undoOnFailure: s.undoOnFailure,
    run: (c: C, signal: AbortSignal) => s.run(aws(c), signal),
    ...(s.undo ? { undo: (c: C) => s.undo!(aws(c)) } : {}),
  }));
}
