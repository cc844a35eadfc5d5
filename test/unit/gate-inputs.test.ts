// Bad input to the gate: baselines that do not compare (another scenario, provider, lab version, machine
// class, load, realization) and baseline files that are damaged (truncated, wrong types), each with a clear
// located message and exit code 2.
import { describe, expect, it } from 'vitest';
import { admit, compareMetadata, runMetadata, type DifferenceKey, type RunMetadata } from '../../harness/analysis/gate/metadata.ts';
import { BaselineFileError, historyFromResults, appendSession, historyRuns, parseBaseline } from '../../harness/analysis/gate/baseline-file.ts';
import { runSample } from '../../harness/analysis/gate/sample.ts';
import { synthResult } from '../fixtures/results/synthetic.ts';

const base = runMetadata(synthResult({ seed: 1 }));
const with_ = (patch: (m: RunMetadata) => void): RunMetadata => {
  const m = structuredClone(base);
  patch(m);
  return m;
};

const REFUSALS: Array<[DifferenceKey, (m: RunMetadata) => void, RegExp]> = [
  ['scenario', (m) => void (m.scenario = 'alb-nlb-gateway'), /reports\/baselines\/alb-nlb-gateway\.json/],
  ['provider', (m) => void (m.provider = 'kind'), /--provider local/],
  ['lab-version', (m) => void (m.labVersion = '0.2.0'), /re-record the baseline with lab 0\.2\.0/],
  ['machine', (m) => void (m.machine.cpus = 8), /machine class CI uses/],
  ['load', (m) => void (m.load.targetRps = 500), /drop the --rate override/],
  ['load', (m) => void (m.load.connectionMode = 'new-connection'), /baseline's load/],
  ['fidelity', (m) => void (m.latencyFidelity = 'measured'), /same components/],
  ['realization', (m) => void (m.realization[1].realizedBy = 'haproxy 2.6.12 (standing in for Envoy)'), /install what the baseline used \(builtin-l7-proxy\)/],
];

describe('run metadata: what differs, how much it matters, what to do', () => {
  it('two runs of the same setup differ in nothing that matters', () => {
    expect(compareMetadata(base, runMetadata(synthResult({ seed: 2 })))).toEqual([]);
    expect(admit([]).ok).toBe(true);
  });

  it.each(REFUSALS)('%s: refused, with the values and a fix', (key, patch, fix) => {
    const diffs = compareMetadata(base, with_(patch));
    const d = diffs.find((x) => x.key === key)!;
    expect(d.severity).toBe('refuse');
    expect(d.fix).toMatch(fix);
    const a = admit(diffs);
    expect(a.ok).toBe(false);
    expect(a.message).toMatch(/the baseline does not compare with this run/);
    expect(a.message).toContain(`baseline ${d.baseline}, current ${d.current}`);
  });

  it('warnings: a lab patch release, another Node major, another run length', () => {
    const diffs = compareMetadata(base, with_((m) => {
      m.labVersion = '0.1.1';
      m.machine.node = 'v22.1.0';
      m.load.durationS = 10;
    }));
    expect(diffs.map((d) => [d.key, d.severity])).toEqual([
      ['lab-version', 'warn'],
      ['runtime', 'warn'],
      ['load', 'warn'],
    ]);
    const a = admit(diffs);
    expect(a.ok).toBe(true);
    expect(a.message).toMatch(/^compared, but note:/);
  });

  it('expected differences are information: the scenario file, the revision, a new gateway version, an added hop', () => {
    const diffs = compareMetadata(base, with_((m) => {
      m.scenarioSha256 = 'f'.repeat(64);
      m.gitRevision = 'abc123';
      m.realization[1].realizedBy = 'builtin-l7-proxy 2';
      m.realization.push({ hop: 'waf', component: 'waf', realizedBy: 'builtin-l7-proxy' });
    }));
    expect(diffs.every((d) => d.severity === 'info')).toBe(true);
    expect(diffs.map((d) => d.field).sort()).toEqual(['hops.envoy.realizedBy', 'hops.waf', 'meta.gitRevision', 'meta.scenarioSha256']);
  });

  it('--allow turns a refusal into a warning that says it was accepted', () => {
    const a = admit(compareMetadata(base, with_((m) => (m.machine.cpus = 8))), ['machine']);
    expect(a.ok).toBe(true);
    expect(a.warnings[0].why).toMatch(/accepted with --allow machine/);
  });
});

describe('baseline files', () => {
  const h = historyFromResults([synthResult({ seed: 1 }), synthResult({ seed: 2 })], '2025-01-01T00:00:00Z');
  const text = JSON.stringify(h, null, 2) + '\n';

  it('a history round-trips and lists its runs with their session', () => {
    const { history, legacy } = parseBaseline(text, 'reports/baselines/public-nlb.json');
    expect(legacy).toBe(false);
    expect(history).toEqual(h);
    const later = appendSession(history, { ...history.sessions[0], id: 'later' });
    expect(historyRuns(later).sessions).toEqual(['2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z', 'later', 'later']);
  });

  it('a truncated file: located at its end, says truncated, exit code 2', () => {
    const cut = text.slice(0, 700);
    const e = catchError(() => parseBaseline(cut, 'reports/baselines/public-nlb.json'));
    expect(e).toBeInstanceOf(BaselineFileError);
    const lines = cut.split('\n');
    expect(e.line).toBe(lines.length);
    expect(e.column).toBe(lines[lines.length - 1].length + 1);
    expect(e.message).toMatch(/^reports\/baselines\/public-nlb\.json:\d+:\d+: the JSON ends early \(700 bytes\): the file is truncated$/);
    expect(e.hint).toMatch(/git checkout/);
    expect(e.exitCode).toBe(2);
  });

  it('a file cut inside a string: located where the string opens, says truncated', () => {
    const at = text.indexOf('"scenario": "public-nlb"') + '"scenario": "pub'.length;
    const e = catchError(() => parseBaseline(text.slice(0, at), 'b.json'));
    expect(e).toBeInstanceOf(BaselineFileError);
    expect(e.message).toMatch(/^b\.json:\d+:\d+: the JSON ends early \(\d+ bytes\): the file is truncated$/);
  });

  it('broken JSON in the middle: the position of the bad character', () => {
    const bad = text.replace('"scenario": "public-nlb"', '"scenario": public-nlb');
    const e = catchError(() => parseBaseline(bad, 'b.json'));
    expect(e.line).toBe(4);
    expect(e.message).toMatch(/^b\.json:4:\d+: not valid JSON/);
  });

  it('a wrong type deep inside: file, line, column and JSON path of the field', () => {
    const doc = JSON.parse(text);
    doc.sessions[0].runs[1].p99Ms = 'fast';
    const edited = JSON.stringify(doc, null, 2);
    const e = catchError(() => parseBaseline(edited, 'b.json'));
    expect(e.jsonPath).toBe('sessions[0].runs[1].p99Ms');
    const want = edited.split('\n').findIndex((l) => l.includes('"p99Ms": "fast"')) + 1;
    expect(e.line).toBe(want);
    expect(e.message).toMatch(/^b\.json:\d+:\d+: sessions\[0\]\.runs\[1\]\.p99Ms: /);
  });

  it('a missing field is reported at the object that should hold it', () => {
    const doc = JSON.parse(text);
    delete doc.sessions[0].metadata.machine;
    const e = catchError(() => parseBaseline(JSON.stringify(doc, null, 2), 'b.json'));
    expect(e.jsonPath).toBe('sessions[0].metadata.machine');
  });

  it('a result.json stored as a baseline (before histories) reads as one session of one run', () => {
    const r = synthResult({ seed: 3 });
    const { history, legacy } = parseBaseline(JSON.stringify(r), 'old.json');
    expect(legacy).toBe(true);
    expect(history.sessions[0].runs).toEqual([runSample(r)]);
  });

  it('a damaged result.json baseline is located too', () => {
    const r = synthResult({ seed: 3 }) as unknown as { load: Record<string, unknown> };
    r.load.achievedRps = 'lots';
    const e = catchError(() => parseBaseline(JSON.stringify(r, null, 1), 'old.json'));
    expect(e.jsonPath).toBe('load.achievedRps');
    expect(e.message).toMatch(/^old\.json:\d+:\d+: load\.achievedRps: /);
  });

  it('something else entirely: says what a baseline is', () => {
    const e = catchError(() => parseBaseline('{"hello": 1}', 'x.json'));
    expect(e.message).toMatch(/neither a baseline history .* nor a result\.json/);
  });
});

function catchError(f: () => unknown): BaselineFileError {
  try {
    f();
  } catch (e) {
    return e as BaselineFileError;
  }
  throw new Error('expected an error');
}
