// Real processes on loopback: public-nlb (NLB -> kube-proxy -> Envoy emulation -> echo) and direct, with
// real requests from known 127.x sources; the echo's view of the client IP must be the true source.
import { describe, it, expect, afterEach } from 'vitest';
import { loadScenarioOrThrow } from '../../harness/scenario/resolve.ts';
import { provisionLocal } from '../../harness/providers/local/index.ts';
import { probe } from '../../harness/measure/probe.ts';
import type { Realized } from '../../harness/providers/types.ts';

const opts = { runId: 'test-milestone', injectLatency: true, seed: 7, log: () => {} };
let realized: Realized | null = null;
afterEach(async () => {
  await realized?.teardown();
  realized = null;
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('local provider, first milestone', () => {
  it('public-nlb: the application sees each true client source (NLB instance targets, ETP=Local)', async () => {
    realized = await provisionLocal(loadScenarioOrThrow('public-nlb'), opts);
    expect(realized.hops.map((h) => h.component)).toEqual(['nlb', 'kube-proxy', 'envoy-gateway', 'service']);
    const sources = realized.sources.slice(0, 6);
    for (const source of sources) {
      const r = await probe({ target: realized.entry, source });
      expect(r.status).toBe(200);
      expect(r.headers['x-lab-app-client-ip']).toBe(source);
      const echo = JSON.parse(r.body);
      // The gateway is what connects to the app: the socket peer is never the client itself.
      expect(echo.peer).not.toBe(source);
    }
    const pids = realized.processes.map((p) => p.pid);
    expect(pids.every(alive)).toBe(true);
    await realized.teardown();
    expect(pids.some(alive)).toBe(false);
    // Each hop process reported its own overhead at stop.
    expect(realized.hops.filter((h) => h.realizedBy.startsWith('builtin')).every((h) => (h.overheadMs?.count ?? 0) > 0)).toBe(true);
  });

  it('direct: the echo reads the socket peer, which is the client itself', async () => {
    realized = await provisionLocal(loadScenarioOrThrow('direct'), opts);
    expect(realized.hops).toHaveLength(1);
    expect(realized.hops[0].fidelity).toBe('measured');
    for (const source of realized.sources.slice(0, 4)) {
      const r = await probe({ target: realized.entry, source });
      expect(r.status).toBe(200);
      expect(r.headers['x-lab-app-client-ip']).toBe(source);
      expect(JSON.parse(r.body).peer).toBe(source);
    }
  });
});
