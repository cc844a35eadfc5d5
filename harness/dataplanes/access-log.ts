// Envoy's own time per request, read back from its JSON access log (the format k8s/envoy-gateway.ts asks Envoy
// Gateway to configure: ENVOY_ACCESS_LOG_FIELDS). Pure: text in, percentiles out.
//
// Envoy stamps each stream (Envoy 1.39 %COMMON_DURATION(start:end:us)%, microseconds): downstream request
// start (first byte received, DS_RX_BEG), upstream request start (first byte sent to the service, US_TX_BEG),
// upstream response end (last byte received, US_RX_END) and downstream response end (last byte sent,
// DS_TX_END). The gateway's own share of a request is everything but the upstream span:
//   own = (US_TX_BEG - DS_RX_BEG) + (DS_TX_END - US_RX_END)
// i.e. routing, filters and the connection pick on the way in, and handing the response back on the way out.
import { quantileSorted } from 'simple-statistics';

export interface SpanPercentiles {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface GatewayOwnTime {
  /** Requests counted (load requests inside the measurement window; readiness probes excluded). */
  requests: number;
  /** Lines skipped: readiness probes, outside the window, without upstream timing (local replies, resets). */
  skipped: number;
  /** The gateway's own share: request path + response path (ms). */
  ownMs: SpanPercentiles;
  /** Downstream request start -> upstream request start (ms). */
  requestPathMs: SpanPercentiles;
  /** Upstream response end -> downstream response end (ms). */
  responsePathMs: SpanPercentiles;
  /** Upstream request start -> upstream response end: the service and the wire, as Envoy saw it (ms). */
  upstreamMs: SpanPercentiles;
  /** Downstream request start -> downstream response end (ms). */
  totalMs: SpanPercentiles;
  /** Responses by status code (all counted requests). */
  statuses: Record<string, number>;
}

interface Line {
  start?: string;
  status?: string | number;
  total?: string | number | null;
  reqPath?: string | number | null;
  upstream?: string | number | null;
  respPath?: string | number | null;
  probe?: string | null;
}

/** A number Envoy wrote, or null for "-" / absent (Envoy writes null or "-" when a timestamp is missing). */
function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '-' || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

function percentiles(us: number[]): SpanPercentiles {
  const s = [...us].sort((a, b) => a - b);
  const ms = (x: number) => Math.round(x) / 1000;
  if (!s.length) return { p50: 0, p90: 0, p99: 0, max: 0 };
  return { p50: ms(quantileSorted(s, 0.5)), p90: ms(quantileSorted(s, 0.9)), p99: ms(quantileSorted(s, 0.99)), max: ms(s[s.length - 1]) };
}

/**
 * Percentiles of the gateway's own time from access-log text. `window` (epoch ms) keeps requests that started
 * inside it (the load's measurement window: warm-up and the spoof probes after the run are left out).
 */
export function gatewayOwnTime(text: string, window?: { fromMs: number; toMs: number }): GatewayOwnTime | null {
  const own: number[] = [];
  const req: number[] = [];
  const resp: number[] = [];
  const up: number[] = [];
  const total: number[] = [];
  const statuses: Record<string, number> = {};
  let skipped = 0;
  for (const raw of text.split('\n')) {
    if (!raw.trim().startsWith('{')) continue;
    let l: Line;
    try {
      l = JSON.parse(raw) as Line;
    } catch {
      skipped++;
      continue;
    }
    if (l.probe && l.probe !== '-') {
      skipped++;
      continue;
    }
    const startMs = num(l.start) !== null ? num(l.start)! * 1000 : null;
    if (window && (startMs === null || startMs < window.fromMs || startMs > window.toMs)) {
      skipped++;
      continue;
    }
    const [a, b, c, t] = [num(l.reqPath), num(l.respPath), num(l.upstream), num(l.total)];
    if (a === null || b === null || c === null || t === null) {
      skipped++;
      continue;
    }
    req.push(a);
    resp.push(b);
    up.push(c);
    total.push(t);
    own.push(a + b);
    const st = String(l.status ?? '-');
    statuses[st] = (statuses[st] ?? 0) + 1;
  }
  if (!own.length) return null;
  return {
    requests: own.length,
    skipped,
    ownMs: percentiles(own),
    requestPathMs: percentiles(req),
    responsePathMs: percentiles(resp),
    upstreamMs: percentiles(up),
    totalMs: percentiles(total),
    statuses,
  };
}
