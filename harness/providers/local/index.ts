// The embedded default provider: every hop of a scenario is a real process on loopback (or a real data plane
// for the in-cluster gateway when one is installed), wired from the service back to the entry.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import type { PathDelays, RealizeOptions, Realized, Realizer } from '../types.ts';
import type { HopRealization, RecordedLatencyModel } from '../../result/types.ts';
import { recordLatency } from '../../catalog/latency.ts';
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
import { entryAt, hopSpecOf, pathDelayPlanOf, pickEntry, planTopology, upstreamsFor, type HopPlan, type TopologyPlan } from './topology.ts';
import { composeSegment, kernelSegments, natRules, type NatSegment } from './kernel-nat.ts';
import { currentLabNamespace } from '../../labns/current.ts';
import { iptablesRestore } from '../../labns/iptables.ts';

const KERNEL_NAT = "kernel NAT (iptables DNAT/SNAT in the run's own network namespace; no process)";
/** NAT chain names and packet marks must differ between provisionings sharing a namespace (ip-matrix rows). */
let natSeq = 0;

function describePaths(seg: NatSegment): string {
  return seg.entries
    .map((e) => `${e.listener.host}:${e.listener.port} -> ${e.paths.map((p) => `${p.target.host}:${p.target.port} ${(p.probability * 100).toFixed(0)}% (source ${p.source ?? 'kept'})`).join(', ') || 'no healthy target'}`)
    .join('; ');
}
import type { LoadTarget } from '../../load/types.ts';

/** Where the delay stage listens (for drivers that cannot hold requests): a client-side address outside every hop block. */
const DELAY_STAGE_ADDRESS = '127.19.255.1';
import { LOCAL_REALIZERS } from './realizers.ts';
import { HopProcess } from './processes.ts';
import { labCertificate } from './certs.ts';
import { freePort } from '../../lib/free-port.ts';

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
  /** false: processes even inside a lab network namespace (bench/emulation.ts compares the two there). */
  kernelNat?: boolean;
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
  // Inside the run's own lab network namespace, L4 hops the kernel expresses exactly are iptables NAT.
  const ns = currentLabNamespace();
  const segments = ns && local.kernelNat !== false ? kernelSegments(plan) : [];
  const segmentOf = new Map<number, [number, number]>();
  for (const seg of segments) for (let i = seg[0]; i <= seg[1]; i++) segmentOf.set(i, seg);
  const natRemovals: string[] = [];
  const incidents: string[] = [];
  const procs: Array<HopProcess | null> = plan.hops.map(() => null);
  const planes: DataPlaneHandle[] = [];
  /** Hop index -> its real data plane, whose own time per request is read back at teardown. */
  const planeOf = new Map<number, DataPlaneHandle>();
  let loadWindow: { fromMs: number; toMs: number } | undefined;
  const workDirs: string[] = [];
  const hopsOut: HopRealization[] = [];
  const processes: Array<{ pid: number; what: string }> = [];
  const tools: Record<string, string> = { node: process.versions.node };
  let tornDown: Promise<void> | null = null;

  const teardown = (): Promise<void> => {
    if (!tornDown) {
      tornDown = (async () => {
        await Promise.all(procs.map((p) => p?.stop()));
        for (const text of natRemovals.splice(0)) await iptablesRestore(text).catch((e) => incidents.push(`removing kernel NAT rules: ${(e as Error).message}`));
        await Promise.all(planes.map((h) => h.stop().catch((e) => incidents.push(`stopping ${h.realizedBy}: ${(e as Error).message}`))));
        for (const d of workDirs) rmSync(d, { recursive: true, force: true });
        // A real gateway's own time per request, from its access log, over the load's measurement window.
        for (const [i, h] of planeOf) {
          const own = h.ownTime?.(loadWindow);
          if (!own || !hopsOut[i]) continue;
          hopsOut[i].overheadMs = { p50: own.ownMs.p50, p99: own.ownMs.p99, max: own.ownMs.max, count: own.requests, fidelity: 'measured', what: "the gateway's own time from its access log: downstream request start -> upstream request start, plus upstream response end -> downstream response end" };
          hopsOut[i].gatewayTime = { ...own, fidelity: 'measured', source: 'Envoy access log (%COMMON_DURATION% spans, microseconds)', window: loadWindow ? 'load measurement window (warm-up and probes excluded)' : 'every request (readiness probes excluded)' };
          // The model this hop would otherwise inject, next to what the real gateway measured (calibrate reads it).
          const model = hopsOut[i].latencyModel;
          if (model?.use === 'measured-instead') model.measured = { p50Ms: own.ownMs.p50, p99Ms: own.ownMs.p99, count: own.requests, what: "the gateway's own time per request from Envoy's access log (request and response spans through Envoy)", fidelity: 'measured' };
        }
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
        const choice = await chooseDataPlane(gatewayOf(hp)).catch((e: Error) => {
          throw new UserError(`hop "${hp.hop.name}" (${hp.hop.component}): ${e.message}`, 'install the tool (make setup), or change the hop\'s realization setting', 1);
        });
        if (choice.note) hp.notes.push(choice.note);
        if (choice.dataPlane) {
          gatewayPlane.set(i, choice.dataPlane);
          continue;
        }
      }
      if (segmentOf.has(i)) continue; // kernel NAT: no process
      procs[i] = new HopProcess(hp.hop.name, hp.hop.component, onIncident, onIncident);
      processes.push({ pid: procs[i]!.pid, what: `${hp.hop.name} (${hp.hop.component})` });
    }
    const cert = plan.hops.some((h) => h.tls) ? labCertificate() : null;
    let hostHeader = 'app.example';
    const bound: BoundListener[][] = plan.hops.map(() => []);
    for (let i = plan.hops.length - 1; i >= 0; i--) {
      if (opts.signal?.aborted) throw abortError();
      const hp = plan.hops[i];
      const upstreams = upstreamsFor(plan, bound, i);
      const dp = gatewayPlane.get(i);
      const seg = segmentOf.get(i);
      try {
        if (seg && i > seg[0]) {
          // Inside a kernel segment: nobody connects here (the segment's entry DNATs past it); its addresses
          // are what the catalog's semantics may name as the source.
          bound[i] = hp.listeners.map((l) => ({ host: l.host, port: 0, az: l.az, node: l.node }));
          hopsOut[i] = realization(plan, i, [], KERNEL_NAT, 'emulated', true, opts.injectLatency, [...hp.notes, `collapsed into the kernel NAT rules of ${plan.hops[seg[0]].hop.name} (no process; listens nowhere of its own)`], delaysAtHops);
        } else if (seg) {
          bound[i] = await Promise.all(hp.listeners.map(async (l) => ({ host: l.host, port: await freePort(l.host), az: l.az, node: l.node })));
          const composed = composeSegment(plan, bound, seg[0], seg[1]);
          const text = natRules([composed], `XL${natSeq}`, ((natSeq % 0xfff) + 1) << 12);
          natSeq++;
          await iptablesRestore(text.install);
          natRemovals.push(text.remove);
          const names = plan.hops.slice(seg[0], seg[1] + 1).map((h) => h.hop.name).join(' -> ');
          hopsOut[i] = realization(plan, i, bound[i], KERNEL_NAT, 'emulated', true, opts.injectLatency, [...hp.notes, `kernel NAT for ${names}: ${describePaths(composed)}`], delaysAtHops);
          opts.log(`local: ${names} realized as kernel NAT in ${ns} (${text.chains.length} chains)`);
        } else if (dp) {
          const workDir = mkdtempSync(join(tmpdir(), `exposure-lab-${opts.runId}-${hp.hop.name}-`));
          workDirs.push(workDir);
          // One process binding the wildcard address (Envoy Gateway) listens on one port for every replica.
          const shared = dp.sharedPort?.(gatewayOf(hp));
          const listen = await Promise.all(hp.listeners.map(async (l) => ({ host: l.host, port: shared ?? (await freePort(l.host)) })));
          const run = { id: opts.runId, scenario: scenario.name, hop: hp.hop.name, service: scenario.hops[scenario.hops.length - 1].name };
          const handle = await dp.start({ ...gatewayOf(hp), listen, upstreams: upstreams.map((u) => ({ host: u.host, port: u.port })), networks: LOCAL_NETWORKS, workDir, run });
          planes.push(handle);
          planeOf.set(i, handle);
          if (handle.hostHeader) hostHeader = handle.hostHeader;
          for (const pid of handle.pids) processes.push({ pid, what: `${hp.hop.name} (${handle.realizedBy})` });
          tools[dp.name] = handle.realizedBy;
          bound[i] = hp.listeners.map((l, k) => ({ host: l.host, port: listen[k].port, az: l.az, node: l.node }));
          hopsOut[i] = realization(plan, i, bound[i], handle.realizedBy, 'measured', false, opts.injectLatency, [
            ...hp.notes,
            ...(handle.notes ?? []),
            hp.hop.userConfig ? 'real data plane running your own gateway files; no latency injected (its own latency is measured)' : 'real data plane with a generated config; no latency injected (its own latency is measured)',
          ], delaysAtHops);
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
          hopsOut[i] = realization(plan, i, bound[i], r.realizedBy(hp.hop.component, hp.tls), r.fidelity, r.role !== 'echo', opts.injectLatency, hp.notes, delaysAtHops);
        }
      } catch (e) {
        throw new UserError(`hop "${hp.hop.name}" (${hp.hop.component}) failed to start: ${(e as Error).message}`, 'every process started for this run was stopped; see the message for the cause', 1);
      }
    }
    const entry = pickEntry(plan, bound);
    opts.log(`local: ${scenario.name} realized with ${processes.length} process(es); entry ${entry.host}:${entry.port}`);
    const target: LoadTarget = { host: entry.host, port: entry.port, path: '/', hostHeader, tls: plan.clientHttps ? { servername: 'exposure-lab.local', rejectUnauthorized: false } : null };
    const delayPlan = plan.injectLatency && !delaysAtHops ? pathDelayPlanOf(plan, { seed: deriveSeed(opts.seed, 'path-delay'), realDataPlane: new Set(gatewayPlane.keys()) }) : null;
    let stage: Promise<LoadTarget> | null = null;
    const delays: PathDelays = {
      plan: delayPlan,
      entryStage: () =>
        (stage ??= (async () => {
          const plan = delays.plan;
          if (!plan) return target;
          const p = new HopProcess('delay-stage', 'path delay', onIncident, onIncident);
          procs.push(p);
          processes.push({ pid: p.pid, what: "delay stage (the path's modeled delays, for a driver that cannot hold requests)" });
          const [b] = await p.start({
            role: 'delay-stage', name: 'delay-stage', component: 'client', settings: {}, listeners: [{ host: DELAY_STAGE_ADDRESS, port: 0, az: 1 }],
            upstreams: [{ host: entry.host, port: entry.port, az: entry.az }], latency: null, crossAzLatency: null, networks: LOCAL_NETWORKS, seed: plan.seed, pathDelay: plan,
          });
          opts.log(`local: delay stage at ${b.host}:${b.port} applies the path's modeled delays (pid ${p.pid})`);
          return { ...target, host: b.host, port: b.port };
        })()),
    };
    return {
      entry: target,
      sources: plan.sources,
      hops: hopsOut,
      observe: { clientIpHeader: ECHO_HEADERS.clientIp, tallyHeaders: [ECHO_HEADERS.version] },
      tools,
      processes,
      incidents,
      ...(delaysAtHops ? {} : { delays }),
      entries: plan.hops.map((hp, i) => {
        const seg = segmentOf.get(i);
        if (seg && i > seg[0]) return null;
        const l = entryAt(plan, bound, i);
        return l ? { ...target, host: l.host, port: l.port, tls: hp.tls ? target.tls : null } : null;
      }),
      emulation: ns
        ? { realization: segments.length ? 'netns-kernel-nat' : 'netns-processes', reason: `run inside its own network namespace ${ns} (root, iptables)`, namespace: ns, kernelHops: [...segmentOf.keys()].map((i) => plan.hops[i].hop.name) }
        : { realization: 'loopback-processes', reason: 'host network namespace: every emulated hop a process on loopback' },
      teardown,
      markLoadWindow: (w) => (loadWindow = w),
    };
  } catch (e) {
    await teardown();
    throw e;
  }
}

/** The data-plane view of a gateway hop: its product (the catalog's gateway facet) and settings. */
function gatewayOf(hp: HopPlan): Pick<GatewaySpec, 'product' | 'settings' | 'userConfig'> {
  const product = hp.hop.entry.gateway?.product;
  if (!product) throw new Error(`${hp.hop.component} is realized by a data plane but has no gateway facet in the catalog`);
  return { product, settings: hp.hop.settings, ...(hp.hop.userConfig ? { userConfig: hp.hop.userConfig } : {}) };
}

function realization(plan: TopologyPlan, i: number, bound: BoundListener[], realizedBy: string, fidelity: HopRealization['fidelity'], injects: boolean, inject: boolean, notes: string[], atHops = false): HopRealization {
  const hp = plan.hops[i];
  const lat = hp.hop.latency;
  const share = inject ? hp.hop.entry.crossAz(hp.hop.settings, plan.azs).share : 0;
  return {
    name: hp.hop.name,
    component: hp.hop.component,
    realizedBy,
    fidelity,
    injectedLatency: inject && injects && hp.latency ? { medianMs: lat.medianMs, p99Ms: lat.p99Ms, source: lat.basis, confidence: lat.confidence } : null,
    latencyModel: recordLatency(lat, latencyUse(fidelity, inject, injects && !!hp.latency, lat)),
    listen: bound.map((b) => `${b.host}:${b.port}`).join(', '),
    notes: [
      ...notes,
      ...(inject && injects && hp.latency && atHops ? ['modeled latency injected inside this hop process, with its own timer (comparison mode)'] : []),
      ...(inject && injects && hp.latency && !atHops ? ["modeled latency applied once per request with the rest of the path's (by the load driver, or the delay stage in front of the entry for a driver that cannot hold requests), not inside this hop"] : []),
      ...(share > 0 && !atHops ? [`cross-AZ RTT (${CROSS_AZ_RTT.medianMs}/${CROSS_AZ_RTT.p99Ms} ms, modeled) on ${(share * 100).toFixed(0)}% of flows toward the next hop, applied with the path's other delays`] : []),
      ...(!inject ? ['no latency injected (overhead measurement run)'] : []),
    ],
  };
}

/** What this run did with the hop's model: a real component is measured instead; an emulated hop injects it. */
function latencyUse(fidelity: HopRealization['fidelity'], inject: boolean, injected: boolean, lat: { medianMs: number; measuredWhenReal?: string }): RecordedLatencyModel['use'] {
  if (fidelity === 'measured' && lat.measuredWhenReal !== undefined) return 'measured-instead';
  if (!inject) return 'not-injected';
  return injected || lat.medianMs > 0 ? 'injected' : 'not-injected';
}

/** How the echo answers: the application's client-IP rule and response, from the scenario's service hop. */
function appSpec(s: Scenario, opts: RealizeOptions, local: LocalOptions): NonNullable<HopSpec['app']> {
  const svc = s.hops[s.hops.length - 1].settings;
  return { clientIpFrom: s.appClientIpFrom, clientIpHeader: svc.clientIpHeader, responseBytes: svc.responseBytes, processingMs: opts.injectLatency ? svc.processingMs : 0, inspect: local.inspectEcho };
}

function canBind(host: string): Promise<boolean> {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(0, host, () => s.close(() => res(true)));
  });
}

