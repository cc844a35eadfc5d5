// Every realizable row of facts/client-ip.md, measured with real traffic through the local lab, equals what
// the facts document; recoverable rows recover the true source through the real Envoy Gateway + Envoy with the
// documented setting (the truth table through real Envoy).
import { describe, it, expect } from 'vitest';
import { MATRIX_ROWS, runIpMatrix, rowScenario } from '../../harness/measure/ip-matrix.ts';
import { describeWithTools } from '../helpers/tools.ts';

await describeWithTools(['envoy-gateway', 'envoy'], 'ip-matrix (facts/client-ip.md rows, real traffic on loopback, real Envoy Gateway)', () => {
  it('covers rows 1-17 and 19-20 with a valid scenario variant per stage', () => {
    const ids = new Set(MATRIX_ROWS.map((r) => Number.parseInt(r.id, 10)));
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20]) expect(ids.has(n), `row ${n}`).toBe(true);
    for (const r of MATRIX_ROWS) {
      expect(rowScenario(r, 'inspect').hops.at(-1)?.component).toBe('service');
      if (r.recover) expect(rowScenario(r, 'recover').hops.at(-2)?.component).toBe('envoy-gateway');
    }
  });

  it('every row: measured == documented, and recoverable rows recover the true source', async () => {
    const results = await runIpMatrix({ probes: 3 });
    expect(results).toHaveLength(MATRIX_ROWS.length);
    const failures = results.filter((r) => !r.match).map((r) => `row ${r.row.id}: ${r.mismatches.join('; ')}`);
    expect(failures).toEqual([]);
    for (const r of results.filter((x) => x.row.expect.recoverable)) {
      expect(r.recovered?.retained, `row ${r.row.id}`).toBe(3);
      expect(r.recovered?.gateway, `row ${r.row.id}`).toMatch(/^Envoy Gateway v1\.9\.1 \(standalone\) \+ Envoy v1\.39\.1$/);
    }
  }, 600_000);
});
