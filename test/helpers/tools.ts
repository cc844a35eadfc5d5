// The one way a test asks for an external tool (infra/tools/tools.yaml). When every tool is installed at its
// pinned version the block runs with their paths. Otherwise: in CI (CI=true) one test FAILS with the doctor
// line of each missing tool; outside CI the block is skipped under a title that is the doctor line, which is
// also printed to stderr. Never a silent skip.
import { describe, it } from 'vitest';
import { doctorLine } from '../../harness/tools/doctor.ts';
import { locateTool, toolDir, toolStatus } from '../../harness/tools/registry.ts';
import { loadManifest } from '../../harness/tools/manifest.ts';

export interface ToolGate {
  ok: boolean;
  /** Absolute path per binary (or install folder per file-only tool such as gateway-api-crds). */
  paths: Record<string, string>;
  /** Doctor lines of the tools that are not ok. */
  problems: string[];
}

export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

/** Checks each tool with its version (doctor's own check). */
export async function needTools(names: string[]): Promise<ToolGate> {
  const paths: Record<string, string> = {};
  const problems: string[] = [];
  const m = loadManifest();
  for (const n of names) {
    const s = await toolStatus(n);
    if (s.state === 'ok' && s.path) paths[n] = s.path;
    else problems.push(await doctorLine(n));
  }
  // File-only tools are folders: toolDir gives the same path toolStatus checked.
  for (const n of names) if (m.tools[n] && !m.tools[n].binaries && paths[n]) paths[n] = toolDir(n) ?? paths[n];
  return { ok: problems.length === 0, paths, problems };
}

/**
 * describe(title, body) when every tool is here; otherwise a failing test in CI, a skipped one with the doctor
 * line outside CI. Await it at the top of the test file.
 */
export async function describeWithTools(names: string[], title: string, body: (paths: Record<string, string>) => void): Promise<void> {
  const gate = await needTools(names);
  if (gate.ok) {
    describe(title, () => body(gate.paths));
    return;
  }
  const lines = gate.problems.join('\n');
  if (inCI()) {
    describe(title, () => {
      it(`needs ${names.join(', ')} (CI=true: a missing tool fails the suite)`, () => {
        throw new Error(`missing or wrong tool(s):\n${lines}`);
      });
    });
    return;
  }
  process.stderr.write(`skipped "${title}": ${lines}\n`);
  describe(title, () => {
    it.skip(`skipped: ${lines}`, () => {});
  });
}

export { locateTool };
