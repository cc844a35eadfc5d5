// The lab image's entry point, run as a real process on loopback (no container: Docker is not running here).
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { request } from 'undici';
import { fileURLToPath } from 'node:url';
import { echoSpecFromEnv, READY_MARK } from '../../harness/providers/kind/container-main.ts';

const ENTRY = fileURLToPath(new URL('../../harness/providers/kind/container-main.ts', import.meta.url));

describe('lab image entry point', () => {
  it('echo env is validated', () => {
    expect(() => echoSpecFromEnv({ ECHO_CLIENT_IP_FROM: 'nope' })).toThrow(/ECHO_CLIENT_IP_FROM/);
    expect(() => echoSpecFromEnv({ ECHO_RESPONSE_BYTES: '-1' })).toThrow(/ECHO_RESPONSE_BYTES/);
    expect(echoSpecFromEnv({}).listeners[0]).toMatchObject({ host: '0.0.0.0', port: 8080 });
  });

  it('echo mode serves real requests with the version and the client IP the app would read', async () => {
    const host = `127.${60 + Math.floor(Math.random() * 60)}.${1 + Math.floor(Math.random() * 250)}.1`;
    const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, 'echo'], {
      env: { ...process.env, ECHO_HOST: host, ECHO_PORT: '0', ECHO_VERSION: 'v2', ECHO_CLIENT_IP_FROM: 'xff-rightmost', POD_NAME: 'app-v2-abc' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const ready = await new Promise<{ listeners: Array<{ host: string; port: number }> }>((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => reject(new Error(`no ready line in 20 s; stderr: ${err}`)), 20_000);
        child.stdout.on('data', (d) => {
          out += d;
          const line = out.split('\n').find((l) => l.startsWith(READY_MARK));
          if (line) {
            clearTimeout(timer);
            resolve(JSON.parse(line.slice(READY_MARK.length + 1)));
          }
        });
        child.stderr.on('data', (d) => (err += d));
        child.once('exit', (c) => reject(new Error(`exited ${c}: ${err}`)));
      });
      const { host: h, port } = ready.listeners[0];
      expect(h).toBe(host);
      const res = await request(`http://${h}:${port}/`, { headers: { 'x-forwarded-for': '203.0.113.9, 198.51.100.7' } });
      await res.body.text();
      expect(res.statusCode).toBe(200);
      expect(res.headers['x-lab-version']).toBe('v2');
      expect(res.headers['x-lab-pod']).toBe('app-v2-abc');
      expect(res.headers['x-lab-app-client-ip']).toBe('198.51.100.7');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  });
});
