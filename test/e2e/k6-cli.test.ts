// The k6 driver through the CLI as a user runs it: a distributed run written to result.json and report.md, and
// Ctrl-C stopping every k6 process (k6 runners run in their own process group, so a terminal's Ctrl-C reaches
// only the lab, which must stop them itself).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithTools } from '../helpers/tools.ts';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'exposure-lab.mjs');

/** Pids of processes whose command line mentions `needle` (the run's own temp folder). */
function processesMentioning(needle: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(needle)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

await describeWithTools(['k6'], 'exposure-lab bench --driver k6', () => {
  it('--runners 3: the exact p99 next to the averaged one, each runner in result.json and report.md', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-e2e-k6-'));
    const r = spawnSync(process.execPath, [BIN, 'bench', 'direct', '--driver', 'k6', '--runners', '3', '--duration', '3', '--warmup', '1', '--rate', '150', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/p99 of all 3 runners' samples \(exact\) [\d.]+ ms; averaging the runners' own p99s would claim [\d.]+ ms/);
    const folder = r.stdout.trim().split('\n').at(-1)!;
    const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
    expect(result.load.driver).toMatch(/^k6 v2\./);
    expect(result.meta.tools.k6).toBe('2.2.0');
    expect(result.meta.settings.runners).toBe(3);
    expect(result.load.runners.map((x: { segment: string }) => x.segment)).toEqual(['0:1/3', '1/3:2/3', '2/3:1']);
    expect(result.load.merge.exactP99Ms).toBe(result.latencyMs.p99);
    expect(result.load.unavailable.join(' ')).toMatch(/late sends/);
    const md = readFileSync(join(folder, 'report.md'), 'utf8');
    expect(md).toContain('## Runners');
    expect(md).toMatch(/Averaging the runners' own p99s, as per-runner k6 summaries invite, would claim/);
    expect(md).toMatch(/\| late \/ unsent requests \| unavailable \/ \d+ \|/);
  });

  it('measures client IP and weighted routing through real hops with k6, as the built-in driver does', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-e2e-k6-'));
    const run = (scenario: string) => {
      const r = spawnSync(process.execPath, [BIN, 'bench', scenario, '--driver', 'k6', '--duration', '2', '--warmup', '1', '--rate', '100', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(readFileSync(join(r.stdout.trim().split('\n').at(-1)!, 'result.json'), 'utf8'));
    };
    // NLB ip targets without client-IP preservation: the application sees the NLB's address, never the client's.
    const snat = run('public-nlb-ip-targets');
    expect(snat.clientIp.checked).toBe(snat.load.requests);
    expect(snat.clientIp.retained).toBe(0);
    expect(snat.clientIp.observedOther[0].ip).toMatch(/^127\.20\./);
    // Lattice's 75/25 HTTPRoute: the split comes from k6's tally of the version header.
    const lattice = run('lattice-gateway-api');
    expect(lattice.clientIp.retained).toBe(lattice.clientIp.checked);
    expect(lattice.weights.map((w: { version: string }) => w.version).sort()).toEqual(['v1', 'v2']);
    const e = lattice.load.errorsByKind;
    const responses = lattice.load.requests - (e.connect + e.timeout + e.reset + e.other);
    expect(lattice.weights.reduce((a: number, w: { count: number }) => a + w.count, 0)).toBe(responses);
  });

  it('--runners without --driver k6 is refused before anything starts', () => {
    const r = spawnSync(process.execPath, [BIN, 'bench', 'direct', '--runners', '2'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--runners 2 needs --driver k6');
  });

  it('Ctrl-C stops every k6 runner and still writes what was measured', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-e2e-k6-int-'));
    // The k6 scripts go under the run's own TMPDIR, so every k6 process of this run names it on its command line.
    const tmp = mkdtempSync(join(tmpdir(), 'lab-e2e-k6-tmp-'));
    const child = spawn(process.execPath, [BIN, 'bench', 'direct', '--driver', 'k6', '--runners', '2', '--duration', '30', '--warmup', '0', '--rate', '100', '--out', out], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: tmp },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 60_000;
    while (!stderr.includes('started together') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('started together');
    await new Promise((r) => setTimeout(r, 2000));
    expect(processesMentioning(tmp).length).toBe(2);
    process.kill(-child.pid!, 'SIGINT'); // what a terminal's Ctrl-C does
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code).toBe(130);
    expect(processesMentioning(tmp)).toEqual([]);
    const folder = stdout.trim().split('\n').at(-1)!;
    const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
    expect(result.meta.interrupted).toBe(true);
    expect(result.validity.valid).toBe(false);
    expect(result.load.requests).toBeGreaterThan(100);
    expect(result.load.runners.map((x: { status: string }) => x.status)).toEqual(['interrupted', 'interrupted']);
    expect(existsSync(join(folder, 'report.md'))).toBe(true);
  });
});
