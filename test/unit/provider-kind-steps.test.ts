import { describe, expect, it } from 'vitest';
import { runSteps, StepError, type Step } from '../../harness/cluster/steps.ts';

type Ctx = { events: string[] };
const step = (name: string, o: { fail?: boolean; undo?: boolean; undoOnFailure?: boolean; hang?: boolean; undoFails?: boolean } = {}): Step<Ctx> => ({
  name,
  timeoutMs: o.hang ? 50 : 5_000,
  undoOnFailure: o.undoOnFailure,
  run: async (ctx, signal) => {
    ctx.events.push(`run ${name}`);
    if (o.hang) await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    if (o.fail) throw new Error(`${name} broke`);
  },
  undo:
    o.undo === false
      ? undefined
      : async (ctx) => {
          ctx.events.push(`undo ${name}`);
          if (o.undoFails) throw new Error(`cannot undo ${name}`);
        },
});
const quiet = { log: () => {} };

describe('provisioning step runner (fake steps: kind is not installed here)', () => {
  it('runs steps in order and teardown undoes them in reverse, once', async () => {
    const ctx: Ctx = { events: [] };
    const p = await runSteps([step('a'), step('b'), step('c', { undo: false }), step('d')], ctx, quiet);
    expect(p.completed).toEqual(['a', 'b', 'c', 'd']);
    await Promise.all([p.teardown(), p.teardown()]);
    await p.teardown();
    expect(ctx.events).toEqual(['run a', 'run b', 'run c', 'run d', 'undo d', 'undo b', 'undo a']);
  });

  it('failure of step k undoes 1..k-1 in reverse and reports the failing step', async () => {
    const ctx: Ctx = { events: [] };
    const err = await runSteps([step('a'), step('b'), step('c', { fail: true }), step('d')], ctx, quiet).catch((e) => e);
    expect(err).toBeInstanceOf(StepError);
    expect(err.step).toBe('c');
    expect(err.message).toMatch(/c broke/);
    expect(ctx.events).toEqual(['run a', 'run b', 'run c', 'undo b', 'undo a']);
  });

  it('a step marked undoOnFailure is undone too when it fails (half-created cluster)', async () => {
    const ctx: Ctx = { events: [] };
    await runSteps([step('a'), step('cluster', { fail: true, undoOnFailure: true })], ctx, quiet).catch(() => {});
    expect(ctx.events).toEqual(['run a', 'run cluster', 'undo cluster', 'undo a']);
  });

  it('a step that hangs is stopped by its time limit and earlier steps are undone', async () => {
    const ctx: Ctx = { events: [] };
    const err = await runSteps([step('a'), step('wait', { hang: true })], ctx, quiet).catch((e) => e);
    expect(err.message).toMatch(/timed out after 50 ms/);
    expect(ctx.events).toEqual(['run a', 'run wait', 'undo a']);
  });

  it('an undo that fails does not stop the others, and is reported', async () => {
    const ctx: Ctx = { events: [] };
    const p = await runSteps([step('a'), step('b', { undoFails: true }), step('c')], ctx, quiet);
    await p.teardown();
    expect(ctx.events.slice(3)).toEqual(['undo c', 'undo b', 'undo a']);
    expect(p.teardownErrors).toEqual(['b: cannot undo b']);
  });

  it('an aborted run stops before the next step and undoes what was done', async () => {
    const ctx: Ctx = { events: [] };
    const ac = new AbortController();
    const abortAfter: Step<Ctx> = { name: 'abort', timeoutMs: 1000, run: async () => ac.abort(), undo: async (c) => void c.events.push('undo abort') };
    const err = await runSteps([step('a'), abortAfter, step('never')], ctx, { log: () => {}, signal: ac.signal }).catch((e) => e);
    expect(err.step).toBe('never');
    expect(ctx.events).toEqual(['run a', 'undo abort', 'undo a']);
  });
});

describe('step runner lines (what a user sees on failure and Ctrl-C)', () => {
  it('every step says ok or FAILED, and every undo says undo ok or undo FAILED, in reverse', async () => {
    const lines: string[] = [];
    const ctx: Ctx = { events: [] };
    await runSteps([step('a'), step('b', { undoFails: true }), step('c', { fail: true })], ctx, { log: (l) => lines.push(l) }).catch(() => {});
    expect(lines.map((l) => l.replace(/ \(\d+\.\d s\)/, ''))).toEqual([
      'step: a',
      'ok: a',
      'step: b',
      'ok: b',
      'step: c',
      'FAILED: c: c broke',
      'undo: b',
      'undo FAILED: b: cannot undo b',
      'undo: a',
      'undo ok: a',
    ]);
  });
});
