// Whether this machine can realize L4 hops as kernel NAT inside a lab network namespace: Linux, root, the ip
// and iptables-restore commands, and a probe that really creates a namespace and installs a nat rule in it.
// Anything missing: the loopback processes realize every hop instead, said once, reported as what ran.
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { locateTool } from '../tools/registry.ts';
import { createNamespace, ip, ipBinary, newNamespaceName, removeNamespace } from './namespace.ts';

export type KernelEmulation = { ok: true; iptablesRestore: string } | { ok: false; reason: string; hint: string };

/** EXPOSURE_LAB_EMULATION=loopback forces the loopback processes; =netns refuses to fall back. */
export const EMULATION_ENV = 'EXPOSURE_LAB_EMULATION';
export type EmulationChoice = 'auto' | 'netns' | 'loopback';

export function emulationChoice(env: NodeJS.ProcessEnv = process.env): EmulationChoice {
  const v = (env[EMULATION_ENV] ?? 'auto').trim();
  if (v === 'auto' || v === 'netns' || v === 'loopback') return v;
  throw new Error(`${EMULATION_ENV}=${v}: use auto, netns or loopback`);
}

let cached: Promise<KernelEmulation> | null = null;

export function kernelEmulation(): Promise<KernelEmulation> {
  return (cached ??= probe());
}

/** iptables-restore next to the pinned iptables (infra/tools/tools.yaml). */
export function iptablesRestoreBinary(): string | null {
  const ipt = locateTool('iptables');
  if (!ipt) return null;
  const r = join(dirname(ipt), 'iptables-restore');
  return existsSync(r) ? r : null;
}

async function probe(): Promise<KernelEmulation> {
  const hint = 'run as root on Linux with iproute2 and iptables (make setup installs iptables); the loopback processes are used meanwhile';
  if (process.platform !== 'linux') return { ok: false, reason: `kernel NAT needs Linux (this is ${process.platform})`, hint };
  if (process.getuid?.() !== 0) return { ok: false, reason: 'not root: cannot create network namespaces', hint };
  if (!ipBinary()) return { ok: false, reason: 'the ip command (iproute2) is not installed', hint };
  const restore = iptablesRestoreBinary();
  if (!restore) return { ok: false, reason: 'iptables is not installed', hint };
  const name = newNamespaceName();
  try {
    await createNamespace(name);
    const rules = '*nat\n-A OUTPUT -d 127.20.255.1/32 -p tcp -m tcp --dport 9 -m statistic --mode random --probability 0.5 -j DNAT --to-destination 127.23.255.1:9\n-A POSTROUTING -d 127.23.255.1/32 -p tcp -j SNAT --to-source 127.22.255.1\nCOMMIT\n';
    await restoreIn(name, restore, rules);
    return { ok: true, iptablesRestore: restore };
  } catch (e) {
    return { ok: false, reason: `the kernel refused: ${(e as Error).message.split('\n')[0]}`, hint };
  } finally {
    await removeNamespace(name).catch(() => {});
  }
}

/** iptables-restore --noflush inside a namespace (from the host side: used by the probe only). */
function restoreIn(ns: string, restore: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const bin = ipBinary()!;
    const c = execFile(bin, ['netns', 'exec', ns, restore, '--noflush'], { timeout: 10_000 }, (err, _o, stderr) => (err ? reject(new Error((stderr || err.message).trim())) : resolve()));
    c.stdin?.end(text);
  });
}

export { ip };
