// This lab sends traffic only to loopback. An EKS endpoint is a real AWS address, so the eks provider refuses
// to hand it to a load driver unless the operator says this machine may reach it.
import { isLoopback } from '../../lib/cidr.ts';

export const ALLOW_REMOTE_ENV = 'EXPOSURE_LAB_ALLOW_REMOTE';

/** Literal loopback only: a name is not resolved here (resolving it would already be a network call). */
export function isLoopbackTarget(host: string): boolean {
  return isLoopback(host) || host === '::1' || host === '[::1]';
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
  constructor(readonly host: string) {
    super(
      `refusing to send traffic to ${host}: this lab sends traffic only to 127.0.0.0/8 unless ${ALLOW_REMOTE_ENV}=1 is set. ` +
        'Run eks benchmarks from a machine allowed to reach the endpoint (e.g. in the VPC), with that variable set.',
    );
    this.name = 'RemoteTargetRefused';
  }
}
