// Reads one k6 runner's raw sample stream (`--out csv=fileName=-,timeFormat=unix_micro`) as it arrives, in
// chunks, into an exact latency histogram and the counters the lab reports. The same reader takes a local
// k6 process's stdout and a runner pod's log (stdout and stderr interleaved line by line, as the kubelet
// keeps them): lines that are not samples are k6's log lines, kept for the error report and scanned for
// k6's own warnings. Pure: no I/O, so it is tested on real k6 output saved as text.
//
// What is counted, from the samples of the measured phase (k6 tags every sample with its scenario):
//   http_req_duration  one per request; status 0 means no response (a transport error, classified by k6's
//                      error_code), any other status is a response: recorded in the histogram (in us, like
//                      the built-in driver) and in the throughput interval of its send time (end - duration)
//   http_req_connecting > 0 when the request opened a new connection (0 on a reused one)
//   data_sent / data_received, dropped_iterations (k6's iterations that found no free VU: never sent)
//   lab_client_ip_retained / lab_tally   the script's own metrics (client IP check, header tallies)
// The line handleSummary writes after the last sample carries k6's own counts, which the lab compares with
// what it read: a stream cut short (a lost pod log) shows up as a mismatch instead of a smaller run.
import type { ErrorsByKind } from '../../result/types.ts';
import { decodeHistogram, encodeHistogram, newHistogram, recordMs, type Histogram } from '../histogram.ts';
import { emptyErrors } from '../builtin/interval-report.ts';
import { CLIENT_IP_METRIC, MEASURE_SCENARIO, MEASURE_TAG, SUMMARY_SENTINEL, TALLY_METRIC } from './script.ts';

export interface IntervalCounts {
  responses: number;
  /** Requests without a response (counted in errors too). */
  transport: number;
  errors: number;
  /** Live while samples may still arrive for it; encoded once the stream has moved on (memory). */
  hist: Histogram | null;
  encoded: string | null;
}

/** k6's own figures for the measured phase, from its end-of-test summary. */
export interface K6Summary {
  requests: number;
  dropped: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  testRunDurationMs: number;
}

export interface RunnerSamples {
  /** Responses of the measured phase (any HTTP status), in the histogram. */
  histogram: Histogram;
  responses: number;
  /** Requests without a response (status 0). */
  transportErrors: number;
  errorsByKind: ErrorsByKind;
  /** Failed requests: transport errors and 4xx/5xx responses, as the built-in driver counts them. */
  errors: number;
  /** Measured-phase iterations k6 dropped (no free VU at their arrival time). */
  dropped: number;
  droppedWarmup: number;
  bytesSent: number;
  bytesReceived: number;
  newConnections: number;
  clientIp: { checked: number; retained: number; other: Record<string, number> };
  tallies: Record<string, Record<string, number>>;
  /** Throughput intervals by index from the anchor (the measured phase's start). */
  intervals: Map<number, IntervalCounts>;
  anchorUs: number | null;
  /** Send time of the first and completion time of the last measured request, epoch us. */
  firstSendUs: number | null;
  lastDoneUs: number | null;
  vusMax: number;
  k6Summary: K6Summary | null;
  /** k6's "Insufficient VUs" warning, when it gave one (its VUs were exhausted). */
  vusExhausted: string | null;
  /** The last lines that were not samples (k6's log on a pod, or anything unexpected on stdout). */
  logTail: string[];
  /** Sample rows read, and rows that could not be read. */
  rows: number;
  malformed: number;
  headerSeen: boolean;
}

const LOG_TAIL = 30;
/** An interval is encoded when the newest sample is this many intervals past it. */
const KEEP_LIVE_INTERVALS = 3;

/** k6 error codes (lib/netext/httpext/error_codes.go) as the built-in driver's error kinds. */
function errorKind(code: string): 'connect' | 'timeout' | 'reset' | 'other' {
  const c = Number(code);
  if (c === 1050) return 'timeout';
  if (c >= 1210 && c <= 1213) return 'connect'; // dial error, dial timeout, refused, unknown errno on dial
  if (c === 1201 || c === 1220) return 'reset'; // broken pipe, connection reset by peer
  return 'other';
}

/** One CSV record; k6 (Go's encoding/csv) quotes a field only when it holds a comma, a quote or a line break. */
function splitCsv(line: string): string[] {
  if (!line.includes('"')) return line.split(',');
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

function tagsOf(extra: string | undefined): URLSearchParams {
  return new URLSearchParams(extra ?? '');
}

export class K6SampleReader {
  readonly s: RunnerSamples;
  private partial = '';
  private cols: { metric: number; ts: number; value: number; scenario: number; status: number; errorCode: number; extra: number } | null = null;
  private readonly intervalUs: number;
  private maxIdx = 0;

  constructor(opts: { intervalS: number; anchorUs?: number }) {
    this.intervalUs = opts.intervalS * 1e6;
    this.s = {
      histogram: newHistogram(),
      responses: 0,
      transportErrors: 0,
      errorsByKind: emptyErrors(),
      errors: 0,
      dropped: 0,
      droppedWarmup: 0,
      bytesSent: 0,
      bytesReceived: 0,
      newConnections: 0,
      clientIp: { checked: 0, retained: 0, other: {} },
      tallies: {},
      intervals: new Map(),
      anchorUs: opts.anchorUs ?? null,
      firstSendUs: null,
      lastDoneUs: null,
      vusMax: 0,
      k6Summary: null,
      vusExhausted: null,
      logTail: [],
      rows: 0,
      malformed: 0,
      headerSeen: false,
    };
  }

  /** Feeds text as it arrives; lines may be split across chunks. */
  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const l of lines) this.line(l.endsWith('\r') ? l.slice(0, -1) : l);
  }

  /** The stream ended: reads what is left and encodes the remaining live intervals. */
  end(): RunnerSamples {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    for (const iv of this.s.intervals.values()) this.seal(iv);
    return this.s;
  }

  /** A line that is not a sample: k6 log output (stderr, or interleaved in a pod log). */
  logLine(line: string): void {
    if (!line.trim()) return;
    this.s.logTail.push(line);
    if (this.s.logTail.length > LOG_TAIL) this.s.logTail.shift();
    if (this.s.vusExhausted === null && /Insufficient VUs/.test(line)) this.s.vusExhausted = line;
  }

  private line(line: string): void {
    if (line.startsWith(SUMMARY_SENTINEL)) return this.summary(line.slice(SUMMARY_SENTINEL.length));
    if (!this.cols) {
      if (line.startsWith('metric_name,')) return this.header(line);
      return this.logLine(line);
    }
    const c = this.cols;
    // Cheap test first: most rows are metrics the lab does not read.
    const comma = line.indexOf(',');
    const metric = comma > 0 ? line.slice(0, comma) : '';
    if (!/^[a-z_][a-z0-9_]*$/.test(metric)) return this.logLine(line);
    if (!WANTED.has(metric)) {
      this.s.rows++;
      return;
    }
    const f = splitCsv(line);
    if (f.length < c.extra) {
      this.s.malformed++;
      return this.logLine(line);
    }
    this.s.rows++;
    const value = Number(f[c.value]);
    const ts = Number(f[c.ts]);
    if (!Number.isFinite(value) || !Number.isFinite(ts)) {
      this.s.malformed++;
      return;
    }
    const measured = f[c.scenario] === MEASURE_SCENARIO;
    if (metric === 'vus_max') {
      this.s.vusMax = Math.max(this.s.vusMax, value);
      return;
    }
    if (metric === 'dropped_iterations') {
      if (measured) this.s.dropped += value;
      else this.s.droppedWarmup += value;
      return;
    }
    if (!measured) return;
    switch (metric) {
      case 'http_req_duration':
        return this.request(ts, value, f[c.status] ?? '', f[c.errorCode] ?? '');
      case 'http_req_connecting':
        if (value > 0) this.s.newConnections++;
        return;
      case 'data_sent':
        this.s.bytesSent += value;
        return;
      case 'data_received':
        this.s.bytesReceived += value;
        return;
      case CLIENT_IP_METRIC: {
        this.s.clientIp.checked++;
        if (value === 1) this.s.clientIp.retained++;
        else {
          const seen = tagsOf(f[c.extra]).get('seen') ?? '(unknown)';
          this.s.clientIp.other[seen] = (this.s.clientIp.other[seen] ?? 0) + 1;
        }
        return;
      }
      case TALLY_METRIC: {
        const tags = tagsOf(f[c.extra]);
        const h = tags.get('header');
        const v = tags.get('value');
        if (h === null || v === null) return;
        const t = (this.s.tallies[h] ??= {});
        t[v] = (t[v] ?? 0) + value;
        return;
      }
    }
  }

  private header(line: string): void {
    const h = splitCsv(line);
    const names = ['metric_name', 'timestamp', 'metric_value', 'scenario', 'status', 'error_code', 'extra_tags'];
    const lacking = names.filter((n) => !h.includes(n));
    const at = (n: string) => h.indexOf(n);
    const cols = { metric: at('metric_name'), ts: at('timestamp'), value: at('metric_value'), scenario: at('scenario'), status: at('status'), errorCode: at('error_code'), extra: at('extra_tags') };
    if (lacking.length) throw new Error(`k6 CSV header lacks ${lacking.join(', ')} (got: ${line}); run k6 with the script's systemTags (scenario, status, error_code)`);
    this.cols = cols;
    this.s.headerSeen = true;
  }

  private request(doneUs: number, ms: number, status: string, errorCode: string): void {
    const sendUs = doneUs - ms * 1000;
    this.s.anchorUs ??= sendUs;
    if (this.s.firstSendUs === null || sendUs < this.s.firstSendUs) this.s.firstSendUs = sendUs;
    if (this.s.lastDoneUs === null || doneUs > this.s.lastDoneUs) this.s.lastDoneUs = doneUs;
    const iv = this.interval(sendUs);
    const code = Number(status);
    if (!(code > 0)) {
      this.s.transportErrors++;
      this.s.errors++;
      this.s.errorsByKind[errorKind(errorCode)]++;
      iv.transport++;
      iv.errors++;
      return;
    }
    this.s.responses++;
    iv.responses++;
    recordMs(this.s.histogram, ms);
    iv.hist ??= iv.encoded ? decodeHistogram({ encoding: 'hdr-base64', unit: 'us', data: iv.encoded }) : newHistogram();
    iv.encoded = null;
    recordMs(iv.hist, ms);
    const by = this.s.errorsByKind.byStatus;
    by[status] = (by[status] ?? 0) + 1;
    if (code >= 400) {
      this.s.errors++;
      iv.errors++;
      if (code < 500) this.s.errorsByKind.status4xx++;
      else this.s.errorsByKind.status5xx++;
    }
  }

  private interval(sendUs: number): IntervalCounts {
    const idx = Math.max(0, Math.floor((sendUs - (this.s.anchorUs ?? sendUs)) / this.intervalUs));
    let iv = this.s.intervals.get(idx);
    if (!iv) {
      iv = { responses: 0, transport: 0, errors: 0, hist: null, encoded: null };
      this.s.intervals.set(idx, iv);
    }
    if (idx > this.maxIdx) {
      this.maxIdx = idx;
      for (const [k, old] of this.s.intervals) if (k < idx - KEEP_LIVE_INTERVALS) this.seal(old);
    }
    return iv;
  }

  private seal(iv: IntervalCounts): void {
    if (!iv.hist) return;
    iv.encoded = encodeHistogram(iv.hist).data;
    iv.hist = null;
  }

  private summary(json: string): void {
    try {
      const doc = JSON.parse(json) as { state?: { testRunDurationMs?: number }; metrics?: Record<string, { values?: Record<string, number> }> };
      const m = (name: string) => doc.metrics?.[`${name}{${MEASURE_TAG}}`]?.values ?? {};
      const d = m('http_req_duration');
      this.s.k6Summary = {
        requests: m('http_reqs').count ?? 0,
        dropped: m('dropped_iterations').count ?? 0,
        p50: d.med ?? NaN,
        p90: d['p(90)'] ?? NaN,
        p99: d['p(99)'] ?? NaN,
        max: d.max ?? NaN,
        testRunDurationMs: doc.state?.testRunDurationMs ?? NaN,
      };
    } catch {
      this.logLine(`${SUMMARY_SENTINEL}(unreadable)`);
    }
  }
}

const WANTED = new Set(['http_req_duration', 'http_req_connecting', 'data_sent', 'data_received', 'dropped_iterations', 'vus_max', CLIENT_IP_METRIC, TALLY_METRIC]);

/** Reads a whole text at once (tests, saved streams). */
export function readK6Samples(text: string, opts: { intervalS: number; anchorUs?: number }): RunnerSamples {
  const r = new K6SampleReader(opts);
  r.push(text);
  return r.end();
}

/** The interval's histogram, whether still live or encoded. */
export function intervalHistogram(iv: IntervalCounts): Histogram {
  if (iv.hist) return iv.hist;
  return iv.encoded ? decodeHistogram({ encoding: 'hdr-base64', unit: 'us', data: iv.encoded }) : newHistogram();
}
