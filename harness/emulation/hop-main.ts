// Entry of one hop process. The provider forks it, sends a HopSpec over IPC, and gets `ready` with the bound
// addresses. The process exits when the parent goes away (IPC disconnect), so nothing outlives a killed run.
import { HopRuntime } from './runtime.ts';
import { startL4, type Running } from './l4-hop.ts';
import { startL7 } from './l7-hop.ts';
import { startEcho } from './echo.ts';
import { startDelayStage } from './delay-stage.ts';
import type { ChildMessage, HopSpec, ParentMessage } from './spec.ts';

let running: Running | null = null;
let rt: HopRuntime | null = null;

function send(m: ChildMessage): void {
  if (process.connected) process.send!(m);
}

async function start(spec: HopSpec): Promise<void> {
  // Test hook: makes this hop fail to start, so failure teardown can be exercised with a real process.
  if (process.env.LAB_FAIL_HOP && process.env.LAB_FAIL_HOP === spec.name) throw new Error(`refused to start (LAB_FAIL_HOP=${spec.name})`);
  rt = new HopRuntime(spec);
  running =
    spec.role === 'echo' ? await startEcho(rt) : spec.role === 'l4' ? await startL4(rt) : spec.role === 'delay-stage' ? await startDelayStage(rt) : await startL7(rt);
  send({ type: 'ready', listeners: running.listeners, pid: process.pid });
}

async function stop(code: number): Promise<never> {
  const r = running;
  running = null;
  const deadline = setTimeout(() => process.exit(code), 1500);
  deadline.unref();
  try {
    await r?.close();
  } catch {
    // exiting anyway
  }
  process.exit(code);
}

process.on('message', (m: ParentMessage) => {
  if (m.type === 'start') {
    start(m.spec).catch((e) => {
      send({ type: 'failed', error: (e as Error).message });
      setTimeout(() => process.exit(1), 50);
    });
  } else if (m.type === 'stats') {
    if (rt) send({ type: 'stats', stats: rt.stats() });
  } else if (m.type === 'stop') {
    if (rt) send({ type: 'stats', stats: rt.stats() });
    void stop(0);
  }
});
process.on('disconnect', () => void stop(0));
process.on('SIGINT', () => {
  // The parent owns shutdown (it may want stats first); a terminal Ctrl-C reaches the whole group.
});
process.on('SIGTERM', () => void stop(0));
process.on('uncaughtException', (e) => {
  send({ type: 'incident', message: `uncaught exception: ${e.message}` });
});

send({ type: 'loaded' });
