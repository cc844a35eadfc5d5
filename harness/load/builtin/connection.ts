// One client HTTP/1.1 connection bound to a source address, carrying one request at a time. Raw sockets
// rather than undici because the driver needs the source address per connection, exact control over
// reuse and close, and the least work per request (the request bytes are built once per plan).
import net from 'node:net';
import tls from 'node:tls';
import { ResponseParser, type ParsedResponse } from './response-parser.ts';
import type { ConnectionDelayState } from '../path-delay.ts';

export type TransportError = 'connect' | 'timeout' | 'reset' | 'other';

export interface ConnectionTarget {
  host: string;
  port: number;
  tls: { servername?: string } | null;
}

export type RequestDone = (err: TransportError | null, res: ParsedResponse | null) => void;

export class Connection {
  readonly source: string;
  /** Set when a request is in flight; cleared before its callback runs. */
  private pending: RequestDone | null = null;
  /** Absolute deadline (performance.now() ms) of the in-flight request, checked by the owner's sweep. */
  deadline = Infinity;
  /** What the path-delay sampler keeps for this connection (its first request opens it everywhere on the path). */
  readonly delay: ConnectionDelayState = { requests: 0 };
  private afterConnect: (() => void) | null = null;
  private afterConnectFailed: ((kind: TransportError) => void) | null = null;
  private bytesIn = 0;
  private connected = false;
  private closed = false;
  private readonly socket: net.Socket;
  private readonly parser: ResponseParser;

  constructor(
    target: ConnectionTarget,
    source: string,
    wantedHeaders: readonly string[],
    private readonly onConnected: (c: Connection) => void,
    private readonly onClosed: (c: Connection) => void,
  ) {
    this.source = source;
    this.parser = new ResponseParser(wantedHeaders);
    const base = { host: target.host, port: target.port, localAddress: source || undefined };
    this.socket = target.tls
      ? tls.connect({ ...base, servername: target.tls.servername ?? (net.isIP(target.host) ? undefined : target.host), rejectUnauthorized: false })
      : net.connect(base);
    this.socket.setNoDelay(true);
    this.socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      this.connected = true;
      const then = this.afterConnect;
      this.afterConnect = null;
      this.afterConnectFailed = null;
      then?.();
      this.onConnected(this);
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (err: NodeJS.ErrnoException) => this.fail(classifySocketError(err, this.connected)));
    this.socket.on('close', () => this.onClose());
  }

  /** Bytes received since the last call (response bytes of the request that just completed). */
  takeBytesIn(): number {
    const n = this.bytesIn;
    this.bytesIn = 0;
    return n;
  }

  get usable(): boolean {
    return !this.closed && !this.socket.destroyed && this.socket.writable;
  }

  /** Runs fn once the connection is up (at once when it is), or failed(kind) when it fails first. */
  whenConnected(fn: () => void, failed: (kind: TransportError) => void): void {
    if (this.connected) fn();
    else if (this.closed) failed('connect');
    else {
      this.afterConnect = fn;
      this.afterConnectFailed = failed;
    }
  }

  /** Writes the request (net/tls buffer it until the connection is up; connect time counts as latency). */
  send(request: Buffer, deadline: number, done: RequestDone): void {
    this.pending = done;
    this.deadline = deadline;
    this.socket.write(request);
  }

  /** Called by the owner's timeout sweep. */
  expire(): void {
    this.fail('timeout');
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (!this.pending) return; // late bytes for an expired request; the socket is being destroyed
    let res: ParsedResponse | null;
    try {
      res = this.parser.feed(chunk);
    } catch {
      // A malformed response (ProtocolError) leaves the stream unframed: the connection cannot be reused.
      this.fail('other');
      return;
    }
    if (res) this.complete(res);
  }

  private onEnd(): void {
    const res = this.pending ? this.parser.end() : null;
    if (res) this.complete(res);
    else this.fail('reset'); // peer closed with a request in flight (or idle: then fail() just closes)
  }

  private onClose(): void {
    this.fail('reset');
    this.onClosed(this);
  }

  private complete(res: ParsedResponse): void {
    const done = this.pending!;
    this.pending = null;
    this.deadline = Infinity;
    if (res.close) this.destroy();
    done(null, res);
  }

  /** Ends the in-flight request with an error (if any) and closes the connection: it is not reusable. */
  private fail(kind: TransportError): void {
    const done = this.pending;
    const waiting = this.afterConnectFailed;
    this.pending = null;
    this.afterConnect = null;
    this.afterConnectFailed = null;
    this.deadline = Infinity;
    if (!this.closed) this.destroy();
    if (done) done(kind, null);
    if (waiting) waiting(kind);
  }
}

function classifySocketError(err: NodeJS.ErrnoException, connected: boolean): TransportError {
  if (!connected) return 'connect';
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ECONNABORTED') return 'reset';
  return 'other';
}
