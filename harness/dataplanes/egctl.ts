// Envoy Gateway's translator offline: `egctl x translate --from gateway-api --to gateway-api` (the pinned egctl)
// on a set of objects returns them with the status Envoy Gateway's controller would give them. Used before a
// run on the user's own files, by `validate`, and by the tests on the lab's own objects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { locateTool } from '../tools/registry.ts';
import { runCaptured } from './process.ts';
import { readStatuses, unattachedParents, untargetedPolicies, type StatusCondition } from '../gateway-config/status.ts';

export interface Translated {
  /** egctl's output: the objects with their status, by kind (gatewayClass, gateways, httpRoutes, ...). */
  output: Record<string, unknown>;
  conditions: StatusCondition[];
  unattached: ReturnType<typeof unattachedParents>;
  untargeted: ReturnType<typeof untargetedPolicies>;
}

/**
 * Envoy Gateway's verdict on the objects. Missing Services a route names are added as stand-ins
 * (--add-missing-resources), as a cluster would have them. Throws with egctl's own message when it refuses the
 * input (no GatewayClass, an object it cannot read), or when egctl is not installed.
 */
export async function egctlTranslate(objects: unknown[], opts: { timeoutMs?: number } = {}): Promise<Translated> {
  const bin = locateTool('egctl');
  if (!bin) throw new Error('egctl is not installed: run `make setup` (egctl v1.9.1 from the Envoy Gateway module; `exposure-lab doctor` shows it)');
  const dir = mkdtempSync(path.join(tmpdir(), 'exposure-lab-egctl-'));
  try {
    const file = path.join(dir, 'objects.yaml');
    writeFileSync(file, objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
    const r = await runCaptured(bin, ['x', 'translate', '--from', 'gateway-api', '--to', 'gateway-api', '--add-missing-resources', '-o', 'json', '-f', file], { timeoutMs: opts.timeoutMs ?? 60_000 });
    if (r.code !== 0) {
      const msg = (r.stderr.trim().split('\n').find((l) => l.startsWith('Error:')) ?? r.stderr.trim().split('\n')[0] ?? '').replace(/^Error:\s*/, '');
      throw new Error(`egctl x translate refused the objects${r.timedOut ? ' (timed out)' : ''}: ${msg || `exit ${r.code}`}`);
    }
    const output = JSON.parse(r.stdout) as Record<string, unknown>;
    return { output, conditions: readStatuses(output), unattached: unattachedParents(objects, output), untargeted: untargetedPolicies(objects, output) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
