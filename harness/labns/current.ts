// Which lab network namespace this process runs in (the supervisor names it in the environment of the run's
// child), or null in the host's own namespace. Only inside one does the lab program kernel NAT.
import { readlinkSync, statSync } from 'node:fs';

export const NAMESPACE_ENV = 'EXPOSURE_LAB_NETNS';

export function currentLabNamespace(env: NodeJS.ProcessEnv = process.env): string | null {
  const name = env[NAMESPACE_ENV];
  if (!name) return null;
  // Trust the name only when this process's network namespace is that one (a stray variable must never
  // make the lab touch the host's iptables).
  try {
    const mine = readlinkSync('/proc/self/ns/net');
    const theirs = statSync(`/run/netns/${name}`).ino;
    return mine === `net:[${theirs}]` ? name : null;
  } catch {
    return null;
  }
}
