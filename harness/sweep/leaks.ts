// `exposure-lab sweep --run <id> | --all`: every AWS resource and Kubernetes object a run of the lab left
// behind, listed; with --yes deleted in dependency order: the lab's own AWS resources first (fronts before
// what they point at), then the Kubernetes objects (their controllers delete the load balancers they made),
// then whatever a controller left tagged with the run (its object already gone). Idempotent: a second sweep
// finds nothing. Dry run unless --yes.
import { AwsClients, type AwsTarget } from '../aws/clients.ts';
import { deleteLabResources, describeFound, listLabResources, type Found } from '../aws/sweep.ts';
import { waitsFor, type Waits } from '../aws/run.ts';
import { runTag } from '../aws/tags.ts';
import { sweepKubernetes as defaultKubernetesSweep, type KubernetesSweepResult, type SweepKubernetes } from './kubernetes.ts';

export interface LeakSweepOptions {
  /** One run, or every run of the lab when all. */
  runId?: string;
  all: boolean;
  yes: boolean;
  target: AwsTarget;
  /** Results (stdout). */
  out: (line: string) => void;
  /** Progress (stderr). */
  log: (line: string) => void;
  kubernetes?: SweepKubernetes;
  waits?: Waits;
}

export interface LeakSweepReport {
  found: Found[];
  kubernetes: KubernetesSweepResult;
  deleted: number;
  failed: Array<{ what: string; error: string }>;
  /** Still there after deleting (AWS, re-listed). */
  remaining: Found[];
  exitCode: number;
}

export async function sweepLeaks(o: LeakSweepOptions): Promise<LeakSweepReport> {
  if (!o.all && !o.runId) throw new Error('sweepLeaks: a run id or all');
  const runId = o.all ? undefined : runTag(o.runId!);
  const k8s = o.kubernetes ?? defaultKubernetesSweep;
  const clients = new AwsClients(o.target);
  const waits = o.waits ?? waitsFor(o.target);
  try {
    const what = runId ? `run ${runId}` : 'every run';
    o.log(`listing lab resources of ${what} in AWS (${o.target.region}${o.target.endpoint ? ` at ${o.target.endpoint}` : ''}) and Kubernetes...`);
    const found = await listLabResources(clients, { runId, log: o.log });
    const kube = await k8s({ runId, all: o.all, dryRun: true, log: o.log });
    o.out(`AWS (${o.target.region}): ${found.length} lab resource(s) of ${what}${found.length ? ', in delete order:' : ''}`);
    for (const f of found) o.out(`  ${describeFound(f)}`);
    if (kube.checked) {
      o.out(`Kubernetes: ${kube.found.length} lab-labelled object(s)${kube.found.length ? ':' : ''}`);
      for (const x of kube.found) o.out(`  ${x.kind} ${x.namespace ? `${x.namespace}/` : ''}${x.name} (run ${x.runId})`);
    } else o.out(`Kubernetes: ${kube.reason}`);
    if (!o.yes) {
      if (found.length || kube.found.length) o.out('dry run: nothing deleted; run again with --yes to delete the above in this order');
      return { found, kubernetes: kube, deleted: 0, failed: [], remaining: found, exitCode: 0 };
    }
    const failed: LeakSweepReport['failed'] = [];
    let deleted = 0;
    // 1. What the lab made itself, fronts first.
    const ours = await deleteLabResources(clients, found.filter((f) => f.by === 'lab'), { waits, log: o.out });
    deleted += ours.deleted.length;
    failed.push(...ours.failed.map((x) => ({ what: describeFound(x.found), error: x.error })));
    // 2. Kubernetes objects: their controllers delete the load balancers they created.
    let kubeAfter = kube;
    if (kube.checked && kube.found.length) {
      kubeAfter = await k8s({ runId, all: o.all, dryRun: false, log: o.log });
      deleted += kubeAfter.deleted;
      failed.push(...kubeAfter.errors.map((e) => ({ what: 'Kubernetes objects', error: e })));
      o.out(`ok      deleted ${kubeAfter.deleted} Kubernetes object(s)`);
    }
    // 3. What a controller left tagged with the run (its object gone, or no cluster reachable from here).
    const left = (await listLabResources(clients, { runId, log: o.log })).filter((f) => f.by === 'controller');
    if (left.length && !kube.checked) o.out(`${kube.reason}; deleting what the controllers made directly (if the run's objects still exist, their controllers recreate it: sweep again with the cluster's kubeconfig)`);
    // Kinds the lab has no delete for (VPC Lattice services, ...) are its controller's to delete.
    for (const f of left.filter((x) => x.kind === 'other'))
      o.out(`not deleted by the lab: ${describeFound(f)}: its controller deletes it once the run's Kubernetes objects are gone; otherwise delete it in the AWS console`);
    const theirs = await deleteLabResources(clients, left.filter((x) => x.kind !== 'other'), { waits, log: o.out });
    deleted += theirs.deleted.length;
    failed.push(...theirs.failed.map((x) => ({ what: describeFound(x.found), error: x.error })));
    const remaining = await listLabResources(clients, { runId, log: o.log });
    if (remaining.length) {
      o.out(`still in AWS after the sweep (${remaining.length}):`);
      for (const f of remaining) o.out(`  ${describeFound(f)}`);
    } else o.out(`AWS: no lab resource of ${what} left`);
    return { found, kubernetes: kubeAfter, deleted, failed, remaining, exitCode: failed.length || remaining.length ? 1 : 0 };
  } finally {
    clients.close();
  }
}
