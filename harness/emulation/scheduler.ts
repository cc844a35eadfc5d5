// Sub-millisecond delays inside a hop process (the echo's processing time, and per-hop timers in comparison
// runs). The deadlines are lib/deadline-queue.ts's; this adds relative delays and records how late each one
// fires, so the scheduler's own error is a reported figure rather than an assumption.
import { newHistogram, type Histogram } from '../load/histogram.ts';
import { DeadlineQueue } from '../lib/deadline-queue.ts';

export class DelayScheduler {
  private readonly queue = new DeadlineQueue();
  /** Lateness of each fired deadline, in us. */
  readonly lateness: Histogram = newHistogram();

  /** Run fn after ms (fractional). ms <= 0 runs it synchronously. */
  after(ms: number, fn: () => void): void {
    if (!(ms > 0)) {
      fn();
      return;
    }
    this.queue.hold(performance.now() + ms, (lateMs) => {
      this.lateness.recordValue(Math.max(1, Math.round(lateMs * 1000)));
      try {
        fn();
      } catch {
        // a callback's failure must not stop other deadlines
      }
    });
  }

  delay(ms: number): Promise<void> {
    return new Promise((res) => this.after(ms, res));
  }

  get pending(): number {
    return this.queue.size;
  }

  clear(): void {
    this.queue.clear();
  }
}
