// The CLI as a user runs it: real processes, real traffic on loopback, real files.
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { synthResult } from '../fixtures/results/synthetic.ts';
import { encodeHistogram, newHistogram, recordMs, summarize } from '../../harness/load/histogram.ts';
import { Rng } from '../../harness/providers/model/rng.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'exposure-lab.mjs');

function lab(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, lastLine: r.stdout.trim().split('\n').at(-1) ?? '' };
}

function livePids(pgid: number): number[] {
  const r = spawnSync('ps', ['-o', 'pid=', '-g', String(pgid)], { encoding: 'utf8' });
  return r.stdout.split('\n').map((s) => Number(s.trim())).filter((n) => n > 0);
}

describe('exposure-lab CLI: help and bad input', () => {
  it('--help lists every command; each command --help states its defaults', () => {
    const top = lab(['--help']);
    expect(top.code).toBe(0);
    for (const c of ['bench', 'list', 'validate', 'plan']) expect(top.stdout).toContain(c);
    const bench = lab(['bench', '--help']);
    expect(bench.code).toBe(0);
    expect(bench.stdout).toMatch(/--rate <req\/s>.*\[200\]/);
    expect(bench.stdout).toMatch(/--duration <s>.*\[10\]/);
  });

  it('an unknown scenario is a clear error with a suggestion, exit 2, no stack trace', () => {
    const r = lab(['bench', 'public-nbl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no scenario named "public-nbl"');
    expect(r.stderr).toContain('did you mean "public-nlb"?');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('validate reports located errors and exits 1', () => {
    const r = lab(['validate', 'test/fixtures/scenarios/invalid-types.yaml']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('test/fixtures/scenarios/invalid-types.yaml:16:21: error: spec.chain[1].settings.targetType: "ipp" is not allowed here');
    expect(r.stdout).toContain('1 file(s): 5 error(s), 0 warning(s)');
  });

  it('bench refuses an invalid scenario file, listing every problem, exit 1', () => {
    const r = lab(['bench', 'test/fixtures/scenarios/invalid-domain-rules.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('has 4 error(s)');
    expect(r.stderr).toContain('WAF cannot attach to a Network Load Balancer');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('bad option values are rejected with a hint', () => {
    const r = lab(['bench', 'direct', '--rate', 'fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--rate must be a number');
  });

  it('the cluster provider refuses a kubeconfig whose API server is off loopback, before touching it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-kubeconfig-'));
    const file = join(dir, 'config');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\ncurrent-context: dev\nclusters: [{ name: dev, cluster: { server: "https://10.20.30.40:6443" } }]\nusers: [{ name: u, user: { token: t } }]\ncontexts: [{ name: dev, context: { cluster: dev, user: u } }]\n',
    );
    const r = spawnSync(process.execPath, [BIN, 'bench', 'direct', '--provider', 'cluster'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, KUBECONFIG: file, EXPOSURE_LAB_ALLOW_REMOTE: '' } });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/provider cluster cannot run here: refusing to use the API server of kubeconfig context "dev" at 10\.20\.30\.40/);
    expect(r.stderr).toMatch(/hint: .*EXPOSURE_LAB_ALLOW_REMOTE=1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('exposure-lab CLI: the commands that start no traffic', () => {
  it('plan shows the hops, their modeled latency with its source, and the predicted client IP', () => {
    const r = lab(['plan', 'apigw-nlb-gateway']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('api [apigw-rest, L7, managed AWS]');
    expect(r.stdout).toMatch(/latency \(modeled\): median 8 ms, p99 25 ms, lognormal; confidence low; from the catalog/);
    // Each figure's basis: a numbered source or the assumption label, and the sources with their URLs.
    expect(r.stdout).toMatch(/p99: source \[\d\] \(low\): inferred from two AWS statements/);
    expect(r.stdout).toMatch(/median: assumption \(low\): /);
    expect(r.stdout).toMatch(/latency sources:\n {2}\[1\] .*https:\/\//);
    expect(r.stdout).toContain('client IP the application sees (predicted from the catalog): the real client IP');
  });

  it('catalog labels each model sourced or assumed, and --sources gives every figure\'s basis with URLs', () => {
    const r = lab(['catalog']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/envoy-gateway\s+L7\s+0\.08\/0\.15 ms\s+low-medium\s+source\s/);
    expect(r.stdout).toMatch(/apigw-http\s+L7\s+3\.5\/10 ms\s+low\s+median assumption, p99 source/);
    const s = lab(['catalog', '--sources']);
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('https://aws.amazon.com/blogs/compute/building-better-apis-http-apis-now-generally-available/');
    expect(s.stdout).toMatch(/lattice: Amazon VPC Lattice\n.*\n {4}median: assumption \(low\)/);
  });

  it('calibrate fits a hop from a ladder of two runs, writes the overlay, and bench --calibration uses it; a bad overlay is a located error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lab-calibrate-'));
    // Two eks runs: direct (the floor) and nodeport (the floor plus kube-proxy, median 0.1 ms, p99 0.4 ms).
    const rng = new Rng(9);
    const ln = (m: number, p: number) => rng.lognormal(Math.log(m), Math.log(p / m) / 2.3263478740408408);
    const write = (name: string, hops: Array<[string, string]>, extra: () => number) => {
      const h = newHistogram();
      for (let i = 0; i < 20_000; i++) recordMs(h, ln(0.4, 1.2) + extra());
      const r = synthResult({ scenario: name });
      r.provider = 'eks';
      r.load.requests = 20_000;
      r.latencyMs = { ...summarize(h), fidelity: 'measured', histogram: encodeHistogram(h) };
      r.hops = hops.map(([n, c]) => ({ name: n, component: c, realizedBy: 'AWS', fidelity: 'measured' as const }));
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(r));
      return join(dir, `${name}.json`);
    };
    const direct = write('direct', [['client', 'client'], ['app', 'service']], () => 0);
    const nodeport = write('nodeport', [['client', 'client'], ['kube-proxy', 'kube-proxy'], ['app', 'service']], () => ln(0.1, 0.4));
    const out = join(dir, 'team.yaml');
    const r = lab(['calibrate', direct, nodeport, '--out', out, '--name', 'team']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kube-proxy\s+median 0\.\d+ ms, p99 0\.\d+ ms \((medium|low-medium)\): deconvolution fit of kube-proxy in nodeport \(eks\), 20000 requests, KS 0\.\d+/);
    expect(r.lastLine).toBe(out);
    const b = lab(['bench', 'public-nlb', '--provider', 'model', '--duration', '2', '--rate', '50', '--out', dir, '--calibration', out]);
    expect(b.code, b.stderr).toBe(0);
    expect(readFileSync(join(b.lastLine, 'report.md'), 'utf8')).toMatch(/the numbers of \*\*kube-proxy\*\*/);
    writeFileSync(out, readFileSync(out, 'utf8').replace('component: kube-proxy', 'component: kube-proxyy'));
    const bad = lab(['bench', 'public-nlb', '--provider', 'model', '--duration', '1', '--out', dir, '--calibration', out]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/team\.yaml:\d+:\d+: error: spec\.hops\[0\]\.component: "kube-proxyy" is not allowed here/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('cost prints every line of the bill as JSON with the documented keys, all modeled', () => {
    const r = lab(['cost', 'public-nlb', '--profile', 'profiles/medium.yaml', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const bill = JSON.parse(r.stdout);
    expect(Object.keys(bill)).toEqual(expect.arrayContaining(['scenario', 'region', 'monthlyUsd', 'lines']));
    expect(bill.fidelity).toBe('modeled');
    for (const k of ['component', 'item', 'quantity', 'unit', 'unitPriceUsd', 'monthlyUsd']) expect(bill.lines[0]).toHaveProperty(k);
    const sum = bill.lines.reduce((a: number, l: { monthlyUsd: number }) => a + l.monthlyUsd, 0);
    expect(Math.abs(sum - bill.monthlyUsd)).toBeLessThan(0.01);
  });

  it('a bad profile is refused with located errors, before anything starts', () => {
    const r = lab(['bench', 'direct', '--profile', 'test/fixtures/cost/bad-profile.yaml', '--duration', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('test/fixtures/cost/bad-profile.yaml:8:3: error: spec.requestPerSecond: unknown key "requestPerSecond"');
    expect(r.stderr).not.toContain('provisioning');
  });

  it('manifests renders validated EKS objects with the AWS Load Balancer Controller annotations', () => {
    const r = lab(['manifests', 'public-nlb', '--target', 'eks']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('kind: Service');
    expect(r.stdout).toMatch(/service\.beta\.kubernetes\.io\/aws-load-balancer-nlb-target-type: instance/);
    expect(r.stdout).toContain('exposure-lab.dev/run-id: preview');
  });

  it('manifests for an existing cluster leave the NodePorts to its API server', () => {
    const r = lab(['manifests', 'public-nlb', '--target', 'cluster']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('type: NodePort');
    expect(r.stdout).not.toContain('nodePort:');
  });

  it('the model provider writes the same result.json, every figure modeled', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-e2e-model-'));
    const r = lab(['bench', 'apigw-nlb-gateway', '--provider', 'model', '--rate', '20000', '--duration', '5', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(join(r.lastLine, 'result.json'), 'utf8'));
    expect(result.provider).toBe('model');
    expect(result.latencyMs.fidelity).toBe('modeled');
    for (const h of result.hops) expect(h.fidelity).toBe('modeled');
    // 20,000 req/s is above API Gateway's 10,000 req/s account throttle: the token bucket answers 429.
    expect(result.load.errorsByKind.byStatus['429']).toBeGreaterThan(0);
  });
});

describe('exposure-lab bench on the embedded default (real processes, real traffic)', () => {
  it('direct and public-nlb: writes result.json with the documented keys, prints the folder last', () => {
    for (const scenario of ['direct', 'public-nlb']) {
      const out = mkdtempSync(join(tmpdir(), 'lab-e2e-'));
      const r = lab(['bench', scenario, '--duration', '2', '--warmup', '0.5', '--rate', '100', '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.lastLine.startsWith(out)).toBe(true);
      const result = JSON.parse(readFileSync(join(r.lastLine, 'result.json'), 'utf8'));
      for (const k of ['schemaVersion', 'scenario', 'provider', 'load', 'latencyMs', 'clientIp', 'hops']) expect(result).toHaveProperty(k);
      for (const k of ['targetRps', 'achievedRps', 'requests', 'errors']) expect(result.load).toHaveProperty(k);
      for (const k of ['p50', 'p90', 'p99', 'max']) expect(result.latencyMs[k]).toBeGreaterThan(0);
      expect(result.scenario).toBe(scenario);
      expect(result.provider).toBe('local');
      expect(result.load.requests).toBeGreaterThan(150);
      expect(result.load.errors).toBe(0);
      // Both topologies keep the client address: direct trivially, public-nlb via instance targets + ETP=Local.
      expect(result.clientIp.checked).toBe(result.load.requests);
      expect(result.clientIp.retentionRatio).toBe(1);
      for (const h of result.hops) expect(['measured', 'emulated', 'modeled']).toContain(h.fidelity);
      if (scenario === 'public-nlb') {
        expect(result.hops.find((h: any) => h.component === 'nlb').fidelity).toBe('emulated');
        expect(result.latencyMs.fidelity).toBe('emulated');
      }
      expect(existsSync(join(r.lastLine, 'report.md'))).toBe(true);
      expect(existsSync(join(r.lastLine, 'report.html'))).toBe(true);
      // Every view re-renders from result.json alone.
      const again = lab(['report', r.lastLine]);
      expect(again.code, again.stderr).toBe(0);
    }
  });

  it('Ctrl-C mid-run stops every process it started and still writes what it measured', async () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-e2e-int-'));
    const child = spawn(process.execPath, [BIN, 'bench', 'public-nlb', '--duration', '30', '--warmup', '0', '--rate', '100', '--out', out], {
      cwd: ROOT,
      detached: true, // its own process group, so we can look for anything it left behind
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Wait until load is flowing, then interrupt.
    const deadline = Date.now() + 60_000;
    while (!stderr.includes('load:') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('load:');
    await new Promise((r) => setTimeout(r, 2000));
    const during = livePids(child.pid!);
    expect(during.length).toBeGreaterThan(1); // the CLI plus the hop processes it started
    // A terminal's Ctrl-C signals the whole foreground process group, children included.
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise<number | null>((res) => child.on('exit', (c) => res(c)));
    expect(code).toBe(130);
    await new Promise((r) => setTimeout(r, 300));
    expect(livePids(child.pid!)).toEqual([]);
    const folder = stdout.trim().split('\n').at(-1)!;
    const result = JSON.parse(readFileSync(join(folder, 'result.json'), 'utf8'));
    expect(result.meta.interrupted).toBe(true);
    expect(result.validity.valid).toBe(false);
    expect(result.load.requests).toBeGreaterThan(50);
    expect(existsSync(join(folder, 'report.md'))).toBe(true);
  });
});
