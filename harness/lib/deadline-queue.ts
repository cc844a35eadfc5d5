// Sub-millisecond deadlines: a min-heap; setTimeout covers the coarse part (it fires on whole milliseconds and
// up to ~1 ms late) and the last stretch is spun with setImmediate, so a 0.1 ms delay is applied as 0.1 ms.
// The load driver holds requests for their path's modeled delay with it (one queue per worker thread, the
// only timer on the emulated path); the hop processes' DelayScheduler (emulation/scheduler.ts) stands on it.

const SPIN_MS = 1.2;

interface Held {
  due: number; // performance.now() ms
  seq: number;
  fire: (lateMs: number) => void;
}

export class DeadlineQueue {
  private heap: Held[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private spinning = false;
  private closed = false;

  get size(): number {
    return this.heap.length;
  }

  /** Calls fire(lateMs) once performance.now() reaches due (at once when it already has). */
  hold(due: number, fire: (lateMs: number) => void): void {
    if (this.closed) return;
    this.push({ due, seq: this.seq++, fire });
    this.arm();
  }

  /** Drops every pending deadline; their callbacks never run. The queue stays usable. */
  clear(): void {
    this.heap = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Drops every held request (the run stops) and refuses new ones. */
  close(): void {
    this.closed = true;
    this.clear();
  }

  private arm(): void {
    if (this.spinning || !this.heap.length || this.closed) return;
    const wait = this.heap[0].due - performance.now();
    if (wait <= SPIN_MS) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.spinning = true;
      setImmediate(() => this.spin());
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.arm();
    }, Math.max(0, Math.floor(wait - SPIN_MS)));
  }

  private spin(): void {
    this.spinning = false;
    if (this.closed) return;
    const now = performance.now();
    while (this.heap.length && this.heap[0].due <= now) {
      const h = this.pop()!;
      h.fire(now - h.due);
    }
    this.arm();
  }

  private push(it: Held): void {
    const h = this.heap;
    h.push(it);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (before(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private pop(): Held | undefined {
    const h = this.heap;
    if (!h.length) return undefined;
    const top = h[0];
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l], h[m])) m = l;
        if (r < h.length && before(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Held, b: Held): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
