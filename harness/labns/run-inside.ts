// The supervisor side: runs one function of the lab (a whole bench run, the ip-matrix) in a child process
// inside a fresh lab network namespace, so the driver, every hop, the real gateway and the echo share that
// namespace and its kernel NAT, and the host's own namespace is never changed. The supervisor stays in the
// host namespace and owns creation and removal: after success, failure, Ctrl-C (forwarded to the child as an
// abort, so it still writes what it measured) and, through the watchdog, kill -9 of the supervisor itself.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { UserError } from '../lib/errors.ts';
import { PROJECT_ROOT } from '../lib/paths.ts';
import { createNamespace, ipBinary, newNamespaceName, removeNamespace, startWatchdog, sweepStaleNamespaces } from './namespace.ts';
import { NAMESPACE_ENV } from './current.ts';

const CHILD_MAIN = fileURLToPath(new URL('./child-main.ts', import.meta.url));

/** A function the child calls: `module` relative to the project root; it takes one options object. */
export interface InsideCall {
  module: string;
  fn: string;
  input: Record<string, unknown>;
}

export type ToChild = { type: 'call'; call: InsideCall } | { type: 'abort' };
export type FromChild =
  | { type: 'log'; line: string }
  | { type: 'result'; value: unknown }
  | { type: 'error'; message: string; user?: { hint: string; exitCode: number } };

export interface InsideOptions {
  log: (line: string) => void;
  signal?: AbortSignal;
  /** Called with the namespace name once it exists (tests list it). */
  onNamespace?: (name: string) => void;
}

export async function runInLabNamespace<T>(call: InsideCall, o: InsideOptions): Promise<T> {
  const ipBin = ipBinary();
  if (!ipBin) throw new Error('the ip command (iproute2) is not installed');
  await sweepStaleNamespaces(o.log);
  const ns = newNamespaceName();
  await createNamespace(ns);
  let watchdog: number | null = null;
  try {
    watchdog = startWatchdog(ns);
    o.log(`emulation: the run executes in its own network namespace ${ns} (removed when it ends)`);
    o.onNamespace?.(ns);
    return await runChild<T>(ipBin, ns, call, o);
  } finally {
    await removeNamespace(ns).catch((e) => o.log(`could not remove lab network namespace ${ns}: ${(e as Error).message}`));
    if (watchdog) {
      try {
        process.kill(watchdog, 'SIGKILL');
      } catch {
        // it saw the owner go, or the namespace is already gone
      }
    }
  }
}

function runChild<T>(ipBin: string, ns: string, call: InsideCall, o: InsideOptions): Promise<T> {
  return new Promise<T>((resolvePromise, reject) => {
    // The same process group as the supervisor, like every process a loopback run starts: a terminal's Ctrl-C
    // reaches the child too, which ignores it and waits for the supervisor's abort, so the run can stop its
    // load, tear down and still write what it measured.
    const child = spawn(ipBin, ['netns', 'exec', ns, process.execPath, '--import', 'tsx', CHILD_MAIN], {
      cwd: process.cwd(),
      env: { ...process.env, [NAMESPACE_ENV]: ns },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let settled = false;
    const done = (f: () => void) => {
      if (settled) return;
      settled = true;
      o.signal?.removeEventListener('abort', onAbort);
      f();
    };
    const onAbort = () => {
      try {
        if (child.connected) child.send({ type: 'abort' } satisfies ToChild);
      } catch {
        // the child is going anyway
      }
    };
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('message', (m: FromChild) => {
      if (m.type === 'log') o.log(m.line);
      else if (m.type === 'result') done(() => resolvePromise(m.value as T));
      else if (m.type === 'error') done(() => reject(m.user ? new UserError(m.message, m.user.hint, m.user.exitCode) : new Error(m.message)));
    });
    child.on('error', (e) => done(() => reject(new Error(`could not start the run inside ${ns}: ${e.message}`))));
    child.on('exit', (code, sig) => done(() => reject(new Error(`the run inside ${ns} exited (${sig ?? `code ${code}`}) before reporting`))));
    child.once('spawn', () => child.send({ type: 'call', call: { ...call, module: resolve(PROJECT_ROOT, call.module) } } satisfies ToChild));
  });
}
