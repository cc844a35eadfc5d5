// Shared by the k6 unit tests: the saved k6 output (test/fixtures/k6/capture.ts) and an independent parse of it.
import fs from 'node:fs';

export const fixture = (name: string): string => fs.readFileSync(new URL(`../fixtures/k6/${name}`, import.meta.url), 'utf8');

/** Every measured response's duration, read from the raw CSV without the lab's reader (the test's own parse). */
export function measuredDurations(csv: string): number[] {
  const [header, ...rows] = csv.split('\n').filter((l) => l && !l.startsWith('#'));
  const h = header.split(',');
  const [m, v, sc, st] = ['metric_name', 'metric_value', 'scenario', 'status'].map((c) => h.indexOf(c));
  return rows.map((l) => l.split(',')).filter((f) => f[m] === 'http_req_duration' && f[sc] === 'measure' && Number(f[st]) > 0).map((f) => Number(f[v]));
}
