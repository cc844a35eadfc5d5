// Strict profile loading: every problem at once, each at its exact line and column with a hint.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadProfile, loadProfileText } from '../../harness/cost/profile.ts';

const fixture = (f: string) => `test/fixtures/cost/${f}`;
const load = (f: string) => loadProfileText(readFileSync(fixture(f), 'utf8'), fixture(f));

describe('profile loading', () => {
  it('loads the shipped profiles with defaults applied', () => {
    for (const name of ['small', 'medium', 'large']) {
      const p = loadProfile(`profiles/${name}.yaml`);
      expect(p.name).toBe(name);
      expect(p.hoursPerMonth).toBe(730);
      expect(p.freeTiers).toEqual({ alwaysFree: false, newAccount12Months: false });
    }
    expect(loadProfile('profiles/medium.yaml').hourlyShape).toHaveLength(24);
    expect(loadProfile('profiles/medium.yaml').methodMix).toEqual({ GET: 0.9, POST: 0.1 });
  });

  it('reports every problem of a bad profile at its line and column', () => {
    const { profile, diagnostics } = load('bad-profile.yaml');
    expect(profile).toBeUndefined();
    const got = diagnostics.map((d) => `${d.line}:${d.column} ${d.field}: ${d.message}`);
    expect(got).toEqual([
      '7:3 spec.requestsPerSecond: required field is missing (expected number)',
      '8:3 spec.requestPerSecond: unknown key "requestPerSecond"',
      '9:28 spec.newConnectionsPerSecond: -1 is out of range: must be at least 0',
      '13:10 spec.https: expected boolean, got "yes"',
      '14:16 spec.hourlyShape: the list has 3 item(s): it needs at least 24',
      '15:16 spec.freeTiers.alwaysFre: unknown key "alwaysFre"',
    ]);
    expect(diagnostics.find((d) => d.field === 'spec.requestPerSecond')!.hint).toMatch(/did you mean "requestsPerSecond"/);
    expect(diagnostics.find((d) => d.field === 'spec.freeTiers.alwaysFre')!.hint).toMatch(/did you mean "alwaysFree"/);
  });

  it('a region without a price snapshot is an error at spec.region with the regions that exist', () => {
    const { diagnostics } = load('unpriced-region.yaml');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 7, column: 11, field: 'spec.region', message: 'no price snapshot for region "ap-south-2"' });
    expect(diagnostics[0].hint).toMatch(/eu-west-1, us-east-1/);
  });

  it('YAML problems (a repeated key) are located too', () => {
    const { diagnostics } = load('duplicate-key.yaml');
    expect(diagnostics[0]).toMatchObject({ line: 5, column: 3, code: 'yaml-syntax' });
  });

  const withSpec = (extra: string) => `apiVersion: exposure-lab.dev/v1alpha1
kind: TrafficProfile
metadata: { name: t, description: t }
spec:
  region: us-east-1
  requestsPerSecond: 1
  newConnectionsPerSecond: 1
  activeConnections: 1
  requestBytes: 1
  responseBytes: 1
  https: true
${extra}`;

  it('methodMix: shares per HTTP method that add up to 1; unknown methods and other sums are located errors', () => {
    expect(loadProfileText(withSpec('  methodMix: { GET: 0.7, POST: 0.2, PUT: 0.1 }\n'), 'p.yaml').profile!.methodMix).toEqual({ GET: 0.7, POST: 0.2, PUT: 0.1 });
    const sum = loadProfileText(withSpec('  methodMix: { GET: 0.7, POST: 0.2 }\n'), 'p.yaml').diagnostics;
    expect(sum).toHaveLength(1);
    expect(sum[0]).toMatchObject({ line: 12, field: 'spec.methodMix' });
    expect(sum[0].message).toBe('the shares add up to 0.9, not 1');
    const bad = loadProfileText(withSpec('  methodMix: { GET: 0.9, FETCH: 0.1 }\n'), 'p.yaml').diagnostics;
    expect(bad.map((d) => d.field)).toContain('spec.methodMix.FETCH');
  });

  it('monthLengthHours: a calendar month of 672-744 hours that holds hoursPerMonth', () => {
    expect(loadProfileText(withSpec('  hoursPerMonth: 372\n  monthLengthHours: 744\n'), 'p.yaml').profile!.monthLengthHours).toBe(744);
    const short = loadProfileText(withSpec('  hoursPerMonth: 740\n  monthLengthHours: 720\n'), 'p.yaml').diagnostics;
    expect(short).toHaveLength(1);
    expect(short[0]).toMatchObject({ line: 13, column: 21, field: 'spec.monthLengthHours', message: 'a 720-hour month cannot hold hoursPerMonth 740' });
    expect(loadProfileText(withSpec('  monthLengthHours: 730.5\n'), 'p.yaml').profile!.monthLengthHours).toBe(730.5);
    expect(loadProfileText(withSpec('  monthLengthHours: 600\n'), 'p.yaml').diagnostics[0].field).toBe('spec.monthLengthHours');
  });

  it('loadProfile throws one UserError listing all problems with file:line:column', () => {
    expect(() => loadProfile(fixture('bad-profile.yaml'))).toThrow(/has 6 error\(s\):\ntest\/fixtures\/cost\/bad-profile.yaml:7:3: error: spec.requestsPerSecond: required/);
    expect(() => loadProfile('profiles/nope.yaml')).toThrow(/no such file/);
  });
});
