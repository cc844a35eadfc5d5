import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readResult, writeResult } from '../../harness/result/store.ts';
import { resultIssues, resultJsonSchema } from '../../harness/result/schema.ts';
import { renderResultFormatDoc } from '../../harness/report/schema-doc.ts';
import { UserError } from '../../harness/lib/errors.ts';
import { synthResult } from '../fixtures/results/synthetic.ts';

describe('result.json schema and store', () => {
  it('a written result reads back identical, including fields added later within the version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-store-'));
    const r = { ...synthResult({ monthlyUsd: 40 }), futureField: { x: 1 } };
    writeResult(dir, r);
    expect(readResult(dir)).toEqual(r);
    expect(readResult(join(dir, 'result.json'))).toEqual(r);
  });
  it('names the file and every bad field in a UserError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-store-'));
    const r: any = synthResult();
    r.load.achievedRps = 'fast';
    delete r.clientIp.retentionRatio;
    r.hops[1].fidelity = 'guessed';
    const file = join(dir, 'result.json');
    writeFileSync(file, JSON.stringify(r));
    let err: unknown;
    try {
      readResult(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    const msg = (err as Error).message;
    expect(msg).toContain(file);
    expect(msg).toContain('load.achievedRps');
    expect(msg).toContain('clientIp.retentionRatio');
    expect(msg).toContain('hops[1].fidelity');
  });
  it('refuses a newer schemaVersion and non-results', () => {
    const dir = mkdtempSync(join(tmpdir(), 'report-store-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify({ ...synthResult(), schemaVersion: 99 }));
    expect(() => readResult(join(dir, 'a.json'))).toThrow(/schemaVersion 99/);
    writeFileSync(join(dir, 'b.json'), '{"hello": 1}');
    expect(() => readResult(join(dir, 'b.json'))).toThrow(/not an exposure-lab result/);
  });
  it('the committed JSON Schema and docs/result-format.md are up to date with the zod definition', () => {
    expect(JSON.parse(readFileSync('infra/schemas/result.schema.json', 'utf8'))).toEqual(resultJsonSchema());
    expect(readFileSync('docs/result-format.md', 'utf8')).toBe(renderResultFormatDoc());
  });
  it('a synthetic result has no schema issues', () => {
    expect(resultIssues(synthResult({ monthlyUsd: 1 }))).toEqual([]);
  });
});
