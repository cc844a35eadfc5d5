// The request bytes are identical for every request of a plan, so they are built once per worker.
import type { LoadPlan } from '../types.ts';

export function buildRequest(plan: LoadPlan): Buffer {
  const t = plan.target;
  const defaultPort = t.tls ? 443 : 80;
  const host = t.hostHeader ?? (t.port === defaultPort ? t.host : `${t.host}:${t.port}`);
  // new-connection mode asks the server to close so that each request pays a fresh TCP (and TLS) setup.
  const lines = [
    `${plan.method} ${t.path} HTTP/1.1`,
    `Host: ${host}`,
    'User-Agent: exposure-lab-load',
    `Connection: ${plan.connectionMode === 'new-connection' ? 'close' : 'keep-alive'}`,
  ];
  for (const [name, value] of Object.entries(plan.headers ?? {})) {
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value)) throw new Error(`header ${JSON.stringify(name)} contains a line break`);
    lines.push(`${name}: ${value}`);
  }
  const body = Buffer.alloc(plan.requestBodyBytes, 'x');
  if (plan.requestBodyBytes > 0 || plan.method === 'POST') {
    lines.push('Content-Type: application/octet-stream', `Content-Length: ${body.length}`);
  }
  return Buffer.concat([Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1'), body]);
}
