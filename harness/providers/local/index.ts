// The embedded default provider: every hop of a scenario is a real process on loopback (or a real data plane
// for the in-cluster gateway when one is installed), wired from the service back to the entry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import type { RealizeOptions, Realized, Realizer } from '../types.ts';
import type { HopRealization } from '../../result/types.ts';
import type { Scenario } from '../../scenario/model.ts';
import { LOCAL_NETWORKS } from '../../catalog/address-plan.ts';
import { CROSS_AZ_RTT } from '../../catalog/network.ts';
import { UserError } from '../../lib/errors.ts';
import { deriveSeed } from '../../lib/random.ts';
import type { BoundListener, HopSpec, UpstreamSpec } from '../../emulation/spec.ts';
import type { DataPlane, DataPlaneHandle, GatewaySpec } from '../../dataplanes/types.ts';
import { chooseDataPlane } from '../../dataplanes/index.ts';
import { ECHO_HEADERS } from '../../catalog/components/service.ts';
import { DEFAULT_THROTTLE_SCALE } from '../../emulation/throttle.ts';
import { hopSpecOf, pathDelayPlanOf, planTopology, type HopPlan, type TopologyPlan } from './topology.ts';
import type { LoadTarget } from '../../load/types.ts';

/** Where the delay stage listens (for drivers that cannot hold requests): a client-side address outside every hop block. */
const DELAY_STAGE_ADDRESS = '127.19.255.1';
import { LOCAL_REALIZERS } from './realizers.ts';
import { HopProcess } from './processes.ts';
import { labCertificate } from './certs.ts';

export interface LocalOptions {
  /** Divide API Gateway throttles by this (default DEFAULT_THROTTLE_SCALE) so 429s are reachable here. */
  throttleScale?: number;
  /** Gateway realization override: 'builtin' forces the emulation even when a data plane is installed. */
  gatewayRealization?: 'auto' | 'builtin';
  /** Cap on the client source addresses handed to the load driver. */
  maxSources?: number;
  /** Echo inspect mode (parses and reports PROXY headers instead of answering 400): ip-matrix only. */
  inspectEcho?: boolean;
  /**
   * Where modeled delays are applied: 'path' (default) once per request by whoever sends the traffic
   * (Realized.delays); 'hops' inside each hop process with its own timer, the earlier design, kept so
   * bench/emulation.ts can measure the two side by side.
   */
  delaysAt?: 'path' | 'hops';
}

export const localProvider: Realizer = {
  shape: 'realizer',
  name: 'local',
  async available() {
    const [maj, min] = process.versions.node.split('.').map(Number);
    if (maj < 20 || (maj === 20 && min < 19)) return { ok: false, reason: `Node ${process.versions.node} is too old`, hint: 'use Node 20.19 or newer' };
    const ok = await canBind('127.22.1.1');
    if (!ok) return { ok: false, reason: 'cannot bind addresses in 127.0.0.0/8 other than 127.0.0.1', hint: 'on macOS add loopback aliases (sudo ifconfig lo0 alias 127.22.1.1 up), or use Linux' };
    return { ok: true };
  },
  provision: (scenario, opts) => provisionLocal(scenario, opts),
};

export async function provisionLocal(scenario: Scenario, opts: RealizeOptions, local: LocalOptions = {}): Promise<Realized> {
  const plan = planTopology(scenario, { injectLatency: opts.injectLatency, maxSources: local.maxSources });
  const delaysAtHops = local.delaysAt === 'hops';
  const incidents: string[] = [];
  const procs: Array<HopProcess | null> = plan.hops.map(() => null);
  const planes: DataPlaneHandle[] = [];
  const workDirs: string[] = [];
  const hopsOut: HopRealization[] = [];
  const processes: Array<{ pid: number; what: string }> = [];
  const tools: Record<string, string> = { node: process.versions.node };
  let tornDown: Promise<void> | null = null;

  const teardown = (): Promise<void> => {
    if (!tornDown) {
      tornDown = (async () => {
        await Promise.all(procs.map((p) => p?.stop()));
        await Promise.all(planes.map((h) => h.stop().catch((e) => incidents.push(`stopping ${h.realizedBy}: ${(e as Error).message}`))));
        for (const d of workDirs) rmSync(d, { recursive: true, force: true });
        // Fill in each hop's own overhead as reported by its process at stop.
        procs.forEach((p, i) => {
          const h = hopsOut[i];
          if (!p?.stats || !h) return;
          h.overheadMs = { ...p.stats.overheadMs, fidelity: 'measured', what: 'processing inside the hop process, receive -> forward on the request path, injected delay excluded' };
          if (p.stats.schedulerLateMs) h.schedulerLateMs = p.stats.schedulerLateMs;
          h.counters = p.stats.counters;
        });
      })();
    }
    return tornDown;
  };
  const onIncident = (m: string) => {
    incidents.push(m);
    opts.log(m);
  };

  const abortError = () => new UserError(`provisioning ${scenario.name} was interrupted`, 'nothing was left running');
  try {
    if (opts.signal?.aborted) throw abortError();
    // Fork every hop process up front: loading tsx + the catalog is the slow part, in parallel. A hop a real
    // data plane may realize asks the data-plane chooser first (an explicit choice that cannot be honoured
    // throws here, before anything was started).
    const gatewayPlane = new Map<number, DataPlane>();
    for (let i = 0; i < plan.hops.length; i++) {
      const hp = plan.hops[i];
      if (LOCAL_REALIZERS[hp.realization.realizer].dataPlane && local.gatewayRealization !== 'builtin') {
        const choice = await chooseDataPlane(gatewayOf(hp));
        if (choice.note) hp.notes.push(choice.note);
        if (choice.dataPlane) {
          gatewayPlane.set(i, choice.dataPlane);
          continue;
        }
      }
      procs[i] = new HopProcess(hp.hop.name, hp.hop.component, onIncident, onIncident);
      processes.push({ pid: procs[i]!.pid, what: `${hp.hop.name} (${hp.hop.component})` });
    }
    const cert = plan.hops.some((h) => h.tls) ? labCertificate() : null;
    const bound: BoundListener[][] = plan.hops.map(() => []);
    for (let i = plan.hops.length - 1; i >= 0; i--) {
      if (opts.signal?.aborted) throw abortError();
      const hp = plan.hops[i];
      const upstreams = upstreamsFor(plan, bound, i);
      const dp = gatewayPlane.get(i);
      try {
        if (dp) {
          const workDir = mkdtempSync(join(tmpdir(), `exposure-lab-${opts.runId}-${hp.hop.name}-`));
          workDirs.push(workDir);
          const listen = await Promise.all(hp.listeners.map(async (l) => ({ host: l.host, port: await freePort(l.host) })));
          const handle = await dp.start({ ...gatewayOf(hp), listen, upstreams: upstreams.map((u) => ({ host: u.host, port: u.port })), networks: LOCAL_NETWORKS, workDir });
          planes.push(handle);
          for (const pid of handle.pids) processes.push({ pid, what: `${hp.hop.name} (${handle.realizedBy})` });
          tools[dp.name] = handle.realizedBy;
          bound[i] = hp.listeners.map((l, k) => ({ host: l.host, port: listen[k].port, az: l.az, node: l.node }));
          hopsOut[i] = realization(plan, i, bound[i], handle.realizedBy, 'measured', false, opts.injectLatency, [...hp.notes, 'real data plane with a generated config; no latency injected (its own latency is measured)']);
        } else {
          const r = LOCAL_REALIZERS[hp.realization.realizer];
          // No hop holds a request: the path's modeled delays are applied once, by the load driver.
          const base = hopSpecOf(hp, {
            role: r.role,
            upstreams,
            seed: deriveSeed(opts.seed, hp.hop.name),
            networks: LOCAL_NETWORKS,
            throttleScale: local.throttleScale ?? DEFAULT_THROTTLE_SCALE,
            tls: hp.tls ? cert : null,
            app: r.role === 'echo' ? appSpec(scenario, opts, local) : undefined,
          });
          const spec: HopSpec = delaysAtHops ? base : {
            ...base,
            latency: null,
            crossAzLatency: null,
            crossAzFrom: [],
          };
          bound[i] = await procs[i]!.start(spec);
          opts.log(`local: started ${hp.hop.name} (${hp.hop.component}, pid ${procs[i]!.pid})`);
          hopsOut[i] = realization(plan, i, bound[i], r.realizedBy(hp.hop.component, hp.tls), r.fidelity, r.role !== 'echo', opts.injectLatency, hp.notes);
        }
      } catch (e) {
        throw new UserError(`hop "${hp.hop.name}" (${hp.hop.component}) failed to start: ${(e as Error).message}`, 'every process started for this run was stopped; see the message for the cause', 1);
      }
    }
    const entry = pickEntry(plan, bound);
    opts.log(`local: ${scenario.name} realized with ${processes.length} process(es); entry ${entry.host}:${entry.port}`);
    const target: LoadTarget = { host: entry.host, port: entry.port, path: '/', hostHeader: 'app.example', tls: plan.clientHttps ? { servername: 'exposure-lab.local', rejectUnauthorized: false } : null };
    const delayPlan = plan.injectLatency && !delaysAtHops ? pathDelayPlanOf(plan, { seed: deriveSeed(opts.seed, 'path-delay'), realDataPlane: new Set(gatewayPlane.keys()) }) : null;
    let stage: Promise<LoadTarget> | null = null;
    const entryStage = (): Promise<LoadTarget> =>
      (stage ??= (async () => {
        if (!delayPlan) return target;
        const p = new HopProcess('delay-stage', 'path delay', onIncident, onIncident);
        procs.push(p);
        processes.push({ pid: p.pid, what: 'delay stage (the path\'s modeled delays, for a driver that cannot hold requests)' });
        const [b] = await p.start({
          role: 'delay-stage', name: 'delay-stage', component: 'client', settings: {}, listeners: [{ host: DELAY_STAGE_ADDRESS, port: 0, az: 1 }],
          upstreams: [{ host: entry.host, port: entry.port, az: entry.az }], latency: null, crossAzLatency: null, networks: LOCAL_NETWORKS, seed: delayPlan.seed, pathDelay: delayPlan,
        });
        opts.log(`local: delay stage at ${b.host}:${b.port} applies the path's modeled delays (pid ${p.pid})`);
        return { ...target, host: b.host, port: b.port };
      })());
    return {
      entry: target,
      sources: plan.sources,
      hops: hopsOut,
      observe: { clientIpHeader: ECHO_HEADERS.clientIp, tallyHeaders: [ECHO_HEADERS.version] },
      tools,
      processes,
      incidents,
      ...(delaysAtHops ? {} : { delays: { plan: delayPlan, entryStage } }),
      teardown,
    };
  } catch (e) {
    await teardown();
    throw e;
  }
}

/** The data-plane view of a gateway hop: its product (the catalog's gateway facet) and settings. */
function gatewayOf(hp: HopPlan): Pick<GatewaySpec, 'product' | 'settings'> {
  const product = hp.hop.entry.gateway?.product;
  if (!product) throw new Error(`${hp.hop.component} is realized by a data plane but has no gateway facet in the catalog`);
  return { product, settings: hp.hop.settings };
}

function realization(plan: TopologyPlan, i: number, bound: BoundListener[], realizedBy: string, fidelity: HopRealization['fidelity'], injects: boolean, inject: boolean, notes: string[]): HopRealization {
  const hp = plan.hops[i];
  const lat = hp.hop.latency;
  const share = inject ? hp.hop.entry.crossAz(hp.hop.settings, plan.azs).share : 0;
  return {
    name: hp.hop.name,
    component: hp.hop.component,
    realizedBy,
    fidelity,
    injectedLatency: inject && injects && hp.latency ? { medianMs: lat.medianMs, p99Ms: lat.p99Ms, source: lat.basis, confidence: lat.confidence } : null,
    listen: bound.map((b) => `${b.host}:${b.port}`).join(', '),
    notes: [
      ...notes,
      ...(inject && injects && hp.latency ? ["modeled latency applied once per request with the rest of the path's (by the load driver, or the delay stage in front of the entry for a driver that cannot hold requests), not inside this hop"] : []),
      ...(share > 0 ? [`cross-AZ RTT (${CROSS_AZ_RTT.medianMs}/${CROSS_AZ_RTT.p99Ms} ms, modeled) on ${(share * 100).toFixed(0)}% of flows toward the next hop, applied with the path's other delays`] : []),
      ...(!inject ? ['no latency injected (overhead measurement run)'] : []),
    ],
  };
}

/** How the echo answers: the application's client-IP rule and response, from the scenario's service hop. */
function appSpec(s: Scenario, opts: RealizeOptions, local: LocalOptions): NonNullable<HopSpec['app']> {
  const svc = s.hops[s.hops.length - 1].settings;
  return { clientIpFrom: s.appClientIpFrom, clientIpHeader: svc.clientIpHeader, responseBytes: svc.responseBytes, processingMs: opts.injectLatency ? svc.processingMs : 0, inspect: local.inspectEcho };
}

/**
 * The next hop's listeners a hop may send to. A listener with no usable target of its own is left out, as
 * health checks and DNS do: ETP=Local nodes without a local pod fail the LB health check, and an LB node in
 * an AZ without a healthy target (cross-zone off) leaves DNS.
 */
function upstreamsFor(plan: TopologyPlan, bound: BoundListener[][], i: number): UpstreamSpec[] {
  const next = plan.hops[i + 1];
  if (!next) return [];
  let list = bound[i + 1];
  if (next.sameAzOnly || next.sameNodeOnly) {
    const theirs = upstreamsFor(plan, bound, i + 1);
    list = list.filter((l) => theirs.some((u) => (!next.sameAzOnly || u.az === l.az) && (!next.sameNodeOnly || u.node === l.node)));
  }
  return list.map((b) => ({ host: b.host, port: b.port, az: b.az, node: b.node, version: b.version }));
}

/** The listener a client reaches: the first one (e.g. AZ) that has a target it may use. */
function pickEntry(plan: TopologyPlan, bound: BoundListener[][]): BoundListener {
  const first = plan.hops[0];
  const ups = upstreamsFor(plan, bound, 0);
  const usable = bound[0].find((l) => ups.some((u) => (!first.sameAzOnly || u.az === l.az) && (!first.sameNodeOnly || u.node === l.node)));
  return usable ?? bound[0][0];
}

function canBind(host: string): Promise<boolean> {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(0, host, () => s.close(() => res(true)));
  });
}

/** A free port on this address (real data planes need an explicit port; addresses differ per pod). */
function freePort(host: string): Promise<number> {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => res(p));
    });
  });
}
