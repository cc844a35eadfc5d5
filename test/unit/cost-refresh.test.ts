// prices refresh: the credential check (no network), and turning Price List API answers into snapshot
// prices. The API itself cannot be reached here, so its answers are fixtures written in its documented
// shape (terms.OnDemand.*.priceDimensions.*): these tests say so in their names.
import { describe, expect, it } from 'vitest';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { findCredentials, onDemandDimensions, shiftDecimal, toSnapshotPrice } from '../../harness/cost/refresh.ts';
import { fromDoc } from '../../harness/cost/prices.ts';

const emptyHome = () => mkdtempSync(join(tmpdir(), 'cost-home-'));

describe('credentials are looked for without any network call', () => {
  it('finds none in an empty environment and home', () => {
    expect(findCredentials({}, emptyHome())).toBeNull();
  });
  it('finds environment keys (values are never read beyond presence)', () => {
    expect(findCredentials({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }, emptyHome())).toMatch(/environment/);
  });
  it('`prices refresh` without credentials changes nothing, says so, exits 3', () => {
    const r = spawnSync(process.execPath, ['bin/exposure-lab.mjs', 'prices', 'refresh', '--out', emptyHome()], {
      env: { PATH: process.env.PATH ?? '', HOME: emptyHome() }, encoding: 'utf8', timeout: 30_000,
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/no AWS credentials found .* the snapshot was NOT changed/);
  });
});

describe('Price List answers to snapshot prices (fixtures in the API shape: the API cannot be reached here)', () => {
  it('a flat price: ALB LCU-hour $0.008', () => {
    const dims = onDemandDimensions(readFileSync('test/fixtures/cost/price-list-alb.json', 'utf8'));
    expect(toSnapshotPrice(dims, 'LCU-hour', 'test')).toEqual({ unit: 'LCU-hour', usd: '0.008', source: 'test', uncertain: false });
  });
  it('tiers per request become tiers per million: REST $3.50 / $2.80 / $2.38 / $1.51', () => {
    const dims = onDemandDimensions(JSON.parse(readFileSync('test/fixtures/cost/price-list-apigw.json', 'utf8')));
    const p = toSnapshotPrice(dims, 'million requests', 'test', 1e6)!;
    expect(p.tiers).toEqual([{ upTo: 333, usd: '3.5' }, { upTo: 1000, usd: '2.8' }, { upTo: 20000, usd: '2.38' }, { upTo: null, usd: '1.51' }]);
    // and the snapshot loader accepts it
    const snap = fromDoc({ region: 'us-east-1', snapshotDate: '2026-01-01', currency: 'USD', prices: { 'apigw-rest.requests': p } }, 'mem');
    expect(snap.prices['apigw-rest.requests'].tiers![0].nano).toBe(3_500_000_000n);
  });
  it('decimal shifts are exact', () => {
    expect(shiftDecimal('0.0000035', 1e6)).toBe('3.5');
    expect(shiftDecimal('0.0225', 1)).toBe('0.0225');
    expect(shiftDecimal('12', 1e6)).toBe('12000000');
  });
});
