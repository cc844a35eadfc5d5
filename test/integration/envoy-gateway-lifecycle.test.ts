// Process life of Envoy Gateway standalone + Envoy: start waits until a request goes through Envoy to the
// service, stop() ends Envoy Gateway and its Envoy, failures say why in Envoy Gateway's own words with the
// tail of its log and leave nothing running, and no process outlives the lab: not on success, failure,
// Ctrl-C, nor kill -9 of the lab (Envoy Gateway has a parent-death signal, func-e gives Envoy one).
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { envoyGatewayDataPlane } from '../../harness/dataplanes/envoy-gateway.ts';
import { descendantPids, isAlive } from '../../harness/dataplanes/process.ts';
import type { GatewaySpec } from '../../harness/dataplanes/types.ts';
import { GATEWAY_LISTENER } from '../../harness/k8s/envoy-gateway.ts';
import { randomLoopbackNet, startEcho } from '../fixtures/dataplanes/wire.ts';
import { describeWithTools } from '../helpers/tools.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const dirs: string[] = [];
const workDir = (p: string) => {
  const d = mkdtempSync(path.join(tmpdir(), `lab-eg-${p}-`));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function waitGone(pids: number[], ms = 15_000): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const left = pids.filter(isAlive);
    if (!left.length || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const spec = (ip: (n: number) => string, upstreams: GatewaySpec['upstreams'], extra: Partial<GatewaySpec> = {}): GatewaySpec => ({
  product: 'envoy-gateway',
  settings: envoyGateway.settings.parse({}),
  listen: [{ host: ip(1), port: GATEWAY_LISTENER.port }, { host: ip(2), port: GATEWAY_LISTENER.port }],
  upstreams,
  networks: LOCAL_NETWORKS,
  workDir: workDir('spec'),
  run: { id: 'lifecycle', scenario: 'lifecycle', hop: 'gateway', service: 'app' },
  ...extra,
});

await describeWithTools(['envoy-gateway', 'envoy'], 'Envoy Gateway standalone: process life', () => {
  describe('start and stop', () => {
    it('start returns once a request went through Envoy; stop() ends Envoy Gateway and Envoy and is idempotent', async () => {
      const ip = randomLoopbackNet();
      const echo = await startEcho(ip(20));
      const h = await envoyGatewayDataPlane.start(spec(ip, [{ host: ip(20), port: echo.port }]));
      try {
        expect(h.realizedBy).toMatch(/^Envoy Gateway v1\.9\.1 \(standalone\) \+ Envoy v1\.39\.1$/);
        expect(h.pids.length).toBeGreaterThanOrEqual(2); // Envoy Gateway, and the Envoy it runs
        expect(h.pids.every(isAlive)).toBe(true);
        expect(h.readyMs).toBeGreaterThan(0);
        expect(h.notes?.join('\n')).toMatch(/2 replica\(s\) modeled as listener addresses of one Envoy process/);
        await h.stop();
        await h.stop();
        expect(h.pids.filter(isAlive), 'processes left after stop()').toEqual([]);
        await expect(
          new Promise((res, rej) => {
            const s = net.connect({ host: ip(1), port: GATEWAY_LISTENER.port }, () => (s.destroy(), rej(new Error('still accepting after stop()'))));
            s.once('error', res);
          }),
        ).resolves.toBeTruthy();
      } finally {
        await h.stop();
        await echo.close();
      }
    });

    it('a port Envoy Gateway needs is taken: a clear error before anything starts', async () => {
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(GATEWAY_LISTENER.port, '0.0.0.0', r));
      try {
        const ip = randomLoopbackNet();
        await expect(envoyGatewayDataPlane.start(spec(ip, [{ host: ip(20), port: 9 }]))).rejects.toThrow(/10080 \(the Gateway listener \(Envoy binds 0\.0\.0\.0\)\) already in use: another run with Envoy Gateway is active\?/);
      } finally {
        await new Promise((r) => blocker.close(r));
      }
    });

    it('not ready in time (no service answers behind Envoy): the last probe, the tail of its log, nothing left running', async () => {
      const ip = randomLoopbackNet();
      const before = new Set(descendantPids(process.pid));
      const err = await envoyGatewayDataPlane.start(spec(ip, [{ host: ip(20), port: 9 }], { startTimeoutMs: 8000 })).then(
        () => null,
        (e: Error) => e,
      );
      expect(err?.message).toMatch(/the gateway did not answer through Envoy within 8000 ms \(last probe: HTTP 503\)/);
      expect(err?.message).toMatch(/last lines of its log \(.*envoy-gateway\.log\):\n/);
      const left = descendantPids(process.pid).filter((p) => !before.has(p));
      expect(await waitGone(left, 5000)).toEqual([]);
    });
  });

  describe('no process outlives the lab', () => {
    for (const signal of ['SIGINT', 'SIGKILL'] as const) {
      it(`${signal} to the lab during a run: Envoy Gateway and Envoy are gone`, async () => {
        const dir = workDir('signal');
        const script = path.join(dir, 'run.mts');
        writeFileSync(
          script,
          `import { loadScenarioOrThrow } from ${JSON.stringify(path.join(ROOT, 'harness/scenario/resolve.ts'))};
import { provisionLocal } from ${JSON.stringify(path.join(ROOT, 'harness/providers/local/index.ts'))};
const r = await provisionLocal(loadScenarioOrThrow('public-nlb'), { runId: 'sig', injectLatency: false, seed: 1, log: () => {} });
process.on('SIGINT', () => { void r.teardown().then(() => process.exit(130)); });
console.log(JSON.stringify({ pids: r.processes.map((p) => p.pid), eg: r.processes.filter((p) => p.what.includes('Envoy Gateway')).map((p) => p.pid) }));
setInterval(() => {}, 1000);
`,
        );
        const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
        try {
          const got: { pids: number[]; eg: number[] } = await new Promise((res, rej) => {
            let out = '';
            child.stdout!.on('data', (d) => {
              out += d;
              const line = out.split('\n').find((l) => l.startsWith('{'));
              if (line) res(JSON.parse(line));
            });
            child.once('exit', (c) => rej(new Error(`script exited early (${c})`)));
          });
          // Envoy Gateway and its Envoy, plus the hop processes.
          expect(got.eg.length).toBeGreaterThanOrEqual(2);
          expect(got.pids.every(isAlive)).toBe(true);
          const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
          child.kill(signal);
          const code = await exited;
          if (signal === 'SIGINT') expect(code).toBe(130);
          expect(await waitGone(got.pids)).toEqual([]);
        } finally {
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      });
    }
  });
});
