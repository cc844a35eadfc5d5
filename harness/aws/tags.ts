// The tags every AWS resource of a run carries, in the shapes the AWS APIs take them. The same three keys the
// Kubernetes controllers copy onto their load balancers (k8s/names.ts awsTags), plus two that only the lab's
// own SDK calls set: which hop a resource realizes, and that the lab (not a controller) created it. Sweeps
// and re-runs find resources by these tags.
import { awsTags, MANAGED_BY, runLabel } from '../k8s/names.ts';

export const TAG = {
  runId: 'exposure-lab.dev/run-id',
  scenario: 'exposure-lab.dev/scenario',
  managedBy: 'exposure-lab.dev/managed-by',
  hop: 'exposure-lab.dev/hop',
  /** "aws-sdk" on what the lab created itself; absent on what a Kubernetes controller created for the run. */
  provisioner: 'exposure-lab.dev/provisioner',
} as const;

export const SDK_PROVISIONER = 'aws-sdk';
export { MANAGED_BY };

export type TagMap = Record<string, string>;

/** Tags of a resource the lab creates for one hop of a run. */
export function labTags(runId: string, scenario: string, hop: string): TagMap {
  const t = awsTags(runId, scenario);
  if (Object.keys(t).some((k) => !Object.values(TAG).includes(k as never))) throw new Error('k8s/names.ts awsTags and aws/tags.ts TAG disagree');
  return { ...t, [TAG.hop]: hop, [TAG.provisioner]: SDK_PROVISIONER };
}

/** The run id as it appears in tags (label-safe). */
export const runTag = runLabel;

export const tagList = (t: TagMap) => Object.entries(t).map(([Key, Value]) => ({ Key, Value }));
/** CloudFront takes tags as { Items: [{ Key, Value }] }. */
export const cloudFrontTags = (t: TagMap) => ({ Items: tagList(t) });

export function fromTagList(l: Array<{ Key?: string; Value?: string }> | undefined): TagMap {
  const out: TagMap = {};
  for (const { Key, Value } of l ?? []) if (Key) out[Key] = Value ?? '';
  return out;
}

/** Whether tags mark a resource of the lab (of one run when runId is given). */
export function isLab(tags: TagMap | undefined, runId?: string): boolean {
  if (!tags || tags[TAG.managedBy] !== MANAGED_BY) return false;
  return runId === undefined || tags[TAG.runId] === runTag(runId);
}

/** The lab's own SDK resource for this run and hop. */
export function isOurs(tags: TagMap | undefined, runId: string, hop: string): boolean {
  return isLab(tags, runId) && tags![TAG.hop] === hop && tags![TAG.provisioner] === SDK_PROVISIONER;
}

/** Which of the required tags a resource lacks (empty: tagged as the lab requires). */
export function missingTags(tags: TagMap | undefined): string[] {
  return [TAG.runId, TAG.scenario, TAG.managedBy].filter((k) => !tags?.[k]);
}
