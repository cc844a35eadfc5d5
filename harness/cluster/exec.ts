// Running the external tools the cluster providers need (kind, kubectl, docker, aws), bounded in time and
// output, never through a shell.
import { execFile } from 'node:child_process';
import { locateTool } from '../tools/registry.ts';

/** kind and kubectl at their pinned versions (harness/tools); a copy on PATH at another version only when
 *  the pinned one is not installed (exposure-lab doctor flags it). */
const PINNED = new Set(['kind', 'kubectl']);

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], o: { timeoutMs: number; input?: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<ExecResult> {
  return new Promise((resolve) => {
    const bin = PINNED.has(cmd) ? (locateTool(cmd) ?? cmd) : cmd;
    const child = execFile(bin, args, { timeout: o.timeoutMs, maxBuffer: 16 * 1024 * 1024, env: o.env ?? process.env, signal: o.signal }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
      const code = !e ? 0 : typeof e.code === 'number' ? e.code : e.code === 'ENOENT' ? 127 : 1;
      resolve({ code, stdout: String(stdout), stderr: e && !stderr ? e.message : String(stderr) });
    });
    if (o.input !== undefined) child.stdin?.end(o.input);
  });
}

/** Throws with the tool's own stderr when it fails. */
export async function runOk(cmd: string, args: string[], o: { timeoutMs: number; input?: string; signal?: AbortSignal }): Promise<string> {
  const r = await run(cmd, args, o);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

/** First line of `<cmd> <versionArgs>`, or null when the tool is not installed. */
export async function toolVersion(cmd: string, versionArgs: string[]): Promise<string | null> {
  const r = await run(cmd, versionArgs, { timeoutMs: 10_000 });
  if (r.code !== 0) return null;
  return (r.stdout || r.stderr).trim().split('\n')[0] ?? null;
}
