// Runs the pinned k6 (infra/tools/tools.yaml) against a loopback server, and checks what the driver says
// when neither k6 nor a Docker engine is there.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { k6Version, runK6 } from '../../harness/load/k6/index.ts';
import { basePlan, randomLoopbackNet, startServer, type TestServer } from './load-helpers.ts';
import { describeWithTools } from '../helpers/tools.ts';

const ip = randomLoopbackNet();
let server: TestServer | undefined;
afterAll(() => server?.close());

await describeWithTools(['k6'], 'k6 driver', () => {
  it('runs k6 and reads its summary', async () => {
    server = await startServer(ip(1), (_req, res) => res.end('ok'));
    const out = await runK6(basePlan(server.host, server.port, [ip(31)], { executor: { kind: 'constant-arrival-rate', rate: 50, durationS: 2 }, warmupS: 1 }));
    expect(out.requests).toBeGreaterThan(90);
    expect(out.driver).toMatch(/^k6 v2\./);
  });
});

// With an empty tool cache and a PATH without k6, the driver must say what to install. A Docker engine would
// run the grafana/k6 image instead, so this case needs a machine without one.
const dockerLikely = process.env.DOCKER_HOST !== undefined || fs.existsSync('/var/run/docker.sock');
describe('k6 driver without k6', () => {
  it.skipIf(dockerLikely)(dockerLikely ? 'explains what to install (skipped: a Docker engine may answer here and would run the k6 image)' : 'explains what to install when neither k6 nor Docker is there', async () => {
    const saved = { PATH: process.env.PATH, EXPOSURE_LAB_TOOLS_DIR: process.env.EXPOSURE_LAB_TOOLS_DIR };
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-no-tools-'));
    process.env.EXPOSURE_LAB_TOOLS_DIR = empty;
    process.env.PATH = '/usr/bin:/bin';
    try {
      expect(k6Version()).toBeNull();
      await expect(runK6(basePlan(ip(1), 9, [ip(31)]))).rejects.toThrow(/k6 is not installed.*bash scripts\/setup\.sh k6.*Docker.*builtin/s);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
