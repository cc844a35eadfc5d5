// The "after a gateway change" workflow of examples/gateway-change, run as a user runs it: a bench of the
// user's own Envoy Gateway files (real Envoy Gateway + Envoy, unchanged apart from what connects them), then
// the regression gate with both sides run now, interleaved (the files as they were, the changed files). Trusting one hop too many loses the client IP; adding
// a too-short timeout policy turns answers into 504s; each shows in the verdict. And files Envoy Gateway
// itself rejects are refused with its own words, located in the file, before anything starts.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runBench } from '../../harness/run/bench.ts';
import { runRegress } from '../../harness/run/regress.ts';
import { DEFAULT_GATE_SETTINGS } from '../../harness/analysis/gate/index.ts';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { envoyGatewayVerdict } from '../../harness/dataplanes/egctl.ts';
import { provisionLocal } from '../../harness/providers/local/index.ts';
import { describeWithTools } from '../helpers/tools.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const EX = path.join(ROOT, 'examples', 'gateway-change');
const out = mkdtempSync(path.join(tmpdir(), 'lab-gateway-change-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

const bench = (scenario: string) =>
  runBench({ scenario, provider: 'local', driver: 'builtin', rate: 50, durationS: 4, warmupS: 1, outDir: out, injectLatency: true, seed: 1, log: () => {} });

await describeWithTools(['envoy-gateway', 'envoy', 'egctl'], 'a gateway change, gated', () => {
  it('trusted hops 1 -> 2 loses the client IP and believes a forged X-Forwarded-For; a 1 ms timeout policy turns answers into 504s', async () => {
    const base = await bench(path.join(EX, 'gateway-change.yaml'));
    const gw = base.result.hops.find((h) => h.component === 'envoy-gateway')!;
    expect(gw.realizedBy).toBe('Envoy Gateway v1.9.1 (standalone) + Envoy v1.39.1');
    expect(gw.notes?.join('\n')).toMatch(/added by the lab: Service backendRefs to app now name Envoy Gateway Backend edge\/app/);
    expect(gw.notes?.join('\n')).toMatch(/Envoy Gateway status: HTTPRoute app \(parent Gateway edge\): Accepted=True/);
    expect(gw.gatewayTime?.requests).toBeGreaterThan(0);
    expect(base.result.clientIp.retentionRatio).toBe(1);

    // The gate, as CI runs it: both sides now, A B A B. Short windows and alpha 0.05: this proves the wiring;
    // both changes are deterministic (every request loses the client IP; every answer is a 504).
    const gate = (changed: string) =>
      runRegress({ baselineScenario: path.join(EX, 'gateway-change.yaml'), scenario: path.join(EX, changed, 'gateway-change.yaml'), runs: 3, durationS: 2, warmupS: 1, rate: 50, settings: { ...DEFAULT_GATE_SETTINGS, alpha: 0.05 }, allow: [], outDir: path.join(out, 'regress'), log: () => {} });
    const v1 = await gate('after-trusted-hops');
    const status = (r: Awaited<ReturnType<typeof gate>>, m: string) => r.verdict.metrics.find((x) => x.metric === m)?.status;
    expect(status(v1, 'client IP retention')).toBe('regression');
    expect(status(v1, 'spoofable probes')).toBe('regression');
    expect(v1.exitCode).toBe(1);
    expect(readFileSync(v1.files[2], 'utf8')).toMatch(/<testcase [^>]*name="client IP retention">\s*<failure /);

    const v2 = await gate('after-timeout');
    expect(status(v2, 'error rate')).toBe('regression');
    expect(v2.exitCode).toBe(1);
  }, 480_000);

  it('files Envoy Gateway rejects: its own message, at the file and line, and nothing is started', async () => {
    const dir = mkdtempSync(path.join(out, 'bad-'));
    // A route to a Service in another namespace without a ReferenceGrant: valid YAML and CRD, refused by Envoy Gateway.
    writeFileSync(path.join(dir, 'gw.yaml'), [
      'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: edge, namespace: edge }\nspec:\n  gatewayClassName: eg\n  listeners: [{ name: http, protocol: HTTP, port: 10080 }]',
      'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: app, namespace: edge }\nspec:\n  parentRefs: [{ name: edge }]\n  rules:\n    - backendRefs:\n        - { name: app, namespace: apps, port: 80 }',
    ].join('\n---\n'));
    writeFileSync(path.join(dir, 'bad.yaml'), [
      'apiVersion: exposure-lab.dev/v1alpha1\nkind: Scenario',
      'metadata: { name: bad, title: t, description: d, tradeoffs: { waf: x, tls: x, certificates: x, podAwareRouting: x, redundancy: x } }',
      'spec:\n  chain:\n    - component: client\n    - component: envoy-gateway\n      config: { files: [gw.yaml] }\n    - component: service',
    ].join('\n'));
    const s = loadScenarioOrThrow(path.join(dir, 'bad.yaml'));
    const v = await envoyGatewayVerdict(s.hops[1].userConfig!);
    const err = v.diagnostics.filter((d) => d.severity === 'error');
    expect(err.map((d) => `${path.basename(d.file)}:${d.line} ${d.field}: ${d.message}`)).toEqual([
      expect.stringMatching(/^gw\.yaml:\d+ HTTPRoute app \(parent Gateway edge\): Envoy Gateway: ResolvedRefs=False \(RefNotPermitted\): .*/),
    ]);
    await expect(provisionLocal(s, { runId: 'bad', injectLatency: false, seed: 1, log: () => {} })).rejects.toThrow(/Envoy Gateway does not accept your gateway files \(egctl x translate, Envoy Gateway v1\.9\.1\):\n.*gw\.yaml:\d+:\d+: error: HTTPRoute app/);
  });
});
