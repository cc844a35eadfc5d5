// Sub-millisecond delays. setTimeout has 1 ms granularity and most hops add 0.02-1 ms, so deadlines sit in
// a min-heap: setTimeout covers the coarse part, setImmediate polling the last stretch. The scheduler
// records how late it fires, so its own error is a reported figure rather than an assumption.
import { newHistogram, type Histogram } from '../load/histogram.ts';

interface Item {
  at: number; // performance.now() deadline, ms
  seq: number;
  fn: () => void;
}

const SPIN_WINDOW_MS = 1.2;

export class DelayScheduler {
  private heap: Item[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  /** Lateness of each fired deadline, in us. */
  readonly lateness: Histogram = newHistogram();

  /** Run fn after ms (fractional). ms <= 0 runs it synchronously. */
  after(ms: number, fn: () => void): void {
    if (!(ms > 0)) {
      fn();
      return;
    }
    this.push({ at: performance.now() + ms, seq: this.seq++, fn });
    this.arm();
  }

  delay(ms: number): Promise<void> {
    return new Promise((res) => this.after(ms, res));
  }

  get pending(): number {
    return this.heap.length;
  }

  clear(): void {
    this.heap = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.polling || !this.heap.length) return;
    const wait = this.heap[0].at - performance.now();
    if (wait <= SPIN_WINDOW_MS) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.polling = true;
      setImmediate(() => this.poll());
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.arm();
    }, Math.max(0, Math.floor(wait - SPIN_WINDOW_MS)));
  }

  private poll(): void {
    this.polling = false;
    const now = performance.now();
    while (this.heap.length && this.heap[0].at <= now) {
      const it = this.pop()!;
      this.lateness.recordValue(Math.max(1, Math.round((now - it.at) * 1000)));
      try {
        it.fn();
      } catch {
        // a callback's failure must not stop other deadlines
      }
    }
    this.arm();
  }

  private push(it: Item): void {
    const h = this.heap;
    h.push(it);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (less(h[p], h[i])) break;
      [h[p], h[i]] = [h[i], h[p]];
      i = p;
    }
  }

  private pop(): Item | undefined {
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
        if (l < h.length && less(h[l], h[m])) m = l;
        if (r < h.length && less(h[r], h[m])) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i], h[m]];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Item, b: Item): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
