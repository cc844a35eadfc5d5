// Ordered, reversible provisioning (the shape kind itself uses): each step does one thing and knows how to
// undo it. If step k fails, steps k-1..1 are undone in reverse; after success, teardown() undoes them all.
// Every step runs under a time limit, so a stuck cluster call cannot hang a run.

export interface Step<C> {
  name: string;
  run(ctx: C, signal: AbortSignal): Promise<void>;
  /** Undo what run() did. Must tolerate being called for a partly done step and twice. */
  undo?(ctx: C): Promise<void>;
  /** Also undo this step when its own run() fails (it may have left something behind, e.g. a half-created cluster). */
  undoOnFailure?: boolean;
  timeoutMs: number;
  /** Budget of undo() (default UNDO_TIMEOUT_MS): deleting what a cloud controller must clean up takes longer. */
  undoTimeoutMs?: number;
}

export interface StepLog {
  log: (line: string) => void;
  signal?: AbortSignal;
}

export interface Provisioned {
  /** Names of the steps that completed, in order. */
  completed: string[];
  /** Undo every completed step in reverse. Idempotent: concurrent and repeated calls share one teardown. */
  teardown(): Promise<void>;
  /** Problems met while undoing (never thrown: teardown always runs to the end). */
  teardownErrors: string[];
}

export class StepError extends Error {
  constructor(
    readonly step: string,
    readonly cause: unknown,
    readonly undoErrors: string[],
  ) {
    super(`step "${step}" failed: ${(cause as Error)?.message ?? String(cause)}${undoErrors.length ? ` (and undoing earlier steps: ${undoErrors.join('; ')})` : ''}`);
    this.name = 'StepError';
  }
}

function withTimeout<T>(p: (signal: AbortSignal) => Promise<T>, ms: number, what: string, outer?: AbortSignal): Promise<T> {
  const ac = new AbortController();
  const onAbort = () => ac.abort(outer?.reason);
  outer?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort(new Error(`${what} timed out after ${ms} ms`));
      reject(new Error(`${what} timed out after ${ms} ms`));
    }, ms);
  });
  const aborted = new Promise<never>((_, reject) => {
    if (outer?.aborted) reject(new Error(`${what} interrupted`));
    outer?.addEventListener('abort', () => reject(new Error(`${what} interrupted`)), { once: true });
  });
  return Promise.race([p(ac.signal), timeout, aborted]).finally(() => {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  });
}

/** Undo budget per step: generous, but bounded so teardown from a signal handler ends. */
export const UNDO_TIMEOUT_MS = 120_000;

async function undoAll<C>(done: Step<C>[], ctx: C, o: StepLog): Promise<string[]> {
  const errors: string[] = [];
  for (const s of [...done].reverse()) {
    if (!s.undo) continue;
    o.log(`undo: ${s.name}`);
    const t0 = Date.now();
    try {
      await withTimeout(() => s.undo!(ctx), s.undoTimeoutMs ?? UNDO_TIMEOUT_MS, `undo ${s.name}`);
      o.log(`undo ok: ${s.name} (${secs(t0)})`);
    } catch (e) {
      errors.push(`${s.name}: ${(e as Error).message}`);
      o.log(`undo FAILED: ${s.name}: ${(e as Error).message}`);
    }
  }
  return errors;
}

const secs = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

export async function runSteps<C>(steps: Step<C>[], ctx: C, o: StepLog): Promise<Provisioned> {
  const done: Step<C>[] = [];
  for (const s of steps) {
    o.log(`step: ${s.name}`);
    const t0 = Date.now();
    try {
      if (o.signal?.aborted) throw new Error('interrupted before it started');
      await withTimeout((signal) => s.run(ctx, signal), s.timeoutMs, s.name, o.signal);
      done.push(s);
      o.log(`ok: ${s.name} (${secs(t0)})`);
    } catch (e) {
      o.log(`FAILED: ${s.name} (${secs(t0)}): ${(e as Error).message}`);
      const toUndo = s.undoOnFailure ? [...done, s] : done;
      const undoErrors = await undoAll(toUndo, ctx, o);
      throw new StepError(s.name, e, undoErrors);
    }
  }
  let pending: Promise<void> | null = null;
  const result: Provisioned = {
    completed: done.map((s) => s.name),
    teardownErrors: [],
    teardown: () => {
      pending ??= undoAll(done, ctx, o).then((errs) => {
        result.teardownErrors.push(...errs);
      });
      return pending;
    },
  };
  return result;
}
