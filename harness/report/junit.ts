// JUnit XML of a regression verdict: one test case per check, so CI systems show each metric as a test.
import type { RegressVerdict } from '../analysis/regress.ts';

export function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function renderJunit(v: RegressVerdict, timestamp = new Date().toISOString()): string {
  const suite = `exposure-lab regress ${v.current.scenario}`;
  const failures = v.checks.filter((c) => c.status === 'regression').length;
  const errors = v.checks.filter((c) => c.status === 'fail').length;
  const skipped = v.checks.filter((c) => c.status === 'skipped').length;
  const L: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  L.push(`<testsuites name="exposure-lab" tests="${v.checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`);
  L.push(`  <testsuite name="${escapeXml(suite)}" tests="${v.checks.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" timestamp="${escapeXml(timestamp)}">`);
  L.push('    <properties>');
  L.push(`      <property name="baseline" value="${escapeXml(`${v.baseline.scenario} ${v.baseline.startedAt} ${v.baseline.gitRevision ?? ''}`.trim())}"/>`);
  L.push(`      <property name="current" value="${escapeXml(`${v.current.scenario} ${v.current.startedAt} ${v.current.gitRevision ?? ''}`.trim())}"/>`);
  L.push(`      <property name="verdict" value="${v.verdict}"/>`);
  L.push('    </properties>');
  for (const c of v.checks) {
    const name = escapeXml(c.metric);
    const text = escapeXml(`baseline ${fmt(c.baseline)} ${c.unit}, current ${fmt(c.current)} ${c.unit}; threshold ${c.threshold}; ${c.test}${c.p !== null ? ` p=${c.p.toPrecision(2)}` : ''}; ${c.detail} [${c.fidelity}]`);
    L.push(`    <testcase classname="${escapeXml(suite)}" name="${name}">`);
    if (c.status === 'regression') L.push(`      <failure message="${name} regressed" type="regression">${text}</failure>`);
    else if (c.status === 'fail') L.push(`      <error message="${name}" type="invalid">${text}</error>`);
    else if (c.status === 'skipped') L.push(`      <skipped message="${escapeXml(c.detail)}"/>`);
    else L.push(`      <system-out>${escapeXml(c.status)}: ${text}</system-out>`);
    L.push('    </testcase>');
  }
  L.push('  </testsuite>', '</testsuites>', '');
  return L.join('\n');
}

function fmt(v: number | string | null): string {
  return v === null ? 'n/a' : typeof v === 'number' ? String(+v.toFixed(3)) : v;
}
