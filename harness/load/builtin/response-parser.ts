// Incremental HTTP/1.1 response parser for the load client: status line, headers, and a body framed by
// Content-Length, chunked transfer coding, or the end of the connection. Bodies are counted, not kept.

export interface ParsedResponse {
  status: number;
  /** The server will close the connection after this response (Connection: close or HTTP/1.0). */
  close: boolean;
  /** Values of the headers the caller asked for (lower-case names); absent headers are missing keys. */
  headers: Record<string, string>;
  bodyBytes: number;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** A response head larger than this is treated as a protocol error rather than buffered without bound. */
const MAX_HEAD_BYTES = 64 * 1024;

type BodyMode = 'length' | 'chunked' | 'until-close' | 'none';
type ChunkState = 'size' | 'data' | 'data-crlf' | 'trailer';

export class ProtocolError extends Error {}

export class ResponseParser {
  private head: Buffer | null = null;
  private current: ParsedResponse | null = null;
  private mode: BodyMode = 'none';
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private line: Buffer | null = null;

  constructor(private readonly wanted: readonly string[]) {}

  /** True while a response has started but not finished (so a closed connection means a truncated reply). */
  get inProgress(): boolean {
    return this.head !== null || this.current !== null;
  }

  /**
   * Feeds bytes; returns the completed response, or null when more bytes are needed.
   * One request is in flight per connection, so bytes after a complete response are a server error.
   */
  feed(chunk: Buffer): ParsedResponse | null {
    let data = chunk;
    if (this.current === null) {
      const joined = this.head ? Buffer.concat([this.head, data]) : data;
      const end = joined.indexOf(HEAD_END);
      if (end < 0) {
        if (joined.length > MAX_HEAD_BYTES) throw new ProtocolError('response head too large');
        this.head = joined;
        return null;
      }
      this.head = null;
      this.startResponse(joined.toString('latin1', 0, end));
      data = joined.subarray(end + 4);
      // 1xx informational responses precede the real one; parse on from what follows.
      if (this.current!.status < 200) {
        this.current = null;
        return data.length > 0 ? this.feed(data) : null;
      }
    }
    return this.consumeBody(data);
  }

  /** The connection ended: completes a body delimited by the close, else reports nothing completed. */
  end(): ParsedResponse | null {
    if (this.current && this.mode === 'until-close') return this.finish();
    return null;
  }

  private startResponse(headText: string): void {
    if (!headText.startsWith('HTTP/1.')) throw new ProtocolError(`bad status line: ${headText.slice(0, 40)}`);
    const status = Number(headText.slice(9, 12));
    if (!Number.isInteger(status) || status < 100) throw new ProtocolError(`bad status code: ${headText.slice(0, 40)}`);
    // Look up only the headers that matter instead of splitting every line: this runs once per response
    // and dominates the client's CPU at tens of thousands of requests per second.
    const lower = headText.toLowerCase();
    let close = headText.startsWith('HTTP/1.0');
    const connection = headerValue(lower, 'connection');
    if (connection !== null) {
      if (connection.includes('close')) close = true;
      else if (connection.includes('keep-alive')) close = false;
    }
    const te = headerValue(lower, 'transfer-encoding');
    const chunked = te !== null && te.includes('chunked');
    const cl = headerValue(lower, 'content-length');
    const contentLength = cl === null ? -1 : Number(cl);
    const headers: Record<string, string> = {};
    for (const name of this.wanted) {
      const at = headerStart(lower, name);
      if (at >= 0) headers[name] = valueAt(headText, at + name.length + 3);
    }
    this.current = { status, close, headers, bodyBytes: 0 };
    // RFC 9112 6.3: no body for 1xx/204/304; chunked wins over Content-Length; otherwise read until close.
    if (status < 200 || status === 204 || status === 304) this.mode = 'none';
    else if (chunked) {
      this.mode = 'chunked';
      this.chunkState = 'size';
    } else if (contentLength >= 0) {
      if (!Number.isFinite(contentLength)) throw new ProtocolError('bad Content-Length');
      this.mode = 'length';
      this.remaining = contentLength;
    } else {
      this.mode = 'until-close';
      this.current.close = true;
    }
  }

  private consumeBody(data: Buffer): ParsedResponse | null {
    const cur = this.current!;
    switch (this.mode) {
      case 'none':
        return this.finish();
      case 'until-close':
        cur.bodyBytes += data.length;
        return null;
      case 'length': {
        const take = Math.min(this.remaining, data.length);
        cur.bodyBytes += take;
        this.remaining -= take;
        if (this.remaining > 0) return null;
        if (data.length > take) throw new ProtocolError('bytes after a complete response');
        return this.finish();
      }
      case 'chunked':
        return this.consumeChunked(data);
    }
  }

  private consumeChunked(input: Buffer): ParsedResponse | null {
    let data = input;
    while (data.length > 0) {
      if (this.chunkState === 'data') {
        const take = Math.min(this.remaining, data.length);
        this.current!.bodyBytes += take;
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) {
          this.chunkState = 'data-crlf';
          this.remaining = 2;
        }
        continue;
      }
      if (this.chunkState === 'data-crlf') {
        const take = Math.min(this.remaining, data.length);
        this.remaining -= take;
        data = data.subarray(take);
        if (this.remaining === 0) this.chunkState = 'size';
        continue;
      }
      // 'size' and 'trailer' are line-oriented.
      const joined = this.line ? Buffer.concat([this.line, data]) : data;
      const eol = joined.indexOf(CRLF);
      if (eol < 0) {
        if (joined.length > MAX_HEAD_BYTES) throw new ProtocolError('chunk line too long');
        this.line = joined;
        return null;
      }
      this.line = null;
      const text = joined.toString('latin1', 0, eol);
      data = joined.subarray(eol + 2);
      if (this.chunkState === 'size') {
        const size = parseInt(text.split(';')[0].trim(), 16);
        if (!Number.isFinite(size) || size < 0) throw new ProtocolError(`bad chunk size: ${text.slice(0, 20)}`);
        if (size === 0) this.chunkState = 'trailer';
        else {
          this.chunkState = 'data';
          this.remaining = size;
        }
      } else if (text === '') {
        if (data.length > 0) throw new ProtocolError('bytes after a complete response');
        return this.finish();
      }
    }
    return null;
  }

  private finish(): ParsedResponse {
    const done = this.current!;
    this.current = null;
    this.mode = 'none';
    return done;
  }
}

/** Offset of "\r\n<name>:" in the lower-cased head, or -1. */
function headerStart(lower: string, name: string): number {
  return lower.indexOf(`\r\n${name}:`);
}

/** The trimmed value from `from` to the end of its line. */
function valueAt(head: string, from: number): string {
  const eol = head.indexOf('\r\n', from);
  return head.slice(from, eol < 0 ? head.length : eol).trim();
}

function headerValue(lower: string, name: string): string | null {
  const at = headerStart(lower, name);
  return at < 0 ? null : valueAt(lower, at + name.length + 3);
}
