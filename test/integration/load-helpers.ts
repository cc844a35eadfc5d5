// Shared pieces of the load integration tests: a random loopback /24 per test file so parallel files
// never collide, and a Node HTTP server that counts what it sees.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LoadPlan } from '../../harness/load/types.ts';

export function randomLoopbackNet(): (last: number) => string {
  const a = 1 + Math.floor(Math.random() * 250);
  const b = 1 + Math.floor(Math.random() * 250);
  return (last) => `127.${a}.${b}.${last}`;
}

export interface TestServer {
  host: string;
  port: number;
  connections: number;
  remoteAddresses: Map<string, number>;
  close(): Promise<void>;
  openSockets(): Promise<number>;
}

export async function startServer(host: string, handler: http.RequestListener): Promise<TestServer> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  const state: TestServer = {
    host,
    port: 0,
    connections: 0,
    remoteAddresses: new Map(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    openSockets: () => new Promise((resolve) => server.getConnections((_, n) => resolve(n))),
  };
  server.on('connection', (socket) => {
    state.connections++;
    const ip = socket.remoteAddress ?? '?';
    state.remoteAddresses.set(ip, (state.remoteAddresses.get(ip) ?? 0) + 1);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

export function basePlan(host: string, port: number, sources: string[], over: Partial<LoadPlan> = {}): LoadPlan {
  return {
    executor: { kind: 'constant-arrival-rate', rate: 50, durationS: 1 },
    warmupS: 0,
    target: { host, port, path: '/' },
    sources,
    requestsPerSource: 5,
    connectionMode: 'keep-alive',
    method: 'GET',
    requestBodyBytes: 0,
    timeoutMs: 2000,
    workers: 1,
    maxConnections: 64,
    intervalS: 1,
    ...over,
  };
}
