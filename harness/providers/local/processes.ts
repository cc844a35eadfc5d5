// Hop processes: fork the hop runner, hand it its spec over IPC, wait for `ready`, stop it (stats first).
// Children exit on IPC disconnect, so even a kill -9 of the parent leaves nothing behind.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BoundListener, ChildMessage, HopSpec, HopStats } from '../../emulation/spec.ts';

const HOP_MAIN = fileURLToPath(new URL('../../emulation/hop-main.ts', import.meta.url));
const LOAD_TIMEOUT_MS = 30_000;
const START_TIMEOUT_MS = 15_000;

export class HopProcess {
  readonly child: ChildProcess;
  readonly loaded: Promise<void>;
  stats: HopStats | null = null;
  stopping = false;
  exited = false;
  private stderrTail = '';
  private exitPromise: Promise<void>;

  constructor(readonly name: string, readonly what: string, onUnexpectedExit: (msg: string) => void, onIncident: (msg: string) => void) {
    this.child = fork(HOP_MAIN, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...process.env },
    });
    this.child.stderr?.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString()).slice(-2000);
    });
    this.exitPromise = new Promise((res) => {
      this.child.once('exit', (code, signal) => {
        this.exited = true;
        if (!this.stopping) onUnexpectedExit(`hop ${this.name} (${this.what}, pid ${this.child.pid}) exited unexpectedly (${signal ?? `code ${code}`})${this.stderrTail ? ': ' + lastLine(this.stderrTail) : ''}`);
        res();
      });
    });
    this.child.on('message', (m: ChildMessage) => {
      if (m.type === 'stats') this.stats = m.stats;
      else if (m.type === 'incident') onIncident(`hop ${this.name}: ${m.message}`);
    });
    this.child.on('error', () => {});
    this.loaded = this.waitFor((m) => m.type === 'loaded', LOAD_TIMEOUT_MS, 'loading').then(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async start(spec: HopSpec): Promise<BoundListener[]> {
    await this.loaded;
    const p = this.waitFor((m) => m.type === 'ready' || m.type === 'failed', START_TIMEOUT_MS, 'starting');
    this.child.send({ type: 'start', spec });
    const m = await p;
    if (m.type === 'failed') throw new Error(m.error);
    return (m as Extract<ChildMessage, { type: 'ready' }>).listeners;
  }

  /** Asks for final stats, then stops; kills after a grace period. Idempotent. */
  async stop(graceMs = 2000): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    try {
      if (this.child.connected) this.child.send({ type: 'stop' });
      else this.child.kill('SIGTERM');
    } catch {
      this.child.kill('SIGKILL');
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(timer);
  }

  private waitFor(pred: (m: ChildMessage) => boolean, timeoutMs: number, what: string): Promise<ChildMessage> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.child.off('message', onMsg);
        this.child.off('exit', onExit);
      };
      const onMsg = (m: ChildMessage) => {
        if (pred(m)) {
          done();
          resolve(m);
        }
      };
      const onExit = (code: number | null, signal: string | null) => {
        done();
        reject(new Error(`process exited while ${what} (${signal ?? `code ${code}`})${this.stderrTail ? ': ' + lastLine(this.stderrTail) : ''}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no answer within ${timeoutMs} ms while ${what}`));
      }, timeoutMs);
      this.child.on('message', onMsg);
      this.child.once('exit', onExit);
    });
  }
}

function lastLine(s: string): string {
  const lines = s.trim().split('\n').filter(Boolean);
  return lines.slice(-3).join(' | ').slice(0, 400);
}
