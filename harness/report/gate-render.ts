// The gate's verdict as people and CI read it: a markdown summary (effect, interval, p, the minimum
// detectable effect of the settings used) and JUnit XML with one test case per metric (a REGRESSION is a
// failure, an inconclusive metric is skipped with the reason, a pass says what the gate could have seen).
import type { GateVerdict, MetricVerdict } from '../analysis/gate/index.ts';
import type { Admission } from '../analysis/gate/index.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export interface GateContext {
  scenario: string;
  baseline: string;
  current: string;
  /** What each side ran: "9 pairs x 4 s (+1 s warm-up) at 200 req/s, interleaved A B A B". */
  plan: string;
  admission: Admission | null;
}

/** A metric's value in its unit; rates are ratios, except client IP retention, which the gate keeps in percent. */
const value = (m: MetricVerdict, x: number | null): string =>
  x === null || !Number.isFinite(x) ? 'n/a' : m.unit === '%' ? `${(m.metric === 'client IP retention' ? x : x * 100).toFixed(2)}%` : `${x.toFixed(m.unit === 'ms' ? 3 : 0)} ${m.unit}`;

function effectText(m: MetricVerdict): string {
  const e = m.effect;
  if (!e) return '';
  const u = m.unit === '%' ? 'pp' : m.unit;
  const k = m.unit === '%' ? 100 : 1;
  const abs = (x: number) => `${x >= 0 ? '+' : ''}${(x * k).toFixed(m.unit === 'ms' ? 3 : 2)} ${u}`;
  const rel = e.relative === null ? '' : ` (${e.relative >= 0 ? '+' : ''}${(e.relative * 100).toFixed(1)}%)`;
  return `${abs(e.absolute)}${rel} [${abs(e.absoluteLo)}, ${abs(e.absoluteHi)}]`;
}

const STATUS: Record<MetricVerdict['status'], string> = { pass: 'pass', regression: '**REGRESSION**', improved: 'improved', inconclusive: 'inconclusive', skipped: 'skipped' };

export function renderGateMarkdown(v: GateVerdict, c: GateContext): string {
  const L: string[] = [];
  L.push(`# Regression gate: ${c.scenario}: ${v.verdict === 'regression' ? 'REGRESSION' : v.verdict}`);
  L.push('');
  L.push(`- design: ${v.design === 'interleaved' ? 'fresh interleaved (both sides run now, A B A B ...)' : 'stored baseline history against fresh runs'}`);
  L.push(`- baseline: ${c.baseline}`);
  L.push(`- current: ${c.current}`);
  L.push(`- runs: ${c.plan}`);
  L.push(`- alpha ${(v.settings.alpha * 100).toFixed(2)}% per metric (one-sided), power of the stated minimum detectable effect ${(v.settings.power * 100).toFixed(0)}%`);
  L.push('');
  L.push('| metric | status | baseline | current | change [95% interval] | p | threshold | this gate can see |');
  L.push('|---|---|---|---|---|---|---|---|');
  for (const m of v.metrics) {
    L.push(`| ${m.metric} | ${STATUS[m.status]} | ${value(m, m.baseline)} | ${value(m, m.current)} | ${effectText(m)} | ${m.p === null ? '' : m.p.toPrecision(2)} | ${m.threshold} | ${m.mde?.text ?? ''} |`);
  }
  L.push('');
  for (const m of v.metrics) L.push(`- **${m.metric}**: ${m.detail} (${m.test}; runs ${m.runs.baseline} baseline, ${m.runs.current} current)`);
  if (v.notes.length) {
    L.push('');
    L.push('Notes:');
    for (const n of v.notes) L.push(`- ${n}`);
  }
  if (c.admission && (c.admission.warnings.length || c.admission.infos.length)) {
    L.push('');
    L.push('Differences between baseline and current:');
    for (const d of [...c.admission.warnings, ...c.admission.infos]) L.push(`- ${d.severity}: ${d.field}: baseline ${d.baseline}, current ${d.current}: ${d.why}`);
  }
  if (v.verdict === 'inconclusive') {
    L.push('');
    L.push('Inconclusive: the gate could not see a change of the size it promises (see "this gate can see"). A pass would not mean what it says; run more or longer windows, a higher rate, or on a quieter machine.');
  }
  return L.join('\n') + '\n';
}

/** One-screen text for the terminal. */
export function renderGateText(v: GateVerdict, c: GateContext): string {
  const L = [`regress ${c.scenario}: ${v.verdict === 'regression' ? 'REGRESSION' : v.verdict} (${v.design}; ${c.plan})`];
  for (const m of v.metrics) {
    const said = `${effectText(m)}${m.p === null ? '' : ` p=${m.p.toPrecision(2)}`}${m.mde ? `; ${m.mde.text}` : ''}`;
    L.push(`  ${m.metric.padEnd(20)} ${m.status.toUpperCase().padEnd(12)} ${said || m.detail}`);
  }
  for (const n of v.notes) L.push(`  note: ${n}`);
  return L.join('\n');
}

export function renderGateJunit(v: GateVerdict, c: GateContext, timestamp = new Date().toISOString()): string {
  const suite = `exposure-lab regress ${c.scenario}`;
  const count = (s: MetricVerdict['status'][]) => v.metrics.filter((m) => s.includes(m.status)).length;
  const failures = count(['regression']);
  const skipped = count(['inconclusive', 'skipped']);
  const n = v.metrics.length;
  const L: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  L.push(`<testsuites name="exposure-lab" tests="${n}" failures="${failures}" errors="0" skipped="${skipped}">`);
  L.push(`  <testsuite name="${escapeXml(suite)}" tests="${n}" failures="${failures}" errors="0" skipped="${skipped}" timestamp="${escapeXml(timestamp)}">`);
  L.push('    <properties>');
  L.push(`      <property name="baseline" value="${escapeXml(c.baseline)}"/>`);
  L.push(`      <property name="current" value="${escapeXml(c.current)}"/>`);
  L.push(`      <property name="design" value="${v.design}"/>`);
  L.push(`      <property name="runs" value="${escapeXml(c.plan)}"/>`);
  L.push(`      <property name="verdict" value="${v.verdict}"/>`);
  L.push('    </properties>');
  for (const m of v.metrics) {
    const name = escapeXml(m.metric);
    const text = escapeXml(
      `baseline ${value(m, m.baseline)}, current ${value(m, m.current)}${m.effect ? `; change ${effectText(m)}` : ''}${m.p !== null ? `; p=${m.p.toPrecision(2)} (${m.test})` : ''}; threshold ${m.threshold}; ${m.detail}${m.mde ? `; ${m.mde.text}` : ''}`,
    );
    L.push(`    <testcase classname="${escapeXml(suite)}" name="${name}">`);
    if (m.status === 'regression') L.push(`      <failure message="${name} regressed" type="regression">${text}</failure>`);
    else if (m.status === 'inconclusive' || m.status === 'skipped') L.push(`      <skipped message="${escapeXml(`${m.status}: ${m.detail}${m.mde ? `; ${m.mde.text}` : ''}`)}"/>`);
    else L.push(`      <system-out>${escapeXml(m.status)}: ${text}</system-out>`);
    L.push('    </testcase>');
  }
  L.push('  </testsuite>');
  L.push('</testsuites>');
  return L.join('\n') + '\n';
}
