// Process life of nginx: every rendered config passes nginx's own checker, start waits for the listeners, a
// failed start says why with the log tail, and stop() leaves no process behind. (Envoy Gateway's life:
// envoy-gateway-lifecycle.test.ts.)
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { DataPlane, GatewaySpec } from '../../harness/dataplanes/types.ts';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { ingressNginx } from '../../harness/catalog/components/ingress-nginx.ts';
import { nginxDataPlane } from '../../harness/dataplanes/index.ts';
import { childPids, isAlive } from '../../harness/dataplanes/process.ts';
import { nginxVariants } from '../fixtures/dataplanes/variants.ts';
import { freePort, randomLoopbackNet, startEcho } from '../fixtures/dataplanes/wire.ts';
import { describeWithTools } from '../helpers/tools.ts';

const dirs: string[] = [];
const workDir = (p: string) => {
  const d = mkdtempSync(path.join(tmpdir(), `lab-${p}-`));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const planes: Array<{ dp: DataPlane; product: GatewaySpec['product']; settings: unknown; check: (bin: string, conf: string) => string[] }> = [
  { dp: nginxDataPlane, product: 'ingress-nginx', settings: ingressNginx.settings.parse({ useProxyProtocol: true }), check: (_b, c) => ['-t', '-p', path.dirname(c), '-c', c, '-e', path.join(path.dirname(c), 'check.log')] },
];

for (const { dp, product, settings, check } of planes) {
  const installed = (await dp.version()) ?? '';
  await describeWithTools([dp.name], `${dp.name} ${installed}`, (bins) => {
    const variants = nginxVariants();
    it.each(variants.filter((v) => dp.supports({ product, settings: v.settings }).ok).map((v) => [v.label, v.settings] as const))(
      `${dp.name} accepts the rendered config for %s`,
      (_label, s) => {
        const wd = workDir(`${dp.name}-check`);
        const spec: GatewaySpec = { product, settings: s, listen: [{ host: '127.23.0.10', port: 18080 }], upstreams: [{ host: '127.23.0.20', port: 19000 }], networks: LOCAL_NETWORKS, workDir: wd };
        const conf = path.join(wd, `${dp.name}.conf`);
        writeFileSync(conf, dp.renderConfig(spec));
        // Throws with the product's own message when it rejects the file.
        execFileSync(bins[dp.name], check(bins[dp.name], conf), { stdio: 'pipe', timeout: 20_000 });
      },
    );

    it('start waits for every listener, stop() ends every process and is idempotent', async () => {
      const ip = randomLoopbackNet();
      const echo = await startEcho(ip(20));
      const listen = [{ host: ip(1), port: await freePort(ip(1)) }, { host: ip(2), port: await freePort(ip(2)) }];
      const h = await dp.start({ product, settings, listen, upstreams: [{ host: ip(20), port: echo.port }], networks: LOCAL_NETWORKS, workDir: workDir(dp.name) });
      try {
        expect(h.realizedBy).toMatch(new RegExp(`^${dp.name} ${installed.replace(/\./g, '\\.')}`));
        const all = [...new Set([...h.pids, ...h.pids.flatMap(childPids)])];
        expect(all.every(isAlive)).toBe(true);
        // Every listener accepts right after start() returned.
        for (const ep of listen) {
          await new Promise<void>((res, rej) => {
            const s = net.connect(ep, () => (s.destroy(), res()));
            s.once('error', rej);
          });
        }
        await h.stop();
        await h.stop();
        expect(all.filter(isAlive), 'processes left after stop()').toEqual([]);
        await expect(
          new Promise((res, rej) => {
            const s = net.connect(listen[0], () => (s.destroy(), rej(new Error('still accepting after stop()'))));
            s.once('error', res);
          }),
        ).resolves.toBeTruthy();
      } finally {
        await h.stop();
        await echo.close();
      }
    });

    it('a failed start (address in use) says so with the tail of the log, and leaves nothing running', async () => {
      const ip = randomLoopbackNet();
      const blocker = net.createServer();
      await new Promise<void>((r) => blocker.listen(0, ip(1), r));
      const port = (blocker.address() as net.AddressInfo).port;
      try {
        await expect(
          dp.start({ product, settings, listen: [{ host: ip(1), port }], upstreams: [{ host: ip(20), port: 9 }], networks: LOCAL_NETWORKS, workDir: workDir(`${dp.name}-fail`), startTimeoutMs: 5000 }),
        ).rejects.toThrow(/exited \(code \d+\) before accepting connections; last log lines:\n[\s\S]*(Address already in use|cannot bind)/i);
      } finally {
        await new Promise((r) => blocker.close(r));
      }
    });
  });
}
