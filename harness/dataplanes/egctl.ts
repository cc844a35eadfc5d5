// Envoy Gateway's translator offline: `egctl x translate --from gateway-api --to gateway-api` (the pinned egctl)
// on a set of objects returns them with the status Envoy Gateway's controller would give them. Used before a
// run on the user's own files, by `validate`, and by the tests on the lab's own objects.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { locateTool } from '../tools/registry.ts';
import { runCaptured } from './process.ts';
import { isProblem, locateStatuses, readStatuses, unattachedParents, untargetedPolicies, type LocatedStatus, type StatusCondition } from '../gateway-config/status.ts';
import type { UserGatewayConfig } from '../gateway-config/types.ts';
import type { LocatedDiagnostic } from '../lib/diagnostics.ts';

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

export interface EnvoyGatewayVerdict {
  /** Problems Envoy Gateway found, at the file, line and field of the user's object. */
  diagnostics: LocatedDiagnostic[];
  /** Every condition, located (to show Accepted / Programmed / ResolvedRefs as Envoy Gateway words them). */
  statuses: LocatedStatus[];
}

/** Envoy Gateway's verdict on a user's gateway files (as written: Service backends, stand-in Services added). */
export async function envoyGatewayVerdict(config: UserGatewayConfig): Promise<EnvoyGatewayVerdict> {
  const objects: unknown[] = config.objects.map((o) => o.object);
  // The GatewayClass a cluster has installed, when the files use it without defining it (as the run adds it).
  const l = config.listener;
  const gw = l && config.objects.find((o) => o.object.kind === 'Gateway' && o.object.metadata.name === l.gateway.name);
  const cls = gw ? (gw.object.spec as { gatewayClassName?: string } | undefined)?.gatewayClassName : undefined;
  if (cls && !config.objects.some((o) => o.object.kind === 'GatewayClass' && o.object.metadata.name === cls))
    objects.push({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: cls }, spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' } });
  const first = config.objects[0];
  let t: Translated;
  try {
    t = await egctlTranslate(objects);
  } catch (e) {
    return { diagnostics: [{ severity: 'error', code: 'envoy-gateway-refused', file: first?.file ?? config.files[0], line: 1, column: 1, field: '(files)', message: (e as Error).message, hint: 'fix what Envoy Gateway names; `exposure-lab validate <scenario>` shows every problem' }], statuses: [] };
  }
  const statuses = locateStatuses(config.objects, t.conditions);
  const diagnostics: LocatedDiagnostic[] = [];
  for (const s of statuses) {
    if (!isProblem(s.condition)) continue;
    const c = s.condition;
    diagnostics.push({ severity: 'error', code: 'envoy-gateway-status', file: s.file, line: s.line, column: s.column, field: s.field, message: `Envoy Gateway: ${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}: ${c.message}`, hint: 'Envoy Gateway would not run this as intended; fix what its message names' });
  }
  const find = (kind: string, name: string) => config.objects.find((o) => o.object.kind === kind && o.object.metadata.name === name);
  for (const u of t.unattached) {
    const o = find(u.kind, u.name);
    const pos = o?.at(['spec', 'parentRefs', u.index]) ?? { line: 1, column: 1 };
    diagnostics.push({ severity: 'error', code: 'envoy-gateway-route-not-attached', file: o?.file ?? config.files[0], line: pos.line, column: pos.column, field: `${u.kind} ${u.name}: spec.parentRefs[${u.index}]`, message: `Envoy Gateway did not attach the route to ${u.parent}: no such Gateway or listener of an Envoy Gateway class in the files`, hint: 'name a Gateway (and listener) the files define' });
  }
  for (const u of t.untargeted) {
    const o = find(u.kind, u.name);
    const pos = o?.at(['spec', 'targetRefs', u.index]) ?? { line: 1, column: 1 };
    diagnostics.push({ severity: 'warning', code: 'envoy-gateway-policy-unused', file: o?.file ?? config.files[0], line: pos.line, column: pos.column, field: `${u.kind} ${u.name}: spec.targetRefs[${u.index}]`, message: `Envoy Gateway applies the policy to nothing: ${u.target} is not in the files`, hint: 'target a Gateway or route the files define' });
  }
  return { diagnostics, statuses };
}
