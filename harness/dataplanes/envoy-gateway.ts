// Envoy Gateway in its standalone mode ("Standalone Deployment Mode" in the Envoy Gateway docs) realizing an
// envoy-gateway hop: Envoy Gateway reads the hop's Gateway API + Envoy Gateway objects from files (file
// resource provider) and runs a real Envoy as a host process (host infrastructure provider, through func-e).
// The objects are the ones the cluster providers apply (k8s/envoy-gateway.ts), with the app reached through
// Envoy Gateway Backend endpoints on loopback, or the user's own files (gateway-config/), run unchanged apart
// from what connects them to the chain (k8s/user-gateway.ts says exactly what).
//
// What running it this way means, and how the lab handles it:
// - Envoy Gateway runs ONE Envoy per Gateway, binding 0.0.0.0:<listener port>: every replica address of the
//   hop reaches that one process (sharedPort), so N replicas are N listener addresses of one Envoy.
// - Envoy Gateway listens on fixed ports (18000 xDS, 18002, 19000 admin, 19001 metrics, 8081 health) and its
//   Envoy on 19003 (readiness): one run with Envoy Gateway at a time per network namespace. A taken port is a
//   clear error before anything starts.
// - func-e picks the Envoy binary from a data home: the lab's (tools/registry funcEDataHome) holds the pinned
//   Envoy, so nothing is downloaded. Envoy Gateway v1.9.1 cannot derive its default Envoy version in host mode
//   (its default image reference is digest-pinned and it reads the text after the last colon, the digest), so
//   func-e would look up "latest" on the internet; ENVOY_VERSION in Envoy Gateway's environment (func-e's own
//   version setting, read when no version is passed) names the pinned Envoy instead, leaving the objects alone.
// - Envoy Gateway is started with a parent-death signal (it dies with the lab, even on kill -9); func-e starts
//   Envoy with Pdeathsig SIGKILL (func-e internal/envoy/proc_attr_linux.go), so Envoy dies with Envoy Gateway.
import { chmodSync, cpSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { stringify } from 'yaml';
import type { DataPlane, DataPlaneHandle, Endpoint, GatewaySpec } from './types.ts';
import type { EnvoySettings } from '../catalog/components/envoy-gateway.ts';
import { GATEWAY_LISTENER, localEnvoyGatewayObjects } from '../k8s/envoy-gateway.ts';
import { userEnvoyGatewayObjects } from '../k8s/user-gateway.ts';
import { funcEDataHome, locateTool, toolFor, toolsRoot } from '../tools/registry.ts';
import { cached, descendantPids, isAlive, runForOutput, runLogged, startLogged, stopProcess, tail, type Started } from './process.ts';
import { gatewayOwnTime, type GatewayOwnTime } from './access-log.ts';
import { encodeProxyV2 } from '../emulation/proxy-header.ts';
import { envoyGatewayVerdict } from './egctl.ts';
import { formatDiagnostic } from '../lib/diagnostics.ts';

const NAME = 'envoy-gateway' as const;

/** Ports Envoy Gateway v1.9.1 standalone and its Envoy listen on, whatever the configuration says. */
export const ENVOY_GATEWAY_FIXED_PORTS: Array<{ port: number; what: string }> = [
  { port: 18000, what: 'Envoy Gateway xDS server' },
  { port: 18002, what: 'Envoy Gateway wasm cache' },
  { port: 19000, what: 'Envoy Gateway admin' },
  { port: 19001, what: 'Envoy Gateway metrics' },
  { port: 8081, what: 'Envoy Gateway health probe' },
  { port: 19003, what: 'Envoy readiness listener' },
];

const INSTALL = 'run `make setup` (it builds Envoy Gateway v1.9.1 from its Go module and installs the pinned Envoy; `exposure-lab doctor` shows them)';

export const envoyGatewayVersion = cached(async () => {
  const bin = locateTool('envoy-gateway');
  if (!bin) return null;
  const out = await runForOutput(bin, ['version'], 15_000);
  const m = out && /ENVOY_GATEWAY_VERSION:\s*v?(\d+\.\d+\.\d+)/.exec(out);
  return m ? m[1] : null;
});

export const envoyVersion = cached(async () => {
  const bin = locateTool('envoy');
  if (!bin) return null;
  const out = await runForOutput(bin, ['--version'], 15_000);
  const m = out && /version:\s*\S*?\/(\d+\.\d+\.\d+)/.exec(out);
  return m ? m[1] : null;
});

/** "Envoy Gateway v1.9.1 (standalone) + Envoy v1.39.1": what the report and result.json say realized the hop. */
export function envoyGatewayRealizedBy(eg: string, envoy: string): string {
  return `Envoy Gateway v${eg} (standalone) + Envoy v${envoy}`;
}

/** One run with Envoy Gateway at a time in this process (its ports are fixed); starts queue behind each other. */
let tail$: Promise<void> = Promise.resolve();
function exclusive(): Promise<() => void> {
  let release!: () => void;
  const mine = new Promise<void>((r) => (release = r));
  const before = tail$;
  tail$ = before.then(() => mine);
  return before.then(() => release);
}

/** Whether port is free on the wildcard address (what Envoy Gateway and its Envoy bind). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host: '0.0.0.0', exclusive: true }, () => s.close(() => resolve(true)));
  });
}

export async function busyPorts(listenerPort: number): Promise<Array<{ port: number; what: string }>> {
  const all = [...ENVOY_GATEWAY_FIXED_PORTS, { port: listenerPort, what: 'the Gateway listener (Envoy binds 0.0.0.0)' }];
  const out: Array<{ port: number; what: string }> = [];
  for (const p of all) if (!(await portFree(p.port))) out.push(p);
  return out;
}

/** The objects fed to Envoy Gateway for this hop (pure), and what the report says about them. */
export function envoyGatewayResources(spec: GatewaySpec, accessLogPath: string): { objects: Array<Record<string, unknown>>; notes: string[]; port: number; hostHeader?: string; probePath: string; defaultEnvoyProxy?: Record<string, unknown> } {
  const upstreams = spec.upstreams.map((u) => ({ host: u.host, port: u.port }));
  if (spec.userConfig) {
    const r = userEnvoyGatewayObjects({ config: spec.userConfig, endpoints: upstreams, accessLogPath });
    return { objects: r.objects, notes: [`your gateway files (${spec.userConfig.files.length}) run unchanged, plus what connects them to the chain:`, ...r.added.map((a) => `added by the lab: ${a}`)], port: r.port, hostHeader: r.hostHeader, probePath: r.probePath, defaultEnvoyProxy: r.defaultEnvoyProxy };
  }
  const run = spec.run ?? { id: 'local', scenario: 'scenario', hop: 'gateway', service: 'app' };
  const r = localEnvoyGatewayObjects({
    runId: run.id,
    scenario: run.scenario,
    hopName: run.hop,
    serviceName: run.service ?? 'app',
    settings: spec.settings as EnvoySettings,
    endpoints: upstreams,
    networks: spec.networks,
    accessLogPath,
  });
  return { objects: r.objects, notes: r.notes, port: GATEWAY_LISTENER.port, probePath: '/' };
}

/** Envoy Gateway's own configuration for standalone mode (EnvoyGateway kind), all paths in the run's work dir. */
export function envoyGatewayConfig(o: { resourcesDir: string; configHome: string; dataHome: string; stateHome: string; runtimeDir: string; defaultEnvoyProxy?: Record<string, unknown> }): Record<string, unknown> {
  return {
    apiVersion: 'gateway.envoyproxy.io/v1alpha1',
    kind: 'EnvoyGateway',
    gateway: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
    provider: {
      type: 'Custom',
      custom: {
        resource: { type: 'File', file: { paths: [o.resourcesDir] } },
        infrastructure: { type: 'Host', host: { configHome: o.configHome, dataHome: o.dataHome, stateHome: o.stateHome, runtimeDir: o.runtimeDir } },
      },
    },
    logging: { level: { default: 'info' } },
    // Backend (endpoints by address) is an extension API Envoy Gateway turns on only when asked.
    extensionApis: { enableBackend: true },
    // The EnvoyProxy every Gateway gets unless its class or itself names one (a user's files without one).
    ...(o.defaultEnvoyProxy ? { envoyProxy: o.defaultEnvoyProxy } : {}),
  };
}

export function renderEnvoyGatewayResources(spec: GatewaySpec, accessLogPath = path.join(spec.workDir, 'envoy-access.log')): string {
  return envoyGatewayResources(spec, accessLogPath).objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** Envoy Gateway's log lines at error level (its own words, for failure messages), de-duplicated. */
export function envoyGatewayErrors(log: string, max = 5): string[] {
  const out: string[] = [];
  for (const line of log.split('\n')) {
    // zap console encoding: "<time>\t<level>\t<logger>\t<caller>\t<message>\t{json}"
    const f = line.split('\t');
    if (f[1] !== 'error' && f[1] !== 'fatal' && f[1] !== 'panic' && !/^Error: /.test(line)) continue;
    const msg = f.length >= 5 ? `${f[4]}${f[5] ? ` ${f[5]}` : ''}` : line;
    if (!out.includes(msg)) out.push(msg.slice(0, 600));
    if (out.length >= max) break;
  }
  return out;
}

interface ProbeResult {
  status: number;
  fromUpstream: boolean;
  error?: string;
}

/** One HTTP/1.1 request straight to Envoy, from `source` (never 127.0.0.1: Envoy treats exactly that peer as local). */
function probeOnce(o: { listen: Endpoint; source: string; proxy: boolean; host: string; path: string; timeoutMs: number }): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: o.listen.host, port: o.listen.port, localAddress: o.source });
    let buf = '';
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ status: 0, fromUpstream: false, error: 'timeout' }), o.timeoutMs);
    sock.once('error', (e) => done({ status: 0, fromUpstream: false, error: (e as Error).message }));
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.slice(0, end);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      // An answer from the service, not one Envoy made up (no route, no healthy upstream): the lab's echo marks
      // every answer with its pod, and Envoy's router adds x-envoy-upstream-service-time to upstream answers.
      done({ status: m ? Number(m[1]) : 0, fromUpstream: /\r\n(x-lab-pod|x-envoy-upstream-service-time):/i.test(head) });
    });
    sock.on('end', () => done({ status: 0, fromUpstream: false, error: 'connection closed' }));
    sock.once('connect', () => {
      const req = Buffer.from(`GET ${o.path} HTTP/1.1\r\nHost: ${o.host}\r\nx-lab-probe: ready\r\nConnection: close\r\n\r\n`, 'latin1');
      sock.write(o.proxy ? Buffer.concat([encodeProxyV2({ source: o.source, sourcePort: 40000, destination: o.listen.host, destinationPort: o.listen.port }), req]) : req);
    });
  });
}

export const envoyGatewayDataPlane: DataPlane = {
  name: NAME,
  realizes: 'envoy-gateway',
  otherwise: 'Envoy Gateway realizes envoy-gateway hops; ingress-nginx hops are realized by nginx',
  async version() {
    const [eg, envoy] = await Promise.all([envoyGatewayVersion(), envoyVersion()]);
    return eg && envoy ? `${eg} + Envoy ${envoy}` : null;
  },
  supports(spec) {
    if (spec.product !== 'envoy-gateway') return { ok: false, reason: this.otherwise };
    const s = spec.settings as EnvoySettings;
    if (!spec.userConfig && !s.useRemoteAddress) {
      return { ok: false, reason: 'useRemoteAddress: false has no Envoy Gateway setting (Envoy Gateway listeners always use the remote address); the built-in emulation models raw Envoy with it off' };
    }
    return { ok: true };
  },
  renderConfig: (spec) => renderEnvoyGatewayResources(spec),
  sharedPort(spec) {
    if (spec.userConfig?.listener) return spec.userConfig.listener.port;
    return GATEWAY_LISTENER.port;
  },
  async start(spec): Promise<DataPlaneHandle> {
    const sup = this.supports(spec);
    if (!sup.ok) throw new Error(sup.reason);
    const egBin = locateTool('envoy-gateway');
    const [eg, envoy] = await Promise.all([envoyGatewayVersion(), envoyVersion()]);
    const dataHome = funcEDataHome();
    const pinnedEnvoy = toolFor('envoy')?.entry.version;
    if (!egBin || !eg) throw new Error(`Envoy Gateway is not installed: ${INSTALL}`);
    if (!envoy || !dataHome || !pinnedEnvoy) throw new Error(`Envoy (which Envoy Gateway runs) is not installed: ${INSTALL}`);
    const realizedBy = envoyGatewayRealizedBy(eg, envoy);
    // The user's own files: Envoy Gateway's verdict first (offline, statuses located in the files), so bad files
    // never start a control plane, and the report can show Accepted / Programmed / ResolvedRefs.
    const verdict = spec.userConfig ? await envoyGatewayVerdict(spec.userConfig) : null;
    const refusals = verdict?.diagnostics.filter((d) => d.severity === 'error') ?? [];
    if (refusals.length) {
      throw new Error(`Envoy Gateway does not accept your gateway files (egctl x translate, Envoy Gateway v${eg}):\n${refusals.map(formatDiagnostic).join('\n')}`);
    }
    const release = await exclusive();
    let started: Started | null = null;
    try {
      const t0 = performance.now();
      const dir = path.join(spec.workDir, 'envoy-gateway');
      const d = { resourcesDir: path.join(dir, 'resources'), configHome: path.join(dir, 'config'), dataHome, stateHome: path.join(dir, 'state'), runtimeDir: path.join(dir, 'run') };
      for (const p of [d.resourcesDir, d.configHome, d.stateHome, d.runtimeDir]) mkdirSync(p, { recursive: true });
      const accessLog = path.join(dir, 'envoy-access.log');
      const res = envoyGatewayResources(spec, accessLog);
      const listen = spec.listen.map((l) => ({ host: l.host, port: res.port }));

      if (res.port < 1024 && process.getuid?.() !== 0) {
        throw new Error(`the Gateway listener's port ${res.port} is privileged: Envoy Gateway's host infrastructure makes Envoy bind it as written (on 0.0.0.0), which needs root. Run as root, or give the listener a port of 1024 or more in a copy of your files`);
      }
      const busy = await busyPorts(res.port);
      if (busy.length) {
        throw new Error(
          `port${busy.length > 1 ? 's' : ''} ${busy.map((b) => `${b.port} (${b.what})`).join(', ')} already in use: another run with Envoy Gateway is active? ` +
            'Envoy Gateway standalone listens on fixed ports and its Envoy binds the Gateway listener on 0.0.0.0, so one such run works at a time on this machine (per network namespace); wait for the other run, or stop what holds the port',
        );
      }
      const log = path.join(dir, 'envoy-gateway.log');
      // Certificates for Envoy Gateway's xDS server and Envoy's client side (the server refuses to start
      // without): generated once per Envoy Gateway version with its own certgen, copied into each run.
      await localCertificates(egBin, eg, d.configHome, log, dir);
      writeFileSync(path.join(d.resourcesDir, 'gateway.yaml'), res.objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
      const configFile = path.join(dir, 'envoy-gateway.yaml');
      writeFileSync(configFile, stringify(envoyGatewayConfig({ ...d, defaultEnvoyProxy: res.defaultEnvoyProxy })));

      started = startLogged(egBin, ['server', '--config-path', configFile], log, dir, { env: { ENVOY_VERSION: pinnedEnvoy }, dieWithLab: true });
      const eg$ = started;
      const deadline = Date.now() + (spec.startTimeoutMs ?? 30_000);
      const s = spec.settings as EnvoySettings;
      let exitCode: number | null | undefined;
      void eg$.exited.then((c) => (exitCode = c));
      const pending = new Set(listen.map((_, i) => i));
      let last: ProbeResult | null = null;
      for (let attempt = 0; pending.size && attempt < 2000; attempt++) {
        if (exitCode !== undefined) break;
        if (Date.now() > deadline) break;
        for (const i of [...pending]) {
          last = await probeOnce({ listen: listen[i], source: listen[i].host, proxy: s.proxyProtocol, host: res.hostHeader ?? 'gateway.lab', path: res.probePath, timeoutMs: 1000 });
          if (last.fromUpstream) pending.delete(i);
        }
        if (pending.size) await new Promise((r) => setTimeout(r, Math.min(50 + attempt * 10, 200)));
      }
      if (pending.size) {
        const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
        const errors = envoyGatewayErrors(text);
        const envoyErr = envoyStderrTail(d.stateHome);
        const why = exitCode !== undefined
          ? `Envoy Gateway exited (code ${exitCode}) before the gateway answered`
          : `the gateway did not answer through Envoy within ${spec.startTimeoutMs ?? 30_000} ms (last probe: ${last ? (last.status ? `HTTP ${last.status}` : last.error) : 'none'})`;
        throw new Error(
          `${why}.${errors.length ? `\nEnvoy Gateway says:\n  ${errors.join('\n  ')}` : ''}\nlast lines of its log (${log}):\n${tail(log, 15)}${envoyErr ? `\nEnvoy's stderr:\n${envoyErr}` : ''}`,
        );
      }
      const readyMs = performance.now() - t0;
      const egPid = eg$.child.pid!;
      const envoyPids = descendantPids(egPid);
      const all = [egPid, ...envoyPids];
      let own: string | null = null;
      let stopping: Promise<void> | undefined;
      const stop = () =>
        (stopping ??= (async () => {
          try {
            // Envoy buffers its access log; reopen_logs on its admin interface flushes it before the stop.
            await flushAccessLog(d.runtimeDir);
            await stopProcess(eg$, 8000);
            // Envoy Gateway stops its Envoy on SIGTERM, and func-e's Pdeathsig kills it if Envoy Gateway died
            // first; SIGKILL whatever is somehow left, so no process outlives the run.
            for (const pid of envoyPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
            own = existsSync(accessLog) ? readFileSync(accessLog, 'utf8') : null;
          } finally {
            release();
          }
        })());
      const replicas = spec.listen.length;
      return {
        realizedBy,
        pids: all,
        stop,
        readyMs,
        hostHeader: res.hostHeader,
        notes: [
          ...res.notes,
          ...(verdict ? verdict.statuses.map((st) => `Envoy Gateway status: ${st.field}: ${st.condition.type}=${st.condition.status} (${st.condition.message})`) : []),
          ...(verdict ? verdict.diagnostics.filter((d) => d.severity === 'warning').map((d) => `Envoy Gateway warning: ${d.field}: ${d.message}`) : []),
          `${replicas} replica(s) modeled as listener addresses of one Envoy process (Envoy Gateway's host infrastructure runs one Envoy per Gateway, bound to 0.0.0.0:${res.port})`,
          `Envoy Gateway + Envoy ready in ${(readyMs / 1000).toFixed(1)} s (certificates, control plane, xDS, first request through Envoy)`,
          ...(eg$.pdeathsig ? [] : ['setpriv not found: Envoy Gateway would outlive a kill -9 of the lab']),
        ],
        ownTime: (window?: { fromMs: number; toMs: number }): GatewayOwnTime | null => (own === null ? null : gatewayOwnTime(own, window)),
      };
    } catch (e) {
      if (started) await stopProcess(started, 8000);
      release();
      throw e;
    }
  },
};

/** Envoy's stderr as func-e keeps it (stateHome/envoy-runs/<run>/stderr.log), last lines. */
function envoyStderrTail(stateHome: string): string | null {
  const runs = path.join(stateHome, 'envoy-runs');
  if (!existsSync(runs)) return null;
  const latest = readdirSync(runs).sort().at(-1);
  return latest ? tail(path.join(runs, latest, 'stderr.log'), 10) : null;
}

/** POST /reopen_logs to Envoy's admin address (func-e writes it to runtimeDir/<run>/admin-address.txt). */
async function flushAccessLog(runtimeDir: string): Promise<void> {
  try {
    for (const run of readdirSync(runtimeDir)) {
      const f = path.join(runtimeDir, run, 'admin-address.txt');
      if (!existsSync(f)) continue;
      const addr = readFileSync(f, 'utf8').trim();
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 2000);
      await fetch(`http://${addr}/reopen_logs`, { method: 'POST', signal: ac.signal }).catch(() => undefined);
      clearTimeout(t);
    }
  } catch {
    /* best effort: a missing flush only shortens the access log */
  }
}

/**
 * `envoy-gateway certgen --local` output (the xDS mTLS pair between Envoy Gateway and its Envoy, loopback only),
 * made once per Envoy Gateway version beside the tools (renamed into place whole) and copied into a run's
 * config home: certgen costs half a second of CPU on every start otherwise.
 */
async function localCertificates(egBin: string, version: string, configHome: string, log: string, cwd: string): Promise<void> {
  const cache = path.join(toolsRoot(), `envoy-gateway-certs-${version}`);
  if (!existsSync(path.join(cache, 'certs', 'envoy-gateway', 'tls.crt'))) {
    const tmp = `${cache}.${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    const cert = await runLogged(egBin, ['certgen', '--local', '--config-home', tmp], log, cwd, { timeoutMs: 60_000 });
    if (cert.code !== 0) throw new Error(`envoy-gateway certgen failed (exit ${cert.code}${cert.timedOut ? ', timed out' : ''}):\n${tail(log)}`);
    try {
      chmodSync(tmp, 0o700); // private keys: the owner only
      renameSync(tmp, cache);
    } catch {
      // Another run made it meanwhile: use that one.
      rmSync(tmp, { recursive: true, force: true });
    }
  }
  cpSync(path.join(cache, 'certs'), path.join(configHome, 'certs'), { recursive: true });
}
