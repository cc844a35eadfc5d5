// Applies and removes nat-table rule sets (providers/local/kernel-nat.ts writes them) in the namespace this
// process runs in: only ever called inside a lab namespace (current.ts), never in the host's.
import { execFile } from 'node:child_process';
import { iptablesRestoreBinary } from './capability.ts';
import { currentLabNamespace } from './current.ts';

export function iptablesRestore(text: string): Promise<void> {
  const ns = currentLabNamespace();
  if (!ns) return Promise.reject(new Error('refusing to change iptables outside a lab network namespace'));
  const bin = iptablesRestoreBinary();
  if (!bin) return Promise.reject(new Error('iptables is not installed'));
  return new Promise((resolve, reject) => {
    const c = execFile(bin, ['--noflush'], { timeout: 10_000 }, (err, _o, stderr) => (err ? reject(new Error(`iptables-restore in ${ns}: ${(stderr || err.message).trim()}`)) : resolve()));
    c.stdin?.end(text);
  });
}
