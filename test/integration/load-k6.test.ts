// The k6 driver with the pinned k6 v2 (infra/tools/tools.yaml) against a loopback server: one runner, N runners
// with the k6-operator's segments, runners that fail or lag, Ctrl-C, and k6 missing, too old or failing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runK6, writeK6Script } from '../../harness/load/k6/index.ts';
import { forgetProbes } from '../../harness/tools/registry.ts';
import { newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';
import type { LoadPlan } from '../../harness/load/types.ts';
import { basePlan, randomLoopbackNet, startServer, type TestServer } from './load-helpers.ts';
import { describeWithTools } from '../helpers/tools.ts';
import { measuredDurations } from '../unit/k6-helpers.ts';

const ip = randomLoopbackNet();
const SOURCES = Array.from({ length: 12 }, (_, i) => ip(20 + i));
let server: TestServer | undefined;
let seenBySource = new Map<string, number>();

beforeAll(async () => {
  server = await startServer(ip(1), (req, res) => {
    const peer = req.socket.remoteAddress ?? '';
    seenBySource.set(peer, (seenBySource.get(peer) ?? 0) + 1);
    res.setHeader('x-lab-app-client-ip', peer);
    setTimeout(() => res.end('ok'), 1);
  });
});
afterAll(() => server?.close());

function plan(over: Partial<LoadPlan> = {}): LoadPlan {
  return basePlan(server!.host, server!.port, SOURCES, {
    executor: { kind: 'constant-arrival-rate', rate: 150, durationS: 2 },
    warmupS: 1,
    observe: { clientIpHeader: 'x-lab-app-client-ip' },
    ...over,
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

await describeWithTools(['k6'], 'k6 driver (real k6 v2)', (bins) => {
  it('k6 itself accepts the generated script: scenarios, executors and VUs as planned', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'k6-inspect-'));
    fs.writeFileSync(path.join(dir, 'script.js'), writeK6Script(plan(), { scenario: 'direct', runners: 3 }));
    const r = spawnSync(bins.k6, ['inspect', '--execution-requirements', 'script.js'], { cwd: dir, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const info = JSON.parse(r.stdout) as { scenarios: Record<string, { executor: string; maxVUs: number; rate: number }>; maxVUs: number };
    expect(info.scenarios.measure).toMatchObject({ executor: 'constant-arrival-rate', rate: 150, maxVUs: 66 });
    expect(info.scenarios.warmup.executor).toBe('constant-arrival-rate');
  });

  it('one runner: every sample read back, k6 v2 recorded, figures agree with k6\'s own summary', async () => {
    const out = await runK6(plan());
    expect(out.driver).toMatch(/^k6 v2\.\d+\.\d+$/);
    const r = out.runners![0];
    expect(r.status).toBe('ok');
    expect(out.requests).toBe(r.k6!.requests); // every sample k6 counted reached the lab
    expect(out.requests).toBeGreaterThanOrEqual(300);
    expect(Math.abs(out.latencyMs.p50 - r.k6!.p50Ms) / r.k6!.p50Ms).toBeLessThan(0.02);
    expect(out.clientIp.checked).toBe(out.requests);
    expect(out.clientIp.retained).toBe(out.requests);
    expect(out.validity.driverCpuPercent).toBeGreaterThan(0);
    expect(out.missing!.join(' ')).toMatch(/late sends/);
    expect(out.throughput.length).toBe(2);
  });

  it('three runners with the operator\'s segments, each from its own addresses: one exact histogram, the target rate', async () => {
    // A stall of the whole machine (2 shared cores) makes every runner lag at once, which the driver rightly
    // reports; that says nothing about the segments or the merge, so such an attempt is repeated (at most 3).
    let raw = '';
    let out: Awaited<ReturnType<typeof runK6>> | undefined;
    for (let attempt = 1; attempt <= 3; attempt++) {
      raw = fs.mkdtempSync(path.join(os.tmpdir(), 'k6-raw-'));
      seenBySource = new Map();
      out = await runK6(plan(), { runners: 3, rawDir: raw });
      if (!out.runners!.every((r) => r.status === 'lagged')) break;
      console.warn(`attempt ${attempt}: every runner lagged (machine stall): ${out.incomplete?.join('; ')}`);
    }
    out = out!;
    expect(out.runners!.map((r) => [r.segment, r.status, r.sources])).toEqual([
      ['0:1/3', 'ok', 4],
      ['1/3:2/3', 'ok', 4],
      ['2/3:1', 'ok', 4],
    ]);
    // One histogram of every raw sample of every runner, built here from the files k6 wrote.
    const all = newHistogram();
    for (let i = 1; i <= 3; i++) for (const ms of measuredDurations(fs.readFileSync(path.join(raw, `runner-${i}.csv`), 'utf8'))) recordMs(all, ms);
    expect(out.latencyMs).toEqual(summarize(all));
    expect(out.achievedRps / out.targetRps).toBeGreaterThanOrEqual(0.99);
    expect(out.achievedRps / out.targetRps).toBeLessThan(1.01);
    for (const r of out.runners!) expect(Math.abs(r.requests - 100)).toBeLessThanOrEqual(1);
    expect(out.merge).toMatchObject({ runners: 3, exactP99Ms: out.latencyMs.p99 });
    expect(out.merge!.averagedRunnerP99Ms).toBeGreaterThan(0);
    // Every VU used the source its runner's --local-ips gave it, and only the plan's addresses reached the server.
    expect(out.clientIp.retained).toBe(out.clientIp.checked);
    expect([...seenBySource.keys()].every((a) => SOURCES.includes(a))).toBe(true);
  });

  it('a runner that dies mid-run makes the run incomplete and is named; the others\' samples are kept', async () => {
    const out = await runK6(plan({ executor: { kind: 'constant-arrival-rate', rate: 150, durationS: 3 } }), {
      runners: 3,
      onRunnerStart: ({ runner, pid }) => {
        if (runner === 'runner-2') setTimeout(() => process.kill(pid, 'SIGKILL'), 2000).unref();
      },
    });
    expect(out.validity.valid).toBe(false);
    expect(out.incomplete).toEqual([expect.stringMatching(/^runner-2 \(segment 1\/3:2\/3\) failed: k6 was killed by SIGKILL/)]);
    expect(out.runners!.map((r) => r.status)).toEqual(['ok', 'failed', 'ok']);
    expect(out.runners![0].requests).toBeGreaterThan(140);
  });

  it('a runner that stalls (SIGSTOP for 1.5 s) is named as lagging', async () => {
    const out = await runK6(plan({ executor: { kind: 'constant-arrival-rate', rate: 150, durationS: 4 } }), {
      runners: 2,
      onRunnerStart: ({ runner, pid }) => {
        if (runner !== 'runner-2') return;
        // Frozen from 1.5 s to 3 s after spawn (the measured window starts 1 s after the un-pause).
        setTimeout(() => process.kill(pid, 'SIGSTOP'), 2500).unref();
        setTimeout(() => process.kill(pid, 'SIGCONT'), 4000).unref();
      },
    });
    expect(out.runners![0].status).toBe('ok');
    expect(out.runners![1].status).toBe('lagged');
    expect(out.incomplete![0]).toMatch(/^runner-2 \(segment 1\/2:1\) lagged: /);
    expect(out.validity.valid).toBe(false);
  });

  it('an abort (Ctrl-C) stops every k6 process and keeps what they measured', async () => {
    const pids: number[] = [];
    const ac = new AbortController();
    const t0 = Date.now();
    const running = runK6(plan({ executor: { kind: 'constant-arrival-rate', rate: 150, durationS: 30 } }), {
      runners: 3,
      signal: ac.signal,
      onRunnerStart: ({ pid }) => pids.push(pid),
    });
    setTimeout(() => ac.abort(), 3000);
    const out = await running;
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(pids).toHaveLength(3);
    expect(pids.filter(alive)).toEqual([]);
    expect(out.interrupted).toBe(true);
    expect(out.validity.valid).toBe(false);
    expect(out.requests).toBeGreaterThan(50);
    expect(out.runners!.every((r) => r.status === 'interrupted')).toBe(true);
  });

  it('a script error stops before the run with k6\'s own words', async () => {
    await expect(runK6(plan(), { script: 'export default function () { return ;;; }\nexport const options = { scenarios: { x: { executor: "nope" } } };\n' })).rejects.toThrow(
      /k6 runner-1 exited with code 104 \(invalid configuration\) before it started[\s\S]*k6 said[\s\S]*nope/,
    );
    await expect(runK6(plan(), { script: 'import http from "k6/http";\nexport default function () { http.get( }\n' })).rejects.toThrow(/exited with code 107 \(script exception\)[\s\S]*Unexpected token/);
  });

  it('a bad flag is a clear error with k6\'s stderr', async () => {
    await expect(runK6(plan(), { extraArgs: ['--no-such-flag'] })).rejects.toThrow(/exited with code 255 \(command-line error\) before it started[\s\S]*unknown flag: --no-such-flag/);
  });
});

describe('k6 missing or too old', () => {
  const saved = { PATH: process.env.PATH, EXPOSURE_LAB_TOOLS_DIR: process.env.EXPOSURE_LAB_TOOLS_DIR };
  const restore = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    forgetProbes();
  };

  it('k6 not installed: says what to install, nothing started', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-no-tools-'));
    process.env.EXPOSURE_LAB_TOOLS_DIR = empty;
    process.env.PATH = '/usr/bin:/bin';
    try {
      await expect(runK6(basePlan(ip(1), 9, [ip(31)]))).rejects.toThrow(/k6 is not installed: the k6 driver needs k6 v2\.2\.0/);
      await expect(runK6(basePlan(ip(1), 9, [ip(31)]))).rejects.toMatchObject({ hint: expect.stringMatching(/bash scripts\/setup\.sh k6.*--driver builtin/) });
    } finally {
      restore();
    }
  });

  it('a k6 v1 on PATH: named with its version, refused, and the pinned install suggested', async () => {
    // A stand-in binary that answers only the version probe, as a k6 v1.4 install would.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-old-k6-'));
    fs.writeFileSync(path.join(dir, 'k6'), '#!/bin/sh\necho "k6 v1.4.0 (go1.24.4, linux/amd64)"\n', { mode: 0o755 });
    process.env.EXPOSURE_LAB_TOOLS_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-no-tools-'));
    process.env.PATH = `${dir}:/usr/bin:/bin`;
    try {
      await expect(runK6(basePlan(ip(1), 9, [ip(31)]))).rejects.toThrow(new RegExp(`k6 at ${dir}/k6 is v1\\.4\\.0, and the k6 driver needs k6 v2\\.2\\.0`));
    } finally {
      restore();
    }
  });
});
