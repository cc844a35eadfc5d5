// The ip-matrix: every row of facts/client-ip.md that the local lab can realize, run as a scenario variant
// with real traffic. Stage 1 puts an inspecting echo where the gateway pod sits and classifies what arrives
// (socket peer, PROXY header, X-Forwarded-For, Forwarded, mapped header). Stage 2, for rows the facts call
// recoverable, puts an Envoy gateway with the documented recovering setting there (real Envoy Gateway + Envoy
// when installed) and checks the application then sees every true source. Measured vs documented; any
// difference is a mismatch.
import { loadScenarioText } from '../scenario/load.ts';
import type { Scenario } from '../scenario/model.ts';
import { provisionLocal } from '../providers/local/index.ts';
import { xffList, getHeader } from '../catalog/headers.ts';
import { addressOwner } from '../catalog/address-plan.ts';
import { ECHO_HEADERS } from '../catalog/components/service.ts';
import { probe } from './probe.ts';
import { MATRIX_ROWS, type AddrClass, type Expectation, type MatrixRow } from './ip-matrix-rows.ts';

export { MATRIX_ROWS } from './ip-matrix-rows.ts';
export type { MatrixRow, Expectation, AddrClass } from './ip-matrix-rows.ts';

export const CLIENT_XFF = '127.99.0.1';
const MAPPED_HEADER = 'x-client-ip';
/** Name of the recovering gateway hop in a row's recover stage. */
const GATEWAY_HOP = 'gateway';

export interface Observed {
  source: AddrClass;
  pp: 'none' | 'v1' | 'v2';
  ppSource?: AddrClass;
  xff: AddrClass[];
  forwarded: boolean;
  mapped: boolean;
  recoverable: boolean;
  /** Raw view of the first probe, for the report. */
  raw: { peer: string; proxy: string; xff: string };
}

export interface MatrixResult {
  row: MatrixRow;
  measured: Observed | null;
  /** Stage 2: requests whose application-visible client IP was the true source, through the recovering gateway. */
  recovered: { checked: number; retained: number; gateway: string } | null;
  match: boolean;
  mismatches: string[];
  error?: string;
}

export function classify(ip: string | undefined, client: string): AddrClass {
  if (!ip) return 'other';
  if (ip === client) return 'client';
  if (ip.startsWith('127.99.')) return 'c-xff';
  return (addressOwner(ip)?.cls as AddrClass | undefined) ?? 'other';
}

/** The scenario variant for a row: the row's chain, then an inspecting service or a recovering gateway + service. */
export function rowScenario(row: MatrixRow, stage: 'inspect' | 'recover'): Scenario {
  const tail =
    stage === 'inspect'
      ? [{ component: 'service', name: 'gateway-pod', settings: { clientIpFrom: 'socket' } }]
      : [{ component: 'envoy-gateway', name: GATEWAY_HOP, settings: { ...row.recover } }, { component: 'service', name: 'app', settings: { clientIpFrom: 'gateway' } }];
  const doc = {
    apiVersion: 'exposure-lab.dev/v1alpha1',
    kind: 'Scenario',
    metadata: {
      name: `ip-matrix-row-${row.id.toLowerCase()}-${stage}`,
      title: `facts/client-ip.md row ${row.id}: ${row.title}`,
      description: `ip-matrix variant (${stage}) of facts/client-ip.md row ${row.id}`,
      tradeoffs: { waf: 'n/a', tls: 'n/a', certificates: 'n/a', podAwareRouting: 'n/a', redundancy: 'n/a' },
      factsRow: Number.parseInt(row.id, 10),
      labels: ['ip-matrix'],
    },
    spec: { cluster: { nodes: 3, azs: 3, services: 1 }, chain: [{ component: 'client', settings: { sources: 8 } }, ...row.chain, ...tail] },
  };
  const { scenario, diagnostics } = loadScenarioText(JSON.stringify(doc, null, 1), `ip-matrix/row-${row.id}-${stage}.yaml`);
  if (!scenario) throw new Error(`row ${row.id} variant does not validate: ${diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.field}: ${d.message}`).join('; ')}`);
  return scenario;
}

export interface MatrixOptions {
  rows?: string[];
  probes?: number;
  seed?: number;
  gatewayRealization?: 'auto' | 'builtin';
  log?: (l: string) => void;
  signal?: AbortSignal;
  /** Rows run at the same time (default 2). */
  concurrency?: number;
}

export async function runIpMatrix(opts: MatrixOptions = {}): Promise<MatrixResult[]> {
  const rows = opts.rows?.length ? MATRIX_ROWS.filter((r) => opts.rows!.includes(r.id)) : MATRIX_ROWS;
  const out: MatrixResult[] = new Array(rows.length);
  let next = 0;
  // A small pool: rows are independent (port 0 everywhere), two at a time keeps a 2-core machine busy.
  const worker = async () => {
    while (next < rows.length && !opts.signal?.aborted) {
      const i = next++;
      out[i] = await runRow(rows[i], opts);
      opts.log?.(`row ${rows[i].id}: ${out[i].match ? 'match' : 'MISMATCH ' + out[i].mismatches.join('; ')}`);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, worker));
  return out.filter(Boolean);
}

export async function runRow(row: MatrixRow, opts: MatrixOptions = {}): Promise<MatrixResult> {
  const n = opts.probes ?? 4;
  const base = { runId: `ipm-${row.id}`, injectLatency: false, seed: opts.seed ?? 1, log: () => {}, signal: opts.signal };
  let measured: Observed | null = null;
  let recovered: MatrixResult['recovered'] = null;
  const mismatches: string[] = [];
  try {
    const r = await provisionLocal(rowScenario(row, 'inspect'), base, { inspectEcho: true, maxSources: n });
    try {
      const views: Observed[] = [];
      for (const source of r.sources.slice(0, n)) {
        const res = await probe({ target: r.entry, source, headers: [['x-forwarded-for', CLIENT_XFF]], timeoutMs: 5000 });
        if (res.status !== 200) throw new Error(`probe from ${source} got ${res.status ?? 'no response'}${res.error ? ` (${res.error})` : ''}`);
        views.push(observe(JSON.parse(res.body), source));
      }
      measured = views[0];
      const keyOf = (o: Observed) => JSON.stringify({ ...o, raw: undefined });
      if (views.some((v) => keyOf(v) !== keyOf(views[0]))) mismatches.push('probes from different sources saw different things');
    } finally {
      await r.teardown();
    }
    if (row.recover) {
      const r2 = await provisionLocal(rowScenario(row, 'recover'), base, { maxSources: n, gatewayRealization: opts.gatewayRealization });
      try {
        let retained = 0;
        for (const source of r2.sources.slice(0, n)) {
          const res = await probe({ target: r2.entry, source, headers: [['x-forwarded-for', CLIENT_XFF]], timeoutMs: 5000 });
          if (res.status === 200 && res.headers[ECHO_HEADERS.clientIp] === source) retained++;
        }
        recovered = { checked: n, retained, gateway: r2.hops.find((h) => h.name === GATEWAY_HOP)?.realizedBy ?? '?' };
      } finally {
        await r2.teardown();
      }
    }
  } catch (e) {
    return { row, measured, recovered, match: false, mismatches: [...mismatches, (e as Error).message], error: (e as Error).message };
  }
  mismatches.push(...compare(row.expect, measured!));
  if (row.expect.recoverable && recovered && recovered.retained !== recovered.checked) {
    mismatches.push(`recovering gateway (${JSON.stringify(row.recover)}) gave the app the true source for ${recovered.retained}/${recovered.checked} requests`);
  }
  return { row, measured, recovered, match: mismatches.length === 0, mismatches };
}

export function observe(echo: { peer: string; proxy: Array<{ version: 1 | 2; source: string }>; headers: Array<[string, string]> }, client: string): Observed {
  const env = { peer: echo.peer, proxy: [], headers: echo.headers };
  const xff = xffList(env);
  const pp = echo.proxy[0];
  const fwd = getHeader(env, 'forwarded') ?? '';
  const forwarded = new RegExp(`for="?${client.replace(/\./g, '\\.')}[";:,]?`).test(fwd);
  const mapped = getHeader(env, MAPPED_HEADER)?.split(',')[0].trim() === client;
  const xffClasses = xff.map((a) => classify(a, client));
  // Recoverable: the true client sits somewhere the documented gateway settings can read and trust.
  const recoverable = echo.peer === client || pp?.source === client || xffClasses.includes('client') || mapped;
  return {
    source: classify(echo.peer, client),
    pp: pp ? (`v${pp.version}` as 'v1' | 'v2') : 'none',
    ...(pp ? { ppSource: classify(pp.source, client) } : {}),
    xff: xffClasses,
    forwarded,
    mapped,
    recoverable,
    raw: { peer: echo.peer, proxy: echo.proxy.map((p) => `v${p.version} ${p.source}`).join(' | ') || 'none', xff: xff.join(', ') || '(none)' },
  };
}

export function compare(e: Expectation, m: Observed): string[] {
  const d: string[] = [];
  if (e.source !== m.source) d.push(`L4 source: documented ${e.source}, measured ${m.source}`);
  if (e.pp !== m.pp) d.push(`PROXY: documented ${e.pp}, measured ${m.pp}`);
  if (e.ppSource && e.ppSource !== m.ppSource) d.push(`PROXY source: documented ${e.ppSource}, measured ${m.ppSource}`);
  if (e.xff.join(',') !== m.xff.join(',')) d.push(`X-Forwarded-For: documented [${e.xff.join(', ')}], measured [${m.xff.join(', ')}]`);
  if (!!e.forwarded !== m.forwarded) d.push(`Forwarded for=client: documented ${!!e.forwarded}, measured ${m.forwarded}`);
  if (!!e.mapped !== m.mapped) d.push(`mapped header: documented ${!!e.mapped}, measured ${m.mapped}`);
  if (e.recoverable !== m.recoverable) d.push(`recoverable: documented ${e.recoverable}, measured ${m.recoverable}`);
  return d;
}

/** Plain-text table: per row, documented next to measured. */
export function renderMatrix(results: MatrixResult[]): string {
  const fmt = (o: Pick<Expectation, 'source' | 'pp' | 'ppSource' | 'xff' | 'recoverable'> & { forwarded?: boolean; mapped?: boolean }) =>
    `src=${o.source} pp=${o.pp}${o.ppSource ? `(${o.ppSource})` : ''} xff=[${o.xff.join(',')}]${o.forwarded ? ' fwd' : ''}${o.mapped ? ' mapped' : ''} rec=${o.recoverable ? 'yes' : 'no'}`;
  const lines = ['row  | result   | documented (facts/client-ip.md)                          | measured (real traffic, local)                            | recovering gateway'];
  for (const r of results) {
    const doc = fmt(r.row.expect);
    const meas = r.measured ? fmt(r.measured) : `error: ${r.error}`;
    const rec = r.recovered ? `${r.recovered.retained}/${r.recovered.checked} true source (${r.recovered.gateway.replace(/ \(catalog semantics over node:http\)$/, '')})` : '-';
    lines.push(`${r.row.id.padEnd(4)} | ${(r.match ? 'match' : 'MISMATCH').padEnd(8)} | ${doc.padEnd(56)} | ${meas.padEnd(57)} | ${rec}`);
    if (!r.match) for (const m of r.mismatches) lines.push(`       - ${m}`);
    if (r.row.assumption) lines.push(`       note: ${r.row.assumption}`);
  }
  lines.push('', 'Legend: src = L4 source seen where the gateway pod sits; pp = PROXY header (its source); xff = X-Forwarded-For entries',
    `(c-xff = the probe's own forged ${CLIENT_XFF}); fwd = client in Forwarded; mapped = client in the mapped X-Client-IP header.`,
    'Fidelity: emulated (managed AWS hops are the lab\'s emulation of the catalog semantics; the traffic and sockets are real).');
  return lines.join('\n');
}
