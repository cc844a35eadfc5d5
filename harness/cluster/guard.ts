// This lab sends traffic only to loopback. A cluster's API server and an EKS load balancer are real addresses
// elsewhere, so every cluster provider refuses them unless the operator says this machine may reach them.
import { isLoopback } from '../lib/cidr.ts';

export const ALLOW_REMOTE_ENV = 'EXPOSURE_LAB_ALLOW_REMOTE';

/** Literal loopback only: a name is not resolved here (resolving it would already be a network call). */
export function isLoopbackTarget(host: string): boolean {
  return isLoopback(host) || host === '::1' || host === '[::1]' || host === 'localhost';
}

export function remoteAllowed(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[ALLOW_REMOTE_ENV] === '1';
}

/** Throws unless the target is loopback or EXPOSURE_LAB_ALLOW_REMOTE=1 is set. */
export function assertTargetAllowed(host: string, env: NodeJS.ProcessEnv = process.env): void {
  if (isLoopbackTarget(host) || remoteAllowed(env)) return;
  throw new RemoteTargetRefused(host);
}

export class RemoteTargetRefused extends Error {
  constructor(readonly host: string, what = 'send traffic to') {
    super(
      `refusing to ${what} ${host}: this lab talks only to 127.0.0.0/8 unless ${ALLOW_REMOTE_ENV}=1 is set. ` +
        'Run cluster and eks benchmarks from a machine allowed to reach the cluster (e.g. in the VPC), with that variable set.',
    );
    this.name = 'RemoteTargetRefused';
  }
}

/** Host of an API server URL (https://host:port). */
export function serverHost(server: string): string {
  try {
    return new URL(server).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return server;
  }
}

/** The kubeconfig's API server must be on loopback (kind, the test control plane) unless remote is allowed. */
export function assertApiServerAllowed(server: string, context: string, env: NodeJS.ProcessEnv = process.env): void {
  const host = serverHost(server);
  if (isLoopbackTarget(host) || remoteAllowed(env)) return;
  throw new RemoteTargetRefused(host, `use the API server of kubeconfig context "${context}" at`);
}
