// Markdown summary of a regression verdict: the table a reviewer reads in the pull request or CI job summary.
import type { Check, RegressVerdict } from '../analysis/regress.ts';

const ICON: Record<Check['status'], string> = { pass: 'pass', improved: 'improved', warn: 'WARN', skipped: 'skipped', regression: '**REGRESSION**', fail: '**FAIL**' };

export function renderRegressMarkdown(v: RegressVerdict): string {
  const L: string[] = [];
  const head = v.verdict === 'pass' ? 'PASS' : v.verdict === 'regression' ? 'REGRESSION' : 'INVALID RUN';
  L.push(`# Regression gate: ${head}`, '');
  L.push(`Baseline: ${v.baseline.scenario} (${v.baseline.provider}) run ${v.baseline.startedAt}${v.baseline.gitRevision ? ` @ ${v.baseline.gitRevision}` : ''}  `);
  L.push(`Current: ${v.current.scenario} (${v.current.provider}) run ${v.current.startedAt}${v.current.gitRevision ? ` @ ${v.current.gitRevision}` : ''}`, '');
  L.push(`A noisy metric regresses only when its change is past the threshold AND significant at alpha = ${v.thresholds.alpha} (one-sided). Client IP loss, new spoofability and an invalid run always fail.`, '');
  L.push('| metric | baseline | current | change | 95% CI of change | threshold | test | p | verdict | fidelity |', '|---|---|---|---|---|---|---|---|---|---|');
  for (const c of v.checks) {
    const ci = c.interval && Number.isFinite(c.interval.lo) ? `${sp(c.interval.lo)} .. ${sp(c.interval.hi)}` : '';
    L.push(`| ${c.metric} | ${val(c.baseline, c.unit)} | ${val(c.current, c.unit)} | ${c.change !== null && Number.isFinite(c.change) ? sp(c.change) : ''} | ${ci} | ${c.threshold} | ${c.test} | ${c.p !== null ? c.p.toPrecision(2) : ''} | ${ICON[c.status]} | ${c.fidelity} |`);
  }
  L.push('');
  const bad = v.checks.filter((c) => c.status === 'regression' || c.status === 'fail' || c.status === 'warn');
  if (bad.length) {
    L.push('## Details', '');
    for (const c of bad) L.push(`- ${ICON[c.status]} ${c.metric}: ${c.detail}`);
    L.push('');
  }
  if (v.notes.length) {
    L.push('## Notes', '');
    for (const n of v.notes) L.push(`- ${n}`);
    L.push('');
  }
  return L.join('\n');
}

/** The verdict table for a terminal. */
export function renderRegressText(v: RegressVerdict): string {
  const rows = v.checks.map((c) => [c.metric, val(c.baseline, c.unit), val(c.current, c.unit), c.change !== null && Number.isFinite(c.change) ? sp(c.change) : '', c.threshold, c.p !== null ? `p=${c.p.toPrecision(2)}` : '', c.status.toUpperCase()]);
  const header = ['metric', 'baseline', 'current', 'change', 'threshold', 'test', 'verdict'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const c of v.checks.filter((c) => c.status === 'regression' || c.status === 'fail')) out.push(`  ${c.metric}: ${c.detail}`);
  for (const n of v.notes) out.push(`note: ${n}`);
  out.push(`verdict: ${v.verdict.toUpperCase()}`);
  return out.join('\n');
}

function sp(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

function val(v: number | string | null, unit: string): string {
  if (v === null) return 'n/a';
  if (typeof v === 'string') return v;
  const n = unit === 'USD' ? `$${v.toFixed(2)}` : unit === 'ms' ? v.toFixed(v >= 10 ? 1 : 2) : String(+v.toFixed(2));
  return unit && unit !== 'USD' && unit !== 'count' ? `${n} ${unit}` : n;
}
