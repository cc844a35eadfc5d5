// Kernel NAT for the L4 hops the catalog marks `kernelNat` (realize.local): inside the run's own network
// namespace they need no process. A run of consecutive such hops (e.g. NLB -> kube-proxy) collapses into one
// rule set per entry listener: the planner walks the catalog's forwarding facets (same node, same AZ, any
// AZ, with the health filtering the provider uses) to the final targets and their probabilities, and folds
// each path through the hops' apply() to the final source (kept, or an LB / node address). iptables then
// does what kube-proxy itself programs: DNAT in OUTPUT with statistic balancing, SNAT in POSTROUTING.
// Pure: plans and rule text only; harness/labns/ applies them.
import type { Envelope } from '../../catalog/types.ts';
import type { BoundListener } from '../../emulation/spec.ts';
import { LOCAL_NETWORKS } from '../../catalog/address-plan.ts';
import { LOCAL_REALIZERS } from './realizers.ts';
import { upstreamsFor, type TopologyPlan } from './topology.ts';

/** Stands for the client's own address while a path is folded through the hops' semantics. */
const CLIENT = '(client)';

export interface NatPath {
  probability: number;
  target: { host: string; port: number };
  /** The source the target sees: null when the client's own address is kept. */
  source: string | null;
  /** Listener addresses the flow passes, hop by hop (for the report). */
  via: string[];
}

export interface NatSegment {
  /** Indexes of the first and last hop of the run of kernel hops. */
  first: number;
  last: number;
  entries: Array<{ listener: { host: string; port: number }; paths: NatPath[] }>;
}

/** Whether the hop can be kernel NAT here: the catalog says so, and it does not terminate the client's TLS. */
export function kernelEligible(plan: TopologyPlan, i: number): boolean {
  const hp = plan.hops[i];
  return !!hp.realization.kernelNat && !hp.tls && LOCAL_REALIZERS[hp.realization.realizer].role === 'l4' && i < plan.hops.length - 1;
}

/** Maximal runs of consecutive kernel-eligible hops, [first, last]. */
export function kernelSegments(plan: TopologyPlan): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < plan.hops.length; i++) {
    if (!kernelEligible(plan, i)) continue;
    const first = i;
    while (i + 1 < plan.hops.length && kernelEligible(plan, i + 1)) i++;
    out.push([first, i]);
  }
  return out;
}

/**
 * The paths from each listener of hop `first` to the listeners of the hop after `last`. `bound` must hold
 * the real listeners (with ports) of the hop after the segment and of `first`; the segment's inner hops
 * are only walked (their addresses are the sources semantics may name).
 */
export function composeSegment(plan: TopologyPlan, bound: BoundListener[][], first: number, last: number): NatSegment {
  const entries = bound[first].map((l) => {
    const paths: NatPath[] = [];
    const env0: Envelope = { peer: CLIENT, proxy: [], headers: [], privateLink: plan.hops[first].inboundPrivateLink || undefined };
    walk(first, l, env0, 1, [], paths);
    return { listener: { host: l.host, port: l.port }, paths: merge(paths) };
  });
  return { first, last, entries };

  function walk(j: number, l: BoundListener, env: Envelope, p: number, via: string[], out: NatPath[]): void {
    const hp = plan.hops[j];
    const res = hp.hop.entry.apply(env, hp.hop.settings, { self: l.host, nodeAddress: l.node ?? l.host, listenPort: l.port, networks: LOCAL_NETWORKS, random: () => 0 });
    if (!res.ok) return; // refused: no path (the kernel drops it as the hop would)
    if (res.env.proxy.length !== env.proxy.length || res.env.headers !== env.headers) {
      throw new Error(`${hp.hop.name} (${hp.hop.component}) is marked kernelNat in the catalog, but its semantics write into the stream`);
    }
    const targets = upstreamsFor(plan, bound, j).filter((u) => (!hp.sameAzOnly || u.az === l.az) && (!hp.sameNodeOnly || u.node === l.node));
    for (const u of targets) {
      const q = p / targets.length;
      if (j === last) {
        out.push({ probability: q, target: { host: u.host, port: u.port }, source: res.env.peer === CLIENT ? null : res.env.peer, via: [...via, l.host] });
      } else {
        const next = bound[j + 1].find((b) => b.host === u.host);
        if (next) walk(j + 1, next, res.env, q, [...via, l.host], out);
      }
    }
  }
}

/** Paths to the same target with the same source are one rule. */
function merge(paths: NatPath[]): NatPath[] {
  const by = new Map<string, NatPath>();
  for (const p of paths) {
    const k = `${p.target.host}:${p.target.port}|${p.source ?? ''}`;
    const have = by.get(k);
    if (have) have.probability += p.probability;
    else by.set(k, { ...p });
  }
  return [...by.values()];
}

export interface NatRuleText {
  /** iptables-restore input (nat table, --noflush) that installs the rules. */
  install: string;
  /** The same for removing exactly them. */
  remove: string;
  /** Chains created (for checks and the report). */
  chains: string[];
}

/**
 * The nat-table rules of some segments. `prefix` makes chain names unique per provisioning (several runs may
 * share one namespace, e.g. ip-matrix rows), `markBase` the packet marks that tie a path to its SNAT.
 * Balancing: rule k of n matches with probability p_k / (1 - p_1 - ... - p_{k-1}), the last unconditionally,
 * as kube-proxy writes its service chains.
 */
export function natRules(segments: NatSegment[], prefix: string, markBase: number): NatRuleText {
  if (!/^[A-Z0-9-]{1,12}$/.test(prefix)) throw new Error(`bad NAT chain prefix ${prefix}`);
  const chains: string[] = [];
  const body: string[] = [];
  const jumps: string[] = [];
  const snat = `${prefix}-SNAT`;
  const snatRules: string[] = [];
  let mark = markBase;
  let e = 0;
  let p = 0;
  for (const seg of segments) {
    for (const en of seg.entries) {
      if (!en.paths.length) continue;
      const ec = `${prefix}-E${e++}`;
      chains.push(ec);
      jumps.push(`-A OUTPUT -d ${en.listener.host}/32 -p tcp -m tcp --dport ${en.listener.port} -j ${ec}`);
      let left = 1;
      en.paths.forEach((path, k) => {
        const pc = `${prefix}-P${p++}`;
        chains.push(pc);
        const last = k === en.paths.length - 1;
        const prob = Math.min(1, path.probability / left);
        left -= path.probability;
        body.push(last || prob >= 0.999999 ? `-A ${ec} -j ${pc}` : `-A ${ec} -m statistic --mode random --probability ${prob.toFixed(10)} -j ${pc}`);
        if (path.source) {
          const m = mark++;
          body.push(`-A ${pc} -j MARK --set-xmark 0x${m.toString(16)}/0xffffffff`);
          snatRules.push(`-A ${snat} -m mark --mark 0x${m.toString(16)} -p tcp -j SNAT --to-source ${path.source}`);
        }
        body.push(`-A ${pc} -p tcp -j DNAT --to-destination ${path.target.host}:${path.target.port}`);
      });
    }
  }
  if (snatRules.length) chains.push(snat);
  const postJump = snatRules.length ? [`-A POSTROUTING -j ${snat}`] : [];
  const install = ['*nat', ...chains.map((c) => `:${c} - [0:0]`), ...body, ...snatRules, ...jumps, ...postJump, 'COMMIT', ''].join('\n');
  const remove = ['*nat', ...jumps.map((j) => j.replace(/^-A /, '-D ')), ...postJump.map((j) => j.replace(/^-A /, '-D ')), ...chains.map((c) => `-F ${c}`), ...chains.map((c) => `-X ${c}`), 'COMMIT', ''].join('\n');
  return { install, remove, chains };
}
