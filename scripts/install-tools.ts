// Installs the tools of infra/tools/tools.yaml that are missing (scripts/setup.sh runs it after npm ci).
//   install-tools.ts [--for bench|perf|kind|test]... [tool or binary name]...
// With neither, --for test: every tool installed automatically. Exit 1 when an install failed, 2 on bad input.
import { parseArgs } from 'node:util';
import { InstallError, formatFailure, installTools, toolsFor } from '../harness/tools/install.ts';
import { TARGETS, type Target } from '../harness/tools/manifest.ts';
import { toolsRoot } from '../harness/tools/registry.ts';
import { UserError } from '../harness/lib/errors.ts';

const HELP = `Usage: bash scripts/setup.sh [--for <target>]... [tool...]

Installs the tools of infra/tools/tools.yaml that are missing, into ${toolsRoot()}
  --for <target>   ${TARGETS.join(' | ')}: the tools that make target needs (default: test = every tool
                   marked install: auto); repeatable
  tool...          tool or binary names (e.g. kind, kubectl, envoy), installed too
Present tools are left alone (a second run takes well under 5 s). See also: exposure-lab doctor`;

async function main(): Promise<number> {
  let values: { for?: string[]; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ options: { for: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true }));
  } catch (e) {
    throw new UserError(`setup: ${(e as Error).message}`, 'see: bash scripts/setup.sh --help');
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const bad = (values.for ?? []).filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (bad.length) throw new UserError(`setup: unknown target ${bad.join(', ')}`, `targets: ${TARGETS.join(', ')}`);
  const targets = (values.for ?? (positionals.length ? [] : ['test'])) as Target[];
  let tools: string[];
  try {
    tools = toolsFor(targets, positionals);
  } catch (e) {
    if (e instanceof InstallError) throw new UserError(`setup: ${e.message}`, e.next);
    throw e;
  }
  const log = (l: string) => console.log(`setup: ${l}`);
  const r = await installTools(tools, { log });
  if (r.failed.length) {
    for (const f of r.failed) console.error(`setup: ${formatFailure(f).split('\n').join('\nsetup: ')}`);
    console.error(`setup: ${r.failed.length} tool(s) failed to install: ${r.failed.map((f) => f.tool).join(', ')} (exposure-lab doctor shows what is there)`);
    return 1;
  }
  const parts = [`${r.present.length} present`];
  if (r.installed.length) parts.push(`${r.installed.length} installed (${r.installed.map((i) => `${i.tool} ${i.seconds.toFixed(0)} s`).join(', ')})`);
  if (r.skipped.length) parts.push(`${r.skipped.length} skipped (${r.skipped.map((s) => s.tool).join(', ')})`);
  log(`tools for ${targets.length ? targets.join('+') : 'the named tools'}: ${parts.join(', ')}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UserError) {
      console.error(`error: ${e.message}\n  hint: ${e.hint}`);
      process.exit(e.exitCode);
    }
    console.error(`setup: internal error: ${(e as Error)?.stack ?? e}`);
    process.exit(70);
  },
);
