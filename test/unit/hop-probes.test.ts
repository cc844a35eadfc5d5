import { describe, it, expect } from 'vitest';
import { addedPerHop, type HopProbeResult } from '../../harness/measure/hop-probes.ts';
import { DeadlineQueue } from '../../harness/lib/deadline-queue.ts';
import type { HopRealization } from '../../harness/result/types.ts';

const lat = (p50: number, p99: number) => ({ latency: { p50, p90: p50, p99, max: p99, mean: p50 }, n: 100 });
const hop = (name: string): HopRealization => ({ name, component: 'nlb', realizedBy: 'x', fidelity: 'emulated' });

describe('hop probes: added latency per hop (pure)', () => {
  it('each hop is its entry minus the next probed entry; a hop that cannot be entered is carried by the one before it', () => {
    const hops = ['nlb', 'kube-proxy', 'envoy', 'app'].map(hop);
    const r: HopProbeResult = { entries: [lat(0.6, 2), null, lat(0.5, 1.5), lat(0.3, 1)], floor: lat(0.3, 1) };
    const a = addedPerHop(hops, r, 100);
    expect(a[0]).toMatchObject({ p50: 0.1, p99: 0.5, probes: 100, fidelity: 'measured' });
    expect(a[0]!.what).toMatch(/covers nlb \+ kube-proxy/);
    expect(a[1]).toBeNull();
    expect(a[2]).toMatchObject({ p50: 0.2, p99: 0.5 });
    expect(a[3]).toBeNull(); // the service is the floor
  });

  it('an entry that answered with an error (e.g. a PROXY listener) is skipped, not measured', () => {
    const hops = ['nlb', 'gateway', 'app'].map(hop);
    const r: HopProbeResult = { entries: [lat(0.5, 1), { skipped: 'entering here fails (socket hang up)' }, lat(0.3, 1)], floor: lat(0.3, 1) };
    const a = addedPerHop(hops, r, 100);
    expect(a[0]!.what).toMatch(/minus probes entering at app/);
    expect(a[1]).toBeNull();
  });
});

describe('the driver\'s hold queue', () => {
  it('fires in deadline order, never before the deadline, and drops everything on close', async () => {
    const q = new DeadlineQueue();
    const t0 = performance.now();
    const fired: Array<{ k: number; at: number }> = [];
    const done = new Promise<void>((res) => {
      for (const [k, d] of [[1, 3], [0, 0.5], [2, 6]] as const) q.hold(t0 + d, () => {
        fired.push({ k, at: performance.now() - t0 });
        if (fired.length === 3) res();
      });
    });
    await done;
    expect(fired.map((f) => f.k)).toEqual([0, 1, 2]);
    expect(fired[0].at).toBeGreaterThanOrEqual(0.5);
    expect(fired[1].at).toBeGreaterThanOrEqual(3);
    expect(fired[2].at).toBeGreaterThanOrEqual(6);
    let late = false;
    q.hold(performance.now() + 2, () => (late = true));
    q.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(late).toBe(false);
    expect(q.size).toBe(0);
  });
});
