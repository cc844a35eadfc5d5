// What `exposure-lab doctor` reports: every tool of the manifest (found or missing, version found vs needed,
// path, where it came from, what needs it, the command that installs it) and the machine checks (Go, Python,
// Docker client and engine, AWS credentials by presence only). A row is `required` when the chosen scope needs
// it; the doctor exits 1 when a required row is not ok.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifest, type CheckEntry, type ProviderName } from './manifest.ts';
import { allToolNames, compareVersions, onPath, parseVersion, toolsRoot, toolStatus, type ToolStatus } from './registry.ts';

/** `test`: what `make test` needs (every auto tool). A provider: what that provider needs. */
export type DoctorScope = ProviderName | 'test';

export interface ToolRow extends ToolStatus {
  required: boolean;
}

export interface CheckRow {
  name: string;
  state: 'ok' | 'missing' | 'too-old' | 'not-running';
  detail: string;
  summary: string;
  required: boolean;
  laptop: string;
}

export interface DoctorReport {
  scope: DoctorScope;
  toolsRoot: string;
  ok: boolean;
  tools: ToolRow[];
  checks: CheckRow[];
}

function requiredTool(s: ToolStatus, scope: DoctorScope): boolean {
  const m = loadManifest();
  const entry = m.tools[s.tool];
  if (entry.source.type === 'unavailable') return false;
  return scope === 'test' ? entry.install === 'auto' : entry.providers.includes(scope);
}

function runText(file: string, args: string[], timeoutMs = 8000): Promise<{ ok: boolean; text: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => resolve({ ok: !err, text: `${stdout ?? ''}${stderr ?? ''}`.trim() }));
  });
}

/** Presence of AWS credentials, from the environment and the shared files only: nothing is sent anywhere. */
export function awsCredentialSource(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment';
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)';
  if (env.AWS_CONTAINER_CREDENTIALS_FULL_URI || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) return 'container credentials endpoint';
  const home = env.HOME || os.homedir();
  const creds = env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials');
  const config = env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config');
  const profile = env.AWS_PROFILE ? ` (profile ${env.AWS_PROFILE})` : '';
  if (existsSync(creds)) return `${creds}${profile}`;
  if (existsSync(config)) return `${config}${profile}`;
  return null;
}

async function runCheck(name: string, c: CheckEntry, scope: DoctorScope, env: NodeJS.ProcessEnv): Promise<CheckRow> {
  const base = { name, summary: c.summary, required: scope !== 'test' && c.providers.includes(scope as ProviderName), laptop: c.laptop };
  switch (c.type) {
    case 'command': {
      const bin = onPath(c.command[0], env)[0];
      if (!bin) return { ...base, state: 'missing', detail: `${c.command[0]} not on PATH` };
      const r = await runText(bin, c.command.slice(1));
      const v = parseVersion(r.text, c.regex);
      if (!v) return { ...base, state: 'missing', detail: `${bin} printed no version` };
      return compareVersions(v, c.minimum) < 0
        ? { ...base, state: 'too-old', detail: `${v} at ${bin}, needs >= ${c.minimum}` }
        : { ...base, state: 'ok', detail: `${v} at ${bin} (>= ${c.minimum})` };
    }
    case 'docker': {
      const bin = onPath('docker', env)[0];
      if (!bin) return { ...base, state: 'missing', detail: 'no docker client on PATH' };
      const client = parseVersion((await runText(bin, ['version', '--format', '{{.Client.Version}}'])).text, '(\\d+\\.\\d+\\.\\d+)');
      const server = await runText(bin, ['version', '--format', '{{.Server.Version}}'], 5000);
      const sv = server.ok ? parseVersion(server.text, '^(\\d+\\.\\d+\\.\\d+)') : null;
      if (!sv) return { ...base, state: 'not-running', detail: `client ${client ?? '?'} at ${bin}; no engine answers (${server.text.split('\n')[0] || 'no answer'})` };
      return { ...base, state: 'ok', detail: `client ${client ?? '?'}, engine ${sv}` };
    }
    case 'aws-credentials': {
      const src = awsCredentialSource(env);
      return src ? { ...base, state: 'ok', detail: `present: ${src} (not validated: doctor never calls AWS)` } : { ...base, state: 'missing', detail: 'no credentials in the environment or ~/.aws' };
    }
  }
}

export async function runDoctor(scope: DoctorScope, env: NodeJS.ProcessEnv = process.env): Promise<DoctorReport> {
  const m = loadManifest();
  const tools: ToolRow[] = [];
  for (const name of allToolNames()) {
    const s = await toolStatus(name, env);
    tools.push({ ...s, required: requiredTool(s, scope) });
  }
  const checks: CheckRow[] = [];
  for (const [name, c] of Object.entries(m.checks)) checks.push(await runCheck(name, c, scope, env));
  const ok = tools.every((t) => !t.required || t.state === 'ok') && checks.every((c) => !c.required || c.state === 'ok');
  return { scope, toolsRoot: toolsRoot(env), ok, tools, checks };
}

const LABEL: Record<ToolStatus['state'], string> = { ok: 'ok', missing: 'missing', 'wrong-version': 'wrong', unavailable: 'n/a' };

/** One line per tool and check; the lines of rows that fail the scope start with "!". */
export function formatDoctor(r: DoctorReport): string {
  const home = os.homedir();
  const short = (p: string | null) => (p && home && p.startsWith(home + path.sep) ? `~${p.slice(home.length)}` : (p ?? '-'));
  const w = Math.max(...r.tools.map((t) => t.name.length), ...r.checks.map((c) => c.name.length));
  const scopeText = r.scope === 'test' ? 'what `make test` needs (every tool make setup installs)' : `what the ${r.scope} provider needs`;
  const lines = [
    `exposure-lab doctor: checking ${scopeText}; tool cache ${short(r.toolsRoot)}`,
    '(! and CAPITALS: needed here and not ok; lowercase missing/wrong/down: not needed for this check)',
    '',
  ];
  for (const t of r.tools) {
    const flag = t.required && t.state !== 'ok' ? '!' : ' ';
    const state = t.required && t.state !== 'ok' ? LABEL[t.state].toUpperCase() : LABEL[t.state];
    const version = t.state === 'unavailable' ? 'unavailable' : t.state === 'ok' ? `${t.version}${t.needed === 'distro' ? ' (distro)' : ''}` : `found ${t.version ?? 'none'}, needs ${t.needed}`;
    const where = t.state === 'unavailable' ? t.notes.join('; ') : `${short(t.path)} [${t.source ?? 'not installed'}: ${t.from}]`;
    const tail = t.state === 'ok' || t.state === 'unavailable' ? `needed by: ${t.neededBy.join('; ')}` : `needed by: ${t.neededBy.join('; ')} | install: ${t.installHint}`;
    lines.push(`${flag} ${state.padEnd(7)} ${t.name.padEnd(w)}  ${version}  ${where}  ${tail}`);
    for (const n of t.state === 'unavailable' ? [] : t.notes) lines.push(`  ${' '.repeat(7)} ${' '.repeat(w)}  note: ${n}`);
  }
  lines.push('');
  for (const c of r.checks) {
    const flag = c.required && c.state !== 'ok' ? '!' : ' ';
    const word = c.state === 'too-old' ? 'old' : c.state === 'not-running' ? 'down' : c.state;
    const state = c.required && c.state !== 'ok' ? word.toUpperCase() : word;
    lines.push(`${flag} ${state.padEnd(7)} ${c.name.padEnd(w)}  ${c.detail}  (${c.summary})${c.state === 'ok' ? '' : ` | get it: ${c.laptop}`}`);
  }
  const failing = [...r.tools.filter((t) => t.required && t.state !== 'ok').map((t) => t.name), ...r.checks.filter((c) => c.required && c.state !== 'ok').map((c) => c.name)];
  lines.push('', failing.length ? `doctor: ${failing.length} problem(s) for ${r.scope === 'test' ? 'make test' : `--provider ${r.scope}`}: ${failing.join(', ')} (lines marked !)` : `doctor: everything ${r.scope === 'test' ? 'make test' : `the ${r.scope} provider`} needs is here`);
  return lines.join('\n');
}

/** The doctor line of one tool, for test skips and failures. */
export async function doctorLine(name: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const s = await toolStatus(name, env);
  const what = s.state === 'ok' ? `${s.name} ${s.version} at ${s.path}` : s.state === 'wrong-version' ? `${s.name}: found ${s.version ?? 'unknown version'} at ${s.path}, needs ${s.needed}` : s.state === 'unavailable' ? `${s.name}: unavailable here (${s.notes[0]})` : `${s.name} ${s.needed} is not installed`;
  return s.state === 'ok' ? what : `${what}; install: ${s.installHint} (exposure-lab doctor shows every tool)`;
}

