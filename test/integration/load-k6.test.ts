// Runs real k6 against a loopback server when the binary is installed.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { k6Version, runK6 } from '../../harness/load/k6/index.ts';
import { basePlan, randomLoopbackNet, startServer, type TestServer } from './load-helpers.ts';

const installed = k6Version() !== null;
const ip = randomLoopbackNet();
let server: TestServer;

beforeAll(async () => {
  if (installed) server = await startServer(ip(1), (_req, res) => res.end('ok'));
});
afterAll(() => server?.close());

describe('k6 driver', () => {
  it.skipIf(!installed)(installed ? 'runs k6 and reads its summary' : 'runs k6 and reads its summary (skipped: k6 not installed)', async () => {
    const out = await runK6(basePlan(server.host, server.port, [ip(31)], { executor: { kind: 'constant-arrival-rate', rate: 50, durationS: 2 }, warmupS: 1 }));
    expect(out.requests).toBeGreaterThan(90);
    expect(out.driver).toMatch(/^k6/);
  });
});

const dockerLikely = process.env.DOCKER_HOST !== undefined || fs.existsSync('/var/run/docker.sock');
describe('k6 driver without k6', () => {
  it.skipIf(installed || dockerLikely)(
    installed || dockerLikely ? 'explains what to install (skipped: k6 or Docker present)' : 'explains what to install when neither k6 nor Docker is there',
    async () => {
      await expect(runK6(basePlan(ip(1), 9, [ip(31)]))).rejects.toThrow(/k6 is not installed.*Install k6.*Docker.*builtin/s);
    },
  );
});
