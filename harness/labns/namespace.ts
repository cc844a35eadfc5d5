// The run's own network namespace: created and removed by a supervisor in the host namespace, so kernel NAT
// rules, listeners and every process of a run live apart from the host and from concurrent runs. Nothing is
// ever changed in the host's namespace. A detached watchdog removes the namespace (and kills what runs in it)
// when the supervisor dies, even by kill -9; a sweep at start removes namespaces whose owner is gone.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { onPath } from '../tools/registry.ts';

/** Every lab namespace is named xlab-<owner pid>-<n>: the sweep reads the owner from the name. */
export const NS_PREFIX = 'xlab-';
const NAME = /^xlab-(\d+)-[a-z0-9]+$/;

let seq = 0;
export function newNamespaceName(ownerPid = process.pid): string {
  return `${NS_PREFIX}${ownerPid}-${(seq++).toString(36)}`;
}

export function ownerOf(name: string): number | null {
  const m = NAME.exec(name);
  return m ? Number(m[1]) : null;
}

/** The `ip` binary (iproute2), or null. */
export function ipBinary(): string | null {
  return onPath('ip')[0] ?? null;
}

function run(bin: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${bin.split('/').pop()} ${args.join(' ')}: ${(stderr || err.message).trim()}`));
      else resolve(stdout);
    });
  });
}

export function ip(args: string[]): Promise<string> {
  const bin = ipBinary();
  if (!bin) return Promise.reject(new Error('the ip command (iproute2) is not installed'));
  return run(bin, args);
}

/** Creates the namespace with its loopback up (127.0.0.0/8 is then the lab's whole address plan in it). */
export async function createNamespace(name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`not a lab namespace name: ${name}`);
  await ip(['netns', 'add', name]);
  try {
    await ip(['-n', name, 'link', 'set', 'lo', 'up']);
  } catch (e) {
    await ip(['netns', 'del', name]).catch(() => {});
    throw e;
  }
}

/** Pids of every process whose network namespace is this one. */
export async function namespacePids(name: string): Promise<number[]> {
  const out = await ip(['netns', 'pids', name]).catch(() => '');
  return out.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

/** Kills what still runs inside, then deletes the namespace (its interfaces and iptables rules go with it). */
export async function removeNamespace(name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`not a lab namespace name: ${name}`);
  for (let attempt = 0; attempt < 5; attempt++) {
    const pids = await namespacePids(name);
    if (!pids.length) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(`/run/netns/${name}`)) return;
  await ip(['netns', 'del', name]);
}

export async function listLabNamespaces(): Promise<string[]> {
  const out = await ip(['netns', 'list']).catch(() => '');
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((n) => n && NAME.test(n));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes lab namespaces whose owner process is gone (a lab killed before its watchdog could act). */
export async function sweepStaleNamespaces(log: (l: string) => void = () => {}): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listLabNamespaces()) {
    const owner = ownerOf(name);
    if (owner === null || alive(owner)) continue;
    try {
      await removeNamespace(name);
      removed.push(name);
      log(`removed stale lab network namespace ${name} (its owner, pid ${owner}, is gone)`);
    } catch (e) {
      log(`could not remove stale lab network namespace ${name}: ${(e as Error).message}`);
    }
  }
  return removed;
}

/**
 * A detached shell that outlives the supervisor: once the owner pid is gone it kills every process in the
 * namespace and deletes it. Polls twice a second (one cheap kill -0). Returns its pid; the supervisor kills
 * it after removing the namespace itself.
 */
export function startWatchdog(name: string, ownerPid = process.pid): number {
  const ipBin = ipBinary();
  if (!ipBin) throw new Error('the ip command (iproute2) is not installed');
  const script = [
    `while kill -0 ${ownerPid} 2>/dev/null; do sleep 0.5; done`,
    `for i in 1 2 3 4 5; do p=$("${ipBin}" netns pids ${name} 2>/dev/null); [ -z "$p" ] && break; kill -9 $p 2>/dev/null; sleep 0.1; done`,
    `"${ipBin}" netns del ${name} 2>/dev/null`,
  ].join('\n');
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child.pid!;
}
