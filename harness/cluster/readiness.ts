// A load balancer address in a status is not yet a working entry: its DNS name takes a while to resolve and
// its targets to pass health checks. Before the load driver gets the address, the name must resolve and a run
// of consecutive requests must come back from the application itself (the echo's headers), or the run stops
// here with what was last seen.
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { ECHO_HEADERS } from '../catalog/components/service.ts';

export interface FrontProbe {
  host: string;
  port: number;
  path: string;
  hostHeader?: string;
  tls: boolean;
}

export interface ReadinessOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Consecutive answers from the application before the entry counts as ready. */
  successes?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Name resolution (the system resolver by default). */
  resolve?: (host: string) => Promise<string[]>;
}

export interface Readiness {
  addresses: string[];
  /** Seconds until the name resolved, and until the application answered. */
  dnsS: number;
  httpS: number;
  attempts: number;
}

const systemResolve = async (host: string) => (await lookup(host, { all: true })).map((a) => a.address);

/** One request through the front at one of its addresses: null when the echo answered, else what went wrong. */
async function once(p: FrontProbe, address: string, dispatcher: Agent, signal?: AbortSignal): Promise<string | null> {
  try {
    const r = await request(`${p.tls ? 'https' : 'http'}://${address.includes(':') ? `[${address}]` : address}:${p.port}${p.path}`, {
      method: 'GET',
      headers: { host: p.hostHeader ?? p.host },
      dispatcher,
      signal,
      headersTimeout: 5_000,
      bodyTimeout: 5_000,
    });
    await r.body.dump();
    if (r.statusCode !== 200) return `HTTP ${r.statusCode}`;
    if (!r.headers[ECHO_HEADERS.version]) return `HTTP 200 without ${ECHO_HEADERS.version}: not the lab's application`;
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

export async function waitFrontReady(p: FrontProbe, o: ReadinessOptions): Promise<Readiness> {
  const t0 = Date.now();
  const deadline = t0 + o.timeoutMs;
  const interval = o.intervalMs ?? 2_000;
  const need = o.successes ?? 3;
  const resolve = o.resolve ?? systemResolve;
  const sleep = () => new Promise((r) => setTimeout(r, interval));
  const check = () => {
    if (o.signal?.aborted) throw new Error('interrupted while waiting for the front to answer');
  };
  let addresses: string[] = isIP(p.host) ? [p.host] : [];
  let last = 'not tried yet';
  for (let i = 0; !addresses.length && Date.now() < deadline; i++) {
    check();
    try {
      addresses = await resolve(p.host);
    } catch (e) {
      last = `${p.host} does not resolve yet (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
      if (i % 5 === 0) o.log?.(last);
      await sleep();
    }
  }
  if (!addresses.length) throw new Error(`${p.host} did not resolve within ${Math.round(o.timeoutMs / 1000)} s: ${last}`);
  const dnsS = (Date.now() - t0) / 1000;
  o.log?.(`${p.host} resolves to ${addresses.join(', ')} (${dnsS.toFixed(1)} s)`);
  // Each attempt goes to the next resolved address (a load balancer has one per AZ), named as the client names it (SNI).
  const dispatcher = new Agent({ connect: { rejectUnauthorized: false, timeout: 5_000, ...(isIP(p.host) ? {} : { servername: p.host }) }, pipelining: 0 });
  let ok = 0;
  let attempts = 0;
  try {
    while (ok < need && Date.now() < deadline) {
      check();
      attempts++;
      const err = await once(p, addresses[attempts % addresses.length], dispatcher, o.signal);
      if (err === null) ok++;
      else {
        if (ok || attempts % 5 === 1) o.log?.(`${p.host}:${p.port}: ${err}`);
        ok = 0;
        last = err;
      }
      if (ok < need) await sleep();
    }
  } finally {
    await dispatcher.close();
  }
  if (ok < need) throw new Error(`${p.host}:${p.port} did not answer from the application ${need} times in a row within ${Math.round(o.timeoutMs / 1000)} s (last: ${last}); the load balancer's targets may still be failing health checks`);
  const httpS = (Date.now() - t0) / 1000;
  o.log?.(`${p.host}:${p.port} answers from the application (${attempts} request(s), ${httpS.toFixed(1)} s)`);
  return { addresses, dnsS, httpS, attempts };
}
