// What every in-cluster gateway does first: accept (or refuse) the connection's PROXY header.
import type { Envelope } from '../types.ts';

export type Accepted = { ok: true; remote: string } | { ok: false; status: number; reason: string };

/**
 * A listener that parses PROXY takes the address from the outermost header; one that does not parse it
 * reads the header as a broken HTTP request (400). A PROXY listener given no header closes the connection.
 */
export function acceptConnection(env: Envelope, parsesProxy: boolean, product: string): Accepted {
  if (!parsesProxy) {
    if (env.proxy.length) return { ok: false, status: 400, reason: `${product} without PROXY parsing received a PROXY v${env.proxy[0].version} header: bad request` };
    return { ok: true, remote: env.peer };
  }
  if (!env.proxy.length) return { ok: false, status: 0, reason: `${product} PROXY listener received no PROXY header: connection closed` };
  if (env.proxy.length > 1) return { ok: false, status: 400, reason: `${product} got a second PROXY header inside the stream (the client sent its own): bad request` };
  return { ok: true, remote: env.proxy[0].source };
}
