// Runs one command inside the caller's lab network namespace (called through runInLabNamespace), e.g. a test
// file, so the same checks run against the kernel-NAT realization that run on loopback.
import { spawn } from 'node:child_process';

export async function execCommand(o: { argv: string[]; log: (l: string) => void; signal?: AbortSignal }): Promise<{ code: number | null; tail: string }> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = o.argv;
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (d: Buffer) => (tail = (tail + d.toString()).slice(-8000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const onAbort = () => child.kill('SIGTERM');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('exit', (code) => {
      o.signal?.removeEventListener('abort', onAbort);
      resolve({ code, tail });
    });
  });
}
