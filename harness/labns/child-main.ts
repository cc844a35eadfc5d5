// The child side: started by the supervisor (run-inside.ts) inside a lab network namespace through
// `ip netns exec`. Calls one function of the lab with the supervisor's input plus log and abort signal,
// sends the result back, and exits. Interruption comes from the supervisor only (an abort message, or the
// IPC channel closing when the supervisor dies); a terminal's SIGINT, which reaches the whole process group,
// is ignored here.
import { pathToFileURL } from 'node:url';
import { UserError } from '../lib/errors.ts';
import type { FromChild, ToChild } from './run-inside.ts';

const ac = new AbortController();

function send(m: FromChild): void {
  if (process.connected) process.send!(m);
}

process.on('SIGINT', () => {});
process.on('disconnect', () => {
  // The supervisor is gone: stop, tear down (the run's own finally blocks), and leave.
  ac.abort(new Error('the supervisor went away'));
  setTimeout(() => process.exit(1), 10_000).unref();
});
process.on('message', (m: ToChild) => {
  if (m.type === 'abort') ac.abort(new Error('interrupted'));
  else if (m.type === 'call') void call(m.call);
});

async function call(c: Extract<ToChild, { type: 'call' }>['call']): Promise<void> {
  try {
    const mod = (await import(pathToFileURL(c.module).href)) as Record<string, unknown>;
    const fn = mod[c.fn];
    if (typeof fn !== 'function') throw new Error(`${c.module} has no function ${c.fn}`);
    const value = await (fn as (o: unknown) => Promise<unknown>)({ ...c.input, log: (line: string) => send({ type: 'log', line }), signal: ac.signal });
    send({ type: 'result', value });
  } catch (e) {
    const err = e as Error;
    send({ type: 'error', message: err.message, ...(e instanceof UserError ? { user: { hint: e.hint, exitCode: e.exitCode } } : {}) });
  }
  // Let the message flush, then leave (hop processes and data planes were torn down by the call).
  process.disconnect?.();
  setTimeout(() => process.exit(0), 200).unref();
}
