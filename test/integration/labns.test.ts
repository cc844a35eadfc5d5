// The run's own network namespace: everything the lab creates for a kernel-NAT run (the namespace, its
// iptables rules, every process in it) is gone after success, failure, Ctrl-C and kill -9 of the lab, and the
// host's own namespace is never changed (its nat table is compared before and after). Semantics hold on this
// realization too: the ip-matrix and the local behaviour tests run inside a lab namespace.
import { describe, it, expect, beforeAll } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { kernelEmulation } from '../../harness/labns/capability.ts';
import { createNamespace, listLabNamespaces, namespacePids, sweepStaleNamespaces } from '../../harness/labns/namespace.ts';
import { runInLabNamespace } from '../../harness/labns/run-inside.ts';
import { inCI } from '../helpers/tools.ts';
import type { MatrixResult } from '../../harness/measure/ip-matrix.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const k = await kernelEmulation();

/** Host nat table as iptables-save prints it, counters stripped (read only). */
function hostNat(): string {
  try {
    return execFileSync('iptables-save', ['-t', 'nat'], { encoding: 'utf8' }).split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\[\d+:\d+\]/, '')).join('\n');
  } catch {
    return '(no nat table)';
  }
}

/** Processes whose environment names this lab namespace (every process of a run inherits it). */
function processesOf(ns: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/environ`, 'latin1').split('\0').includes(`EXPOSURE_LAB_NETNS=${ns}`)) out.push(Number(d));
    } catch {
      // gone, or a kernel thread
    }
  }
  return out;
}

async function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (ok(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Cli {
  child: ChildProcess;
  out: string;
  err: string;
  exited: Promise<number | null>;
  ns: Promise<string>;
  loading: Promise<void>;
}

function bench(args: string[], env: Record<string, string> = {}): Cli {
  const child = spawn(process.execPath, ['bin/exposure-lab.mjs', 'bench', ...args], { cwd: ROOT, env: { ...process.env, EXPOSURE_LAB_EMULATION: 'netns', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const cli = { child, out: '', err: '' } as Cli;
  let gotNs: (n: string) => void;
  let gotLoad: () => void;
  cli.ns = new Promise((r) => (gotNs = r));
  cli.loading = new Promise((r) => (gotLoad = r));
  child.stdout!.on('data', (d) => (cli.out += d));
  child.stderr!.on('data', (d) => {
    cli.err += d;
    const m = /(xlab-\d+-[a-z0-9]+)/.exec(cli.err);
    if (m) gotNs(m[1]);
    if (/\nload: /.test(cli.err)) gotLoad();
  });
  cli.exited = new Promise((r) => child.on('exit', (c) => r(c)));
  return cli;
}

if (!k.ok) {
  describe('lab network namespace (kernel NAT)', () => {
    if (inCI()) it('needs root and iptables (CI=true: fails)', () => expect.fail(`${k.reason}; ${k.hint}`));
    else it.skip(`skipped: ${k.reason}; ${k.hint}`, () => {});
  });
} else {
  describe('lab network namespace (kernel NAT): cleanup in every ending', () => {
    let out: string;
    let hostBefore: string;
    beforeAll(() => {
      out = mkdtempSync(join(tmpdir(), 'labns-test-'));
      hostBefore = hostNat();
      return () => rmSync(out, { recursive: true, force: true });
    });

    async function leftovers(ns: string): Promise<{ namespace: boolean; processes: number[]; hostNatChanged: boolean }> {
      const gone = await until(() => existsSync(`/run/netns/${ns}`), (v) => !v, 10_000);
      const procs = await until(() => processesOf(ns), (v) => v.length === 0, 10_000);
      return { namespace: gone, processes: procs, hostNatChanged: hostNat() !== hostBefore };
    }

    it('success: the run used kernel NAT in its own namespace; namespace, rules and processes are gone after', async () => {
      const cli = bench(['public-nlb', '--rate', '50', '--duration', '2', '--warmup', '0', '--out', out]);
      const code = await cli.exited;
      expect(code, cli.err).toBe(0);
      const ns = await cli.ns;
      const dir = cli.out.trim().split('\n').pop()!;
      const result = JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8'));
      expect(result.emulation).toMatchObject({ realization: 'netns-kernel-nat', namespace: ns, kernelHops: ['public-nlb', 'kube-proxy'], delays: 'driver' });
      expect(result.clientIp.retentionRatio).toBe(1);
      expect(result.hops[0].realizedBy).toMatch(/kernel NAT/);
      expect(await leftovers(ns)).toEqual({ namespace: false, processes: [], hostNatChanged: false });
    }, 120_000);

    it('failure (a hop refuses to start): exit non-zero, nothing left', async () => {
      const cli = bench(['public-nlb', '--rate', '50', '--duration', '2', '--warmup', '0', '--out', out], { LAB_FAIL_HOP: 'app' });
      const code = await cli.exited;
      expect(code).not.toBe(0);
      expect(cli.err).toMatch(/refused to start/);
      expect(await leftovers(await cli.ns)).toEqual({ namespace: false, processes: [], hostNatChanged: false });
    }, 120_000);

    it('Ctrl-C during the load: the run stops, still writes what it measured (interrupted), nothing left', async () => {
      const cli = bench(['public-nlb', '--rate', '50', '--duration', '30', '--warmup', '0', '--out', out]);
      await cli.loading;
      const ns = await cli.ns;
      expect(processesOf(ns).length).toBeGreaterThan(0);
      cli.child.kill('SIGINT');
      const code = await cli.exited;
      expect(code, cli.err).toBe(130);
      const dir = cli.out.trim().split('\n').pop()!;
      expect(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')).meta.interrupted).toBe(true);
      expect(await leftovers(ns)).toEqual({ namespace: false, processes: [], hostNatChanged: false });
    }, 120_000);

    it('kill -9 of the lab: the watchdog removes the namespace and everything in it', async () => {
      const cli = bench(['public-nlb', '--rate', '50', '--duration', '30', '--warmup', '0', '--out', out]);
      await cli.loading;
      const ns = await cli.ns;
      expect((await namespacePids(ns)).length).toBeGreaterThan(0);
      cli.child.kill('SIGKILL');
      await cli.exited;
      expect(await leftovers(ns)).toEqual({ namespace: false, processes: [], hostNatChanged: false });
    }, 120_000);

    it('a stale namespace whose owner is gone is swept at the next start; a live owner\'s is kept', async () => {
      const dead = spawn('true');
      await new Promise((r) => dead.on('exit', r));
      const stale = `xlab-${dead.pid}-t`;
      const live = `xlab-${process.pid}-live`;
      await createNamespace(stale);
      await createNamespace(live);
      try {
        const removed = await sweepStaleNamespaces();
        expect(removed).toContain(stale);
        const names = await listLabNamespaces();
        expect(names).not.toContain(stale);
        expect(names).toContain(live);
      } finally {
        execFileSync('ip', ['netns', 'del', live]);
        if (existsSync(`/run/netns/${stale}`)) execFileSync('ip', ['netns', 'del', stale]);
      }
    });
  });

  describe('lab network namespace (kernel NAT): the same semantics as on loopback', () => {
    it('ip-matrix: every row of facts/client-ip.md matches, measured through kernel NAT', async () => {
      const results = await runInLabNamespace<MatrixResult[]>({ module: 'harness/measure/ip-matrix.ts', fn: 'runIpMatrix', input: { probes: 2 } }, { log: () => {} });
      expect(results.length).toBeGreaterThan(20);
      expect(results.filter((r) => !r.match).map((r) => `${r.row.id}: ${r.mismatches.join('; ')}`)).toEqual([]);
    }, 400_000);

    it('the local behaviour tests (PROXY mismatch, weights, 429/413/504, WAF 403, spoofing, TLS, every scenario\'s client IP) pass inside a lab namespace', async () => {
      const r = await runInLabNamespace<{ code: number | null; tail: string }>(
        { module: 'harness/labns/exec.ts', fn: 'execCommand', input: { argv: [join(ROOT, 'node_modules/.bin/vitest'), 'run', 'test/integration/local-behaviour.test.ts'] } },
        { log: () => {} },
      );
      expect(r.code, r.tail).toBe(0);
      expect(r.tail).toMatch(/passed/);
    }, 600_000);
  });
}
