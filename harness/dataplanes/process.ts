// Process plumbing shared by the real data planes: locate a binary, read its version once per process,
// start it in the foreground with its output in a log file, wait until every listener accepts, stop it.
// Every data-plane process start goes through startLogged (the one launcher), so how processes are started
// (environment, parent-death signal, and later a per-run network namespace) is decided in one place.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync, readdirSync, readlinkSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import type { DataPlaneHandle, Endpoint, GatewaySpec } from './types.ts';


/** Runs `bin args` and returns stdout+stderr (version banners go to either), or null when it cannot run. */
export function runForOutput(bin: string, args: string[], timeoutMs = 5000): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(bin, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const out = `${stdout ?? ''}${stderr ?? ''}`;
      // nginx -v exits 0; some builds print the banner and exit non-zero: keep the text when there is one.
      resolve(out.trim() ? out : err ? null : out);
    });
  });
}

/** Caches one async lookup per key for the life of the process (versions do not change under us). */
export function cached<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => (p ??= fn());
}

export function tail(file: string, lines = 20): string {
  try {
    if (!existsSync(file)) return '(no log written)';
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n') || '(log empty)';
  } catch (e) {
    return `(cannot read ${file}: ${(e as Error).message})`;
  }
}

export interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** The process gets SIGKILL when the lab dies (see LaunchOptions.dieWithLab). */
  pdeathsig?: boolean;
}

export interface LaunchOptions {
  /** Extra environment for the process (added to the lab's own). */
  env?: NodeJS.ProcessEnv;
  /**
   * SIGKILL the process when the lab dies, even by kill -9 (Linux prctl PR_SET_PDEATHSIG through util-linux
   * `setpriv --pdeathsig KILL`, which execs the binary, so the pid stays the server's). For servers that do
   * not exit on their own when the lab goes away (Envoy Gateway). Without setpriv the process is started
   * plainly and `pdeathsig` in the result says so.
   */
  dieWithLab?: boolean;
}

/** util-linux setpriv, when this machine has it (Debian: always, it is Essential). */
const setprivPath = (() => {
  let found: string | null | undefined;
  return (): string | null => {
    if (found !== undefined) return found;
    found = ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv'].find((p) => existsSync(p)) ?? null;
    return found;
  };
})();

/**
 * Starts a foreground server with stdout and stderr appended to logFile; never inherits the test's stdio.
 * In a kernel-NAT run the whole run executes inside its own network namespace (harness/labns/), so whatever
 * is started here is in that namespace too, with the readiness checks below seeing its sockets.
 */
export function startLogged(bin: string, args: string[], logFile: string, cwd: string, opts: LaunchOptions = {}): Started {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  const setpriv = opts.dieWithLab ? setprivPath() : null;
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', bin, ...args]] : [bin, args];
  try {
    // Spawned from the main thread: the parent-death signal fires when the lab process ends (it is tied to
    // the thread that forked, which for Node's spawn is the main thread).
    child = spawn(file, argv, { cwd, stdio: ['ignore', fd, fd], detached: false, env: opts.env ? { ...process.env, ...opts.env } : process.env });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return { child, exited, pdeathsig: !!setpriv };
}

function tryConnect(ep: Endpoint, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: ep.host, port: ep.port });
    const done = (ok: boolean) => {
      clearTimeout(t);
      s.destroy();
      resolve(ok);
    };
    const t = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** /proc/net/tcp spells 127.1.2.3:8080 as 0302017F:1F90 (address in host byte order, port big-endian). */
function procNetKey(ep: Endpoint): string {
  const hex = ep.host.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).reverse().join('');
  return `${hex}:${ep.port.toString(16).padStart(4, '0').toUpperCase()}`;
}

/** Listening sockets on this port: on ep's own address, or on the wildcard 0.0.0.0 that also reaches ep. */
function listeningInodes(ep: Endpoint): Set<string> | null {
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8');
  } catch {
    return null;
  }
  const keys = new Set([procNetKey(ep), procNetKey({ host: '0.0.0.0', port: ep.port })]);
  const inodes = new Set<string>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (keys.has(f[1]) && f[3] === '0A') inodes.add(f[9]);
  }
  return inodes;
}

/** Whether something listens on 0.0.0.0:port or addr:port (TCP, IPv4), from /proc; null where /proc cannot tell. */
export function portListening(port: number, host = '0.0.0.0'): boolean | null {
  const inodes = listeningInodes({ host, port });
  return inodes === null ? null : inodes.size > 0;
}

/**
 * Whether the socket listening on ep belongs to one of pids: true / false, or null where /proc cannot tell.
 * A connect alone could be answered by someone else holding the port (a stale process, a port race).
 */
export function listenerOwnedBy(ep: Endpoint, pids: number[]): boolean | null {
  const inodes = listeningInodes(ep);
  if (inodes === null) return null;
  if (!inodes.size) return false;
  for (const pid of pids) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      return null;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m && inodes.has(m[1])) return true;
      } catch {
        /* fd closed meanwhile */
      }
    }
  }
  return false;
}

/**
 * Waits until every endpoint accepts a TCP connection on a socket this process (or its workers) owns, or the
 * process exits, or the deadline passes. A bare connect then close is harmless to nginx and Envoy.
 */
export async function waitListening(started: Started, endpoints: Endpoint[], what: string, logFile: string, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let exitCode: number | null | undefined;
  void started.exited.then((c) => (exitCode = c));
  const pending = new Set(endpoints.map((e) => `${e.host}:${e.port}`));
  for (let attempt = 0; attempt < 1000 && Date.now() < until; attempt++) {
    if (exitCode !== undefined) {
      throw new Error(`${what} exited (code ${exitCode}) before accepting connections; last log lines:\n${tail(logFile)}`);
    }
    for (const ep of endpoints) {
      const key = `${ep.host}:${ep.port}`;
      if (!pending.has(key)) continue;
      const pid = started.child.pid;
      const owned = pid === undefined ? false : listenerOwnedBy(ep, [pid, ...childPids(pid)]);
      if (owned !== false && (await tryConnect(ep, 500))) pending.delete(key);
    }
    if (!pending.size) return;
    await new Promise((r) => setTimeout(r, Math.min(50 + attempt * 10, 250)));
  }
  throw new Error(`${what} did not accept connections on ${[...pending].join(', ')} within ${deadlineMs} ms; last log lines:\n${tail(logFile)}`);
}

/** SIGTERM, wait, SIGKILL after the deadline. Safe to call twice and after the process died on its own. */
export async function stopProcess(started: Started, graceMs = 5000): Promise<void> {
  const { child, exited } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
  if (timedOut && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}

/** Children of pid (nginx workers), from /proc; empty where /proc is absent. */
export function childPids(pid: number): number[] {
  // Every thread's list: a multi-threaded parent (Go, as Envoy Gateway) forks from any of its threads.
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const out = new Set<number>();
  for (const t of tasks) {
    try {
      const kids = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (kids) for (const k of kids.split(/\s+/)) out.add(Number(k));
    } catch {
      /* thread gone meanwhile */
    }
  }
  return [...out];
}

/** Every descendant of pid (children, their children, ...), bounded in depth; empty where /proc is absent. */
export function descendantPids(pid: number, depth = 4): number[] {
  if (depth <= 0) return [];
  const kids = childPids(pid);
  return [...kids, ...kids.flatMap((k) => descendantPids(k, depth - 1))];
}

/** True while pid is a live process (a zombie counts as gone: it holds no sockets and runs nothing). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * The start sequence every data plane shares: write the generated config into the run's work dir, start
 * the binary in the foreground, wait until every listener accepts on a socket of its own, and hand back an
 * idempotent stop. A start that fails stops what it started before the error goes up.
 */
export async function launchDataPlane(o: {
  spec: Pick<GatewaySpec, 'workDir' | 'listen' | 'startTimeoutMs'>;
  bin: string;
  what: string;
  configFile: string;
  config: string;
  logFile: string;
  args: string[];
  realizedBy: string;
  /** Every pid to report for the main one (e.g. nginx's master and its workers). */
  pids?: (main: number) => number[];
  launch?: LaunchOptions;
}): Promise<DataPlaneHandle> {
  mkdirSync(o.spec.workDir, { recursive: true });
  const conf = path.join(o.spec.workDir, o.configFile);
  const log = path.join(o.spec.workDir, o.logFile);
  writeFileSync(conf, o.config);
  const started = startLogged(o.bin, o.args.map((a) => a.replace('{config}', conf).replace('{log}', log)), log, o.spec.workDir, o.launch);
  try {
    await waitListening(started, o.spec.listen, o.what, log, o.spec.startTimeoutMs);
  } catch (e) {
    await stopProcess(started);
    throw e;
  }
  const main = started.child.pid!;
  let stopping: Promise<void> | undefined;
  return { realizedBy: o.realizedBy, pids: o.pids ? o.pids(main) : [main], stop: () => (stopping ??= stopProcess(started)) };
}

/**
 * Runs a short command (a certificate generator, a translator) to completion through the same launcher as the
 * servers; output appended to logFile. Resolves with the exit code and the output it wrote; bounded in time.
 */
export async function runLogged(bin: string, args: string[], logFile: string, cwd: string, opts: LaunchOptions & { timeoutMs?: number } = {}): Promise<{ code: number | null; output: string; timedOut: boolean }> {
  const before = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  const started = startLogged(bin, args, logFile, cwd, opts);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    started.child.kill('SIGKILL');
  }, opts.timeoutMs ?? 60_000);
  const code = await started.exited;
  clearTimeout(timer);
  const output = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(before) : '';
  return { code, output, timedOut };
}

/** Runs a short offline command (a translator) and captures stdout and stderr apart; bounded in time. */
export function runCaptured(bin: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(bin, args, { cwd: opts.cwd, env: opts.env ? { ...process.env, ...opts.env } : process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? 60_000);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    const finish = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    };
    child.once('error', (e) => {
      err.push(Buffer.from(String(e.message)));
      finish(-1);
    });
    child.once('close', (code) => finish(code));
  });
}
