// Every process the local provider starts is stopped: on success, when a hop fails to start, on abort, on
// SIGINT of the parent, and even on kill -9 of the parent (children exit on IPC disconnect). A hop killed
// mid-run shows up as request errors and an incident while the load run still completes.
import { describe, it, expect } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { provisionLocal } from '../../harness/providers/local/index.ts';
import { runLoad } from '../../harness/load/index.ts';
import type { LoadPlan } from '../../harness/load/types.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const base = { runId: 'test-teardown', injectLatency: false, seed: 3, log: () => {} };

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function children(pid = process.pid): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
  } catch {
    return [];
  }
}

async function waitGone(pids: number[], ms = 10_000): Promise<number[]> {
  const end = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (!left.length || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('local provider teardown', () => {
  it('a hop that fails to start: everything started is stopped, the error names the hop and why', async () => {
    const before = new Set(children());
    process.env.LAB_FAIL_HOP = 'public-nlb';
    try {
      await expect(provisionLocal(loadScenarioOrThrow('public-nlb'), base, { gatewayRealization: 'builtin' })).rejects.toThrow(/hop "public-nlb" \(nlb\) failed to start: refused to start \(LAB_FAIL_HOP/);
    } finally {
      delete process.env.LAB_FAIL_HOP;
    }
    const leaked = children().filter((p) => !before.has(p));
    expect(await waitGone(leaked, 3000)).toEqual([]);
  });

  it('abort during provisioning stops what was started and rejects', async () => {
    const before = new Set(children());
    const ac = new AbortController();
    const started: number[] = [];
    const log = (l: string) => {
      const m = /started .* pid (\d+)\)/.exec(l);
      if (m) {
        started.push(Number(m[1]));
        ac.abort(); // deterministic: abort as soon as the first hop (the service) is up
      }
    };
    await expect(provisionLocal(loadScenarioOrThrow('public-nlb'), { ...base, log, signal: ac.signal }, { gatewayRealization: 'builtin' })).rejects.toThrow(/interrupted/);
    expect(started.length).toBe(1);
    expect(await waitGone(started, 3000)).toEqual([]);
    // (`ps` itself is briefly a child too: waitGone lets it finish.)
    expect(await waitGone(children().filter((p) => !before.has(p)), 3000)).toEqual([]);
  });

  it('teardown is idempotent and concurrent calls share one shutdown', async () => {
    const r = await provisionLocal(loadScenarioOrThrow('direct'), base);
    const pids = r.processes.map((p) => p.pid);
    await Promise.all([r.teardown(), r.teardown()]);
    await r.teardown();
    expect(pids.filter(alive)).toEqual([]);
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`${signal} to the parent process: no hop process is left`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'lab-teardown-'));
      const script = join(dir, 'run.mts');
      writeFileSync(
        script,
        `import { loadScenarioOrThrow } from ${JSON.stringify(join(ROOT, 'harness/scenario/resolve.ts'))};
import { provisionLocal } from ${JSON.stringify(join(ROOT, 'harness/providers/local/index.ts'))};
const r = await provisionLocal(loadScenarioOrThrow('public-nlb'), { runId: 'sig', injectLatency: true, seed: 1, log: () => {} }, { gatewayRealization: 'builtin' });
process.on('SIGINT', () => { void r.teardown().then(() => process.exit(130)); });
console.log(JSON.stringify(r.processes.map((p) => p.pid)));
setInterval(() => {}, 1000);
`,
      );
      const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
      try {
        const pids: number[] = await new Promise((res, rej) => {
          let out = '';
          child.stdout!.on('data', (d) => {
            out += d;
            const line = out.split('\n').find((l) => l.startsWith('['));
            if (line) res(JSON.parse(line));
          });
          child.once('exit', (c) => rej(new Error(`script exited early (${c})`)));
        });
        expect(pids.length).toBeGreaterThanOrEqual(4);
        expect(pids.every(alive)).toBe(true);
        const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
        child.kill(signal);
        const code = await exited;
        if (signal === 'SIGINT') expect(code).toBe(130);
        expect(await waitGone(pids)).toEqual([]);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('a hop killed mid-run: requests fail, an incident is recorded, the load run completes', async () => {
    const r = await provisionLocal(loadScenarioOrThrow('public-nlb'), base, { gatewayRealization: 'builtin' });
    try {
      const gw = r.processes.find((p) => p.what.includes('envoy-gateway'))!;
      const plan: LoadPlan = {
        executor: { kind: 'constant-arrival-rate', rate: 40, durationS: 5 },
        warmupS: 0,
        target: r.entry,
        sources: r.sources.slice(0, 8),
        requestsPerSource: 1,
        connectionMode: 'new-connection',
        method: 'GET',
        requestBodyBytes: 0,
        timeoutMs: 2000,
        workers: 1,
        maxConnections: 64,
        observe: r.observe,
        intervalS: 1,
      };
      // Kill the gateway once the first requests went through (a bounded wait on the hop's own counter would
      // need IPC). The timer includes the driver's worker start-up, which takes seconds on a loaded machine
      // (seen: no request done 1 s in), so the run lasts 5 s and the kill comes 2.5 s in.
      const killer = setTimeout(() => process.kill(gw.pid, 'SIGKILL'), 2500);
      const outcome = await runLoad(plan, { driver: 'builtin' });
      clearTimeout(killer);
      expect(outcome.requests).toBeGreaterThan(0);
      expect(outcome.errors).toBeGreaterThan(0);
      expect(outcome.clientIp.retained).toBeGreaterThan(0);
      expect(r.incidents.some((i) => i.includes('envoy') && i.includes('exited unexpectedly'))).toBe(true);
    } finally {
      await r.teardown();
    }
    expect(r.processes.map((p) => p.pid).filter(alive)).toEqual([]);
  });
});
