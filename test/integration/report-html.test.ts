// report.html in a real browser: headless Chromium (Debian) driven by playwright-core opens it from disk,
// every chart holds a rendered SVG with marks, nothing is logged as an error and nothing is fetched.
import { expect, it } from 'vitest';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeRunFolder } from '../../harness/report/run-folder.ts';
import { writeCompareFolder } from '../../harness/report/compare-folder.ts';
import type { CompareDoc } from '../../harness/result/compare.ts';
import { synthResult } from '../fixtures/results/synthetic.ts';
import { describeWithTools } from '../helpers/tools.ts';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const ARTIFACTS = resolve('test-artifacts');

function compareDoc(): CompareDoc {
  const a = synthResult({ scenario: 'public-nlb', seed: 1, monthlyUsd: 60 });
  const a2 = synthResult({ scenario: 'public-nlb', seed: 2, monthlyUsd: 60 });
  const b = synthResult({ scenario: 'alb-nlb-gateway', seed: 3, medianMs: 3.5, p99Ms: 12, monthlyUsd: 95, spoofable: true, retention: 0.5 });
  const b2 = synthResult({ scenario: 'alb-nlb-gateway', seed: 4, medianMs: 3.5, p99Ms: 12, monthlyUsd: 95, spoofable: true, retention: 0.5 });
  const rps = [1, 10, 100, 1000, 10000];
  return {
    kind: 'exposure-lab-compare', version: 1, createdAt: '2025-01-01T00:00:00Z', endedAt: '2025-01-01T00:01:00Z',
    settings: { provider: 'local', rate: 150, durationS: 6, warmupS: 1, profile: 'profiles/medium.yaml', repeat: 2, injectLatency: true, seed: 1 },
    profile: { name: 'medium', requestsPerSecond: 500, hoursPerMonth: 730 },
    scenarios: ['public-nlb', 'alb-nlb-gateway'],
    runs: [a, b, a2, b2].map((result, i) => ({ scenario: result.scenario, repeat: i < 2 ? 1 : 2, dir: `runs/${i}`, result })),
    failed: [],
    features: {},
    // Synthetic cost curves (test input, not prices) so the cost-vs-rate chart and a crossover render.
    costSweep: { profile: 'medium', fidelity: 'modeled', points: rps.flatMap((r) => [{ scenario: 'public-nlb', rps: r, monthlyUsd: 40 + r * 0.05 }, { scenario: 'alb-nlb-gateway', rps: r, monthlyUsd: 60 + r * 0.02 }]), crossovers: [{ rps: 666.7, monthlyUsd: 73.3, cheaperBelow: 'public-nlb', cheaperAbove: 'alb-nlb-gateway' }] },
    interrupted: false,
  };
}

await describeWithTools(['chromium'], 'report.html in headless Chromium', ({ chromium: CHROMIUM }) => {
  const cases: Array<[string, () => Promise<string>]> = [
    ['run report', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'report-html-run-'));
      await writeRunFolder(dir, synthResult({ monthlyUsd: 60 }));
      return join(dir, 'report.html');
    }],
    ['comparison report', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'report-html-compare-'));
      await writeCompareFolder(dir, compareDoc());
      return join(dir, 'report.html');
    }],
  ];
  for (const [name, make] of cases) {
    it(`${name}: every chart renders as SVG with marks, no console errors, no network requests`, async () => {
      const file = await make();
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const errors: string[] = [];
        const requests: string[] = [];
        page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
        page.on('pageerror', (e) => errors.push(e.message));
        page.on('request', (r) => { if (r.url() !== pathToFileURL(file).href) requests.push(r.url()); });
        await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
        const charts = await page.$$eval('figure.chart', (figs) =>
          figs.map((f) => {
            const svg = f.querySelector('.svg > svg');
            const box = svg?.getBoundingClientRect();
            return { id: f.getAttribute('data-chart'), svg: !!svg, marks: svg ? svg.querySelectorAll('g[class*="mark-"] path, g[class*="mark-"] rect, g[class*="mark-"] text, g[class*="mark-"] line').length : 0, w: box?.width ?? 0, h: box?.height ?? 0 };
          }),
        );
        const expected = name === 'run report' ? ['latency-percentiles', 'throughput-p99', 'client-ip', 'cost-breakdown', 'feature-matrix'] : ['latency-percentiles', 'throughput-p99', 'cost-breakdown', 'cost-vs-rate', 'client-ip', 'feature-matrix'];
        expect(charts.map((c) => c.id)).toEqual(expected);
        for (const c of charts) {
          expect(c.svg, `${c.id} has an svg`).toBe(true);
          expect(c.marks, `${c.id} has marks`).toBeGreaterThan(3);
          expect(c.w * c.h, `${c.id} is visible`).toBeGreaterThan(10_000);
        }
        expect(errors).toEqual([]);
        expect(requests).toEqual([]);
        mkdirSync(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, `report-html-${name.replace(/\s+/g, '-')}.png`), fullPage: true });
      } finally {
        await browser.close();
      }
    });
  }
});
