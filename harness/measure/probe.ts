// One real probe request from a chosen 127.x source, over a raw socket so the client can put anything in
// front of the HTTP bytes (a forged PROXY header). Bounded by a timeout; closes its connection.
import net from 'node:net';
import tls from 'node:tls';
import type { LoadTarget } from '../load/types.ts';

export interface ProbeRequest {
  target: LoadTarget;
  /** Source address to bind (127.x); unset or empty: the operating system picks it. */
  source?: string;
  path?: string;
  headers?: Array<[string, string]>;
  /** Bytes written before the HTTP request (e.g. a forged PROXY header). */
  preamble?: Buffer;
  timeoutMs?: number;
}

export interface ProbeResponse {
  /** HTTP status, or null when the connection closed / failed without a response. */
  status: number | null;
  headers: Record<string, string>;
  body: string;
  error?: string;
}

export function probe(req: ProbeRequest): Promise<ProbeResponse> {
  const timeoutMs = req.timeoutMs ?? 5000;
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let settled = false;
    const finish = (r: ProbeResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const opts = { host: req.target.host, port: req.target.port, localAddress: req.source || undefined };
    const sock: net.Socket = req.target.tls
      ? tls.connect({ ...opts, servername: req.target.tls.servername, rejectUnauthorized: false }, () => send())
      : net.connect(opts, () => send());
    const timer = setTimeout(() => finish({ status: null, headers: {}, body: '', error: `no response within ${timeoutMs} ms` }), timeoutMs);
    const send = () => {
      // The entry's own path (an API Gateway stage's invoke path on LocalStack): the echo answers JSON for x-lab-echo.
      const lines = [`GET ${req.path ?? req.target.path ?? '/'} HTTP/1.1`, `host: ${req.target.hostHeader ?? 'app.example'}`, 'x-lab-echo: json', 'connection: close'];
      for (const [k, v] of req.headers ?? []) lines.push(`${k}: ${v}`);
      const head = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
      sock.write(req.preamble ? Buffer.concat([req.preamble, head]) : head);
    };
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const parsed = parseResponse(buf);
      if (parsed) finish(parsed);
    });
    sock.on('error', (e) => finish({ status: null, headers: {}, body: '', error: e.message }));
    sock.on('close', () => finish(parseResponse(buf, true) ?? { status: null, headers: {}, body: '', error: 'connection closed without a response' }));
  });
}

/** Minimal HTTP/1.1 response parse: complete when content-length bytes arrived (or at close). */
function parseResponse(buf: Buffer, atClose = false): ProbeResponse | null {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!m) return { status: null, headers: {}, body: '', error: `not an HTTP response: ${lines[0].slice(0, 60)}` };
  const headers: Record<string, string> = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) {
      const k = l.slice(0, i).trim().toLowerCase();
      const v = l.slice(i + 1).trim();
      headers[k] = headers[k] ? `${headers[k]}, ${v}` : v;
    }
  }
  const body = buf.subarray(end + 4);
  const len = headers['content-length'] !== undefined ? Number(headers['content-length']) : null;
  if (len !== null && body.length < len && !atClose) return null;
  if (len === null && !atClose && headers['transfer-encoding']) return null;
  return { status: Number(m[1]), headers, body: (len !== null ? body.subarray(0, len) : body).toString('utf8') };
}
