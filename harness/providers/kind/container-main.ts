// Entry of the lab image (infra/kind/Dockerfile). `echo`: the application pod, configured from its env (the
// Deployment harness/k8s/app.ts renders). `hop`: an LB emulator container, configured by HOP_SPEC (JSON).
// Prints one READY line with the bound listeners; stops on SIGTERM (docker stop / pod deletion).
import { HopRuntime } from '../../emulation/runtime.ts';
import { startEcho } from '../../emulation/echo.ts';
import { startL4, type Running } from '../../emulation/l4-hop.ts';
import { startL7 } from '../../emulation/l7-hop.ts';
import { LOCAL_NETWORKS } from '../../catalog/address-plan.ts';
import type { HopSpec } from '../../emulation/spec.ts';
import { ECHO_ENV, ECHO_PORT } from '../../k8s/app.ts';

export const READY_MARK = 'EXPOSURE_LAB_READY';

type ClientIpFrom = NonNullable<HopSpec['app']>['clientIpFrom'];
const CLIENT_IP_FROM: ClientIpFrom[] = ['gateway', 'socket', 'xff-leftmost', 'xff-rightmost', 'header'];

export function echoSpecFromEnv(env: NodeJS.ProcessEnv): HopSpec {
  const from = (env[ECHO_ENV.clientIpFrom] ?? 'socket') as ClientIpFrom;
  if (!CLIENT_IP_FROM.includes(from)) throw new Error(`${ECHO_ENV.clientIpFrom}=${from}: expected one of ${CLIENT_IP_FROM.join(', ')}`);
  const num = (k: string, d: number) => {
    const v = env[k] === undefined ? d : Number(env[k]);
    if (!Number.isFinite(v) || v < 0) throw new Error(`${k}=${env[k]}: expected a number >= 0`);
    return v;
  };
  return {
    role: 'echo',
    name: 'app',
    component: 'service',
    settings: {},
    // In a pod: all interfaces. ECHO_HOST lets tests bind a loopback address.
    listeners: [{ host: env[ECHO_ENV.host] ?? '0.0.0.0', port: num(ECHO_ENV.port, ECHO_PORT), az: 1, version: env[ECHO_ENV.version] ?? 'v1', pod: env[ECHO_ENV.pod] ?? 'echo' }],
    upstreams: [],
    latency: null,
    crossAzLatency: null,
    networks: LOCAL_NETWORKS,
    seed: 1,
    app: { clientIpFrom: from, clientIpHeader: env[ECHO_ENV.clientIpHeader], responseBytes: num(ECHO_ENV.responseBytes, 256), processingMs: num(ECHO_ENV.processingMs, 0) },
  };
}

async function main(): Promise<void> {
  const mode = process.argv[2];
  let spec: HopSpec;
  if (mode === 'echo') spec = echoSpecFromEnv(process.env);
  else if (mode === 'hop') spec = JSON.parse(process.env.HOP_SPEC ?? 'null') as HopSpec;
  else throw new Error(`usage: container-main.ts echo|hop (got ${mode ?? 'nothing'})`);
  if (!spec) throw new Error('HOP_SPEC is not set');
  const rt = new HopRuntime(spec);
  const running: Running = spec.role === 'echo' ? await startEcho(rt) : spec.role === 'l4' ? await startL4(rt) : await startL7(rt);
  process.stdout.write(`${READY_MARK} ${JSON.stringify({ name: spec.name, listeners: running.listeners })}\n`);
  const stop = () => {
    const t = setTimeout(() => process.exit(0), 2000);
    t.unref();
    void running.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  main().catch((e) => {
    process.stderr.write(`exposure-lab container: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
