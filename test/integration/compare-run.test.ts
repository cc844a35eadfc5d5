// make compare as a user runs it: real local runs of three topologies under the same load and profile,
// one architecture-review folder with its own data file, tables, derived findings and charts.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRows, compareFindings } from '../../harness/analysis/compare.ts';

const ROOT = join(__dirname, '..', '..');

describe('compare: architecture review across scenarios (real local runs)', () => {
  it('direct, clb-per-service and public-nlb --repeat 2: side-by-side rows, findings from the data, charts', () => {
    const out = mkdtempSync(join(tmpdir(), 'lab-compare-'));
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'exposure-lab.mjs'), 'compare', 'direct', 'clb-per-service', 'public-nlb', '--duration', '2', '--warmup', '0.5', '--rate', '100', '--repeat', '2', '--out', out], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
    expect(r.status, r.stderr).toBe(0);
    const folder = r.stdout.trim().split('\n').at(-1)!;
    expect(folder.startsWith(out)).toBe(true);
    const doc = JSON.parse(readFileSync(join(folder, 'compare.json'), 'utf8'));
    expect(doc.runs).toHaveLength(6);
    const rows = compareRows(doc);
    expect(rows.map((x) => x.scenario)).toEqual(['direct', 'clb-per-service', 'public-nlb']);
    for (const row of rows) {
      expect(row.runs).toBe(2);
      expect(row.p99).toBeGreaterThan(row.p50);
      expect(row.monthlyUsd).toBeGreaterThan(0);
    }
    // clb-per-service loses the client IP (a node address), the others keep it: the findings must say so.
    const text = compareFindings(doc, rows).map((f) => f.text).join('\n');
    expect(text).toMatch(/Keep the client IP \(every checked request\): direct, public-nlb/);
    expect(text).toMatch(/clb-per-service/);
    const cheapest = [...rows].sort((a, b) => a.monthlyUsd! - b.monthlyUsd!)[0].scenario;
    expect(text).toContain(`Cheapest at 500 req/s (profile medium): ${cheapest}`);
    const md = readFileSync(join(folder, 'report.md'), 'utf8');
    for (const s of ['direct', 'clb-per-service', 'public-nlb']) expect(md).toContain(s);
    const charts = readdirSync(join(folder, 'charts'));
    for (const c of ['latency-percentiles.svg', 'throughput-p99.svg', 'cost-breakdown.svg', 'cost-vs-rate.svg', 'client-ip.svg', 'feature-matrix.svg']) {
      expect(charts).toContain(c);
      expect(readFileSync(join(folder, 'charts', c), 'utf8')).toContain('<svg');
    }
    expect(existsSync(join(folder, 'report.html'))).toBe(true);
  }, 200_000);
});
