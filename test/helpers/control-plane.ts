// A real Kubernetes control plane on loopback for the cluster-provider tests: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler of the pinned release, kwok nodes labelled like the kind config
// (zones, ingress-ready) with loopback node addresses, the pinned CRDs (Gateway API experimental, Envoy Gateway,
// AWS Load Balancer Controller), and the real Envoy Gateway controller in Kubernetes provider mode.
//
// Envoy Gateway runs out of cluster against this API server, as a process, with what a Helm install gives it:
// its namespace, the certificates `envoy-gateway certgen` writes as Secrets, and the Deployment object the
// chart creates (its pod is a kwok pod: the controller itself is the process). Its Kubernetes mode reads its
// certificates from the fixed path /certs and listens on fixed ports (8081 health, 18000 xDS, 19001 metrics),
// so it gets a private mount, network and PID namespace (util-linux unshare): a tmpfs root holding /certs and
// its config, its own loopback (no port clash with anything else on the machine), and a relay that carries
// its API connections over a Unix socket to the real API server. Every process is started with a parent-death
// signal (setpriv --pdeathsig), so even a kill -9 of the test process leaves nothing running.
//
// Pods never run here (kwok marks them Ready): traffic through a pod belongs to a real kind or EKS run.
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { freePort } from '../../harness/lib/free-port.ts';

export interface FixtureNode {
  name: string;
  labels: Record<string, string>;
  /** InternalIP the node reports (a loopback address, so everything the lab targets stays on 127/8). */
  address: string;
}

export interface ControlPlaneOptions {
  /** Tool paths from describeWithTools. */
  bins: Record<string, string>;
  nodes: FixtureNode[];
  /** Start the real Envoy Gateway controller (needs the envoy-gateway tool). */
  envoyGateway?: boolean;
  /** Envoy Gateway release the binary is (recorded on its Deployment as a Helm install would). */
  envoyGatewayVersion?: string;
  /**
   * An ingress-nginx install manifest to apply (the kind one), without its admission webhook configuration:
   * the API server could only call that webhook through a real pod.
   */
  ingressNginxManifest?: string;
}

export interface ControlPlane {
  server: string;
  kubeconfig: string;
  kubeconfigYaml: string;
  kubernetesVersion: string;
  /** Wall time of each start-up phase, ms. */
  startupMs: Record<string, number>;
  /** An authenticated request to the API server (admin). */
  api(p: string, init?: { method?: string; body?: unknown; contentType?: string }): Promise<{ status: number; json: any; text: string }>;
  /** Last lines of a component's log. */
  log(name: string, lines?: number): string;
  /** Whether the Envoy Gateway process is still running. */
  envoyGatewayRunning(): boolean;
  stop(): Promise<void>;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TOKEN = 'exposure-lab-fixture-admin';
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

interface Proc {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
}

function tailFile(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

const hasSetpriv = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;

/** A process that dies with the test process (parent-death signal), output appended to its log file. */
function startProc(work: string, name: string, bin: string, args: string[], env?: NodeJS.ProcessEnv): Proc {
  const logFile = path.join(work, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const [file, argv] = hasSetpriv ? ['setpriv', ['--pdeathsig', 'SIGKILL', '--', bin, ...args]] : [bin, args];
  let child: ChildProcess;
  try {
    child = spawn(file, argv, { cwd: work, stdio: ['ignore', fd, fd], env: env ?? process.env });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  return { name, child, exited, logFile };
}

async function stopProc(p: Proc, graceMs = 5000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const timedOut = await Promise.race([p.exited.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), graceMs).unref())]);
  if (timedOut) {
    p.child.kill('SIGKILL');
    await Promise.race([p.exited, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}

/** Polls until ready() is true; fails early with the log tail when the process exits. */
async function waitReady(p: Proc, what: string, ready: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let code: number | null | undefined;
  void p.exited.then((c) => (code = c));
  for (let i = 0; i < 2000 && Date.now() < until; i++) {
    if (code !== undefined) throw new Error(`${what} exited (${code}) before it was ready:\n${tailFile(p.logFile)}`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} not ready within ${deadlineMs} ms:\n${tailFile(p.logFile)}`);
}

/** Whether this machine lets the fixture give Envoy Gateway private namespaces (root, or user namespaces). */
export function namespacesAvailable(): { ok: boolean; why: string } {
  const args = process.getuid?.() === 0 ? ['--mount', '--net', 'true'] : ['--map-root-user', '--mount', '--net', 'true'];
  const r = spawnSync('unshare', args, { encoding: 'utf8' });
  if (r.status === 0) return { ok: true, why: '' };
  return {
    ok: false,
    why: `unshare ${args.join(' ')} failed (${(r.stderr || r.error?.message || '').trim()}): Envoy Gateway's Kubernetes mode reads /certs and binds fixed ports, so the fixture runs it in private namespaces; run as root or allow unprivileged user namespaces (Ubuntu 24.04: sysctl kernel.apparmor_restrict_unprivileged_userns=0)`,
  };
}

export async function startControlPlane(o: ControlPlaneOptions): Promise<ControlPlane> {
  const { bins } = o;
  const work = mkdtempSync(path.join(tmpdir(), 'lab-control-plane-'));
  const procs: Proc[] = [];
  const startupMs: Record<string, number> = {};
  let relayServer: net.Server | null = null;
  let egProc: Proc | null = null;
  const t0 = Date.now();
  let tPhase = t0;
  const phase = (name: string) => {
    const now = Date.now();
    startupMs[name] = now - tPhase;
    tPhase = now;
  };

  const stop = async () => {
    if (egProc) {
      // unshare --kill-child: SIGKILL to unshare takes the whole namespace (Envoy Gateway and the relay) with it.
      egProc.child.kill('SIGKILL');
      await Promise.race([egProc.exited, new Promise((r) => setTimeout(r, 5000).unref())]);
    }
    relayServer?.close();
    for (const p of [...procs].reverse()) if (p !== egProc) await stopProc(p);
    rmSync(work, { recursive: true, force: true });
  };

  try {
    // etcd
    const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
    const etcd = startProc(work, 'etcd', bins.etcd, [
      '--name', 'lab', '--data-dir', path.join(work, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `lab=http://127.0.0.1:${peer}`, '--listen-metrics-urls', '', '--unsafe-no-fsync',
    ]);
    procs.push(etcd);
    await waitReady(etcd, 'etcd', async () => (await (await fetch(`http://127.0.0.1:${client}/health`)).text()).includes('"health":"true"'), 60_000);
    phase('etcd');

    // kube-apiserver: token auth (one admin token), RBAC, service-account signing keys.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(path.join(work, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(work, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(path.join(work, 'tokens.csv'), `${TOKEN},lab-admin,lab-admin,system:masters\n`);
    const server = `https://127.0.0.1:${secure}`;
    const api: ControlPlane['api'] = async (p, init = {}) => {
      const r = await fetch(`${server}${p}`, {
        method: init.method ?? 'GET',
        dispatcher: insecure,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': init.contentType ?? 'application/json' },
        body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      });
      const text = await r.text();
      let json: any = null;
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
      return { status: r.status, json, text };
    };
    const apiserver = startProc(work, 'kube-apiserver', bins['kube-apiserver'], [
      '--etcd-servers', `http://127.0.0.1:${client}`, '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1',
      '--secure-port', String(secure), '--cert-dir', path.join(work, 'apiserver-certs'),
      '--token-auth-file', path.join(work, 'tokens.csv'), '--authorization-mode', 'RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', path.join(work, 'sa.pub'),
      '--service-account-signing-key-file', path.join(work, 'sa.key'), '--service-cluster-ip-range', '10.96.0.0/16',
    ]);
    procs.push(apiserver);
    await waitReady(apiserver, 'kube-apiserver', async () => (await api('/readyz')).text === 'ok', 120_000);
    const kubernetesVersion = (await api('/version')).json.gitVersion as string;
    phase('kube-apiserver');

    const kubeconfigYaml = (srv: string) =>
      [
        'apiVersion: v1', 'kind: Config', 'current-context: lab-fixture',
        `clusters: [{ name: lab-fixture, cluster: { server: "${srv}", insecure-skip-tls-verify: true } }]`,
        `users: [{ name: lab-admin, user: { token: ${TOKEN} } }]`,
        'contexts: [{ name: lab-fixture, context: { cluster: lab-fixture, user: lab-admin } }]', '',
      ].join('\n');
    const kubeconfig = path.join(work, 'kubeconfig');
    writeFileSync(kubeconfig, kubeconfigYaml(server));

    // kube-controller-manager (Deployments, ReplicaSets, namespaces, garbage collection, endpoint slices) and
    // kube-scheduler; the service-account token controller needs a root CA the fixture does not make.
    for (const [name, extra] of [
      ['kube-controller-manager', ['--controllers=*,-serviceaccount-token', '--use-service-account-credentials=false']],
      ['kube-scheduler', []],
    ] as const) {
      const port = await freePort();
      procs.push(
        startProc(work, name, bins[name], ['--kubeconfig', kubeconfig, '--authentication-kubeconfig', kubeconfig, '--authorization-kubeconfig', kubeconfig, '--bind-address', '127.0.0.1', '--secure-port', String(port), '--leader-elect=false', ...extra]),
      );
    }

    // kwok: the nodes of this fixture only (label selector), with its own default stages.
    const stages = ['node', 'pod'].flatMap((d) => readdirSync(path.join(bins['kwok-stages'], d)).map((f) => path.join(bins['kwok-stages'], d, f)));
    procs.push(
      startProc(work, 'kwok', bins.kwok, ['--kubeconfig', kubeconfig, ...stages.flatMap((f) => ['--config', f]), '--manage-all-nodes=false', '--manage-nodes-with-label-selector=exposure-lab.dev/kwok=true', '--server-address=127.0.0.1:0',
        // Its heartbeat stage renews node status only every 10 minutes and counts on node leases (as kwokctl sets
        // up): without them the node lifecycle controller finds every node unreachable after 50 s and marks
        // every pod NotReady.
        '--node-lease-duration-seconds=40']),
    );

    // The pinned CRDs, straight from the modules' own trees, as `kubectl apply` would create them.
    const dirs = [path.join(bins['gateway-api-crds'], 'experimental'), path.join(bins['envoy-gateway-crds'], 'generated'), path.join(bins['aws-load-balancer-controller-crds'], 'bases')];
    const crds: Array<{ metadata: { name: string } }> = [];
    const others: any[] = [];
    for (const d of dirs)
      for (const f of readdirSync(d).filter((x) => x.endsWith('.yaml')))
        for (const doc of parseAllDocuments(readFileSync(path.join(d, f), 'utf8'))) {
          const obj = doc.toJS();
          if (obj?.kind === 'CustomResourceDefinition') crds.push(obj);
          else if (obj?.kind) others.push(obj); // Gateway API's ValidatingAdmissionPolicy (safe upgrades)
        }
    const tc = Date.now();
    await Promise.all(
      crds.map(async (c) => {
        const r = await api('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: c });
        if (r.status !== 201) throw new Error(`CRD ${c.metadata.name}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
      }),
    );
    startupMs['crds posted'] = Date.now() - tc;
    for (const x of others) {
      const [group, version] = (x.apiVersion as string).includes('/') ? (x.apiVersion as string).split('/') : ['', x.apiVersion];
      const plural = `${(x.kind as string).toLowerCase().replace(/y$/, 'ie')}s`;
      const r = await api(`/apis/${group}/${version}/${plural}`, { method: 'POST', body: x });
      if (r.status !== 201) throw new Error(`${x.kind} ${x.metadata?.name}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    }
    for (const c of crds) {
      let ok = false;
      for (let i = 0; i < 300 && !ok; i++) {
        const r = await api(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${c.metadata.name}`);
        ok = !!r.json?.status?.conditions?.some((x: { type: string; status: string }) => x.type === 'Established' && x.status === 'True');
        if (!ok) await new Promise((res) => setTimeout(res, 100));
      }
      if (!ok) throw new Error(`CRD ${c.metadata.name} not Established`);
    }
    phase('crds');

    // kwok nodes, labelled like the kind config's workers, reporting loopback InternalIPs.
    for (const n of o.nodes) {
      const r = await api('/api/v1/nodes', {
        method: 'POST',
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: n.name, labels: { ...n.labels, 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'exposure-lab.dev/kwok': 'true', type: 'kwok' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } },
          status: { addresses: [{ type: 'InternalIP', address: n.address }, { type: 'Hostname', address: n.name }] },
        },
      });
      if (r.status !== 201) throw new Error(`node ${n.name}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
    }
    const nodesReady = async () => {
      const r = await api('/api/v1/nodes?labelSelector=exposure-lab.dev/kwok%3Dtrue');
      return r.json.items.length === o.nodes.length && r.json.items.every((n: any) => n.status?.conditions?.some((c: any) => c.type === 'Ready' && c.status === 'True'));
    };
    await waitReady(procs.find((p) => p.name === 'kwok')!, 'kwok nodes', nodesReady, 60_000);
    // The namespace controller and the service-account controller must be up before the lab applies anything.
    await waitReady(procs.find((p) => p.name === 'kube-controller-manager')!, 'kube-controller-manager', async () => (await api('/api/v1/namespaces/default/serviceaccounts/default')).status === 200, 90_000);
    phase('controllers and nodes');

    if (o.ingressNginxManifest) {
      const { kubeConfigFrom, applyObjects } = await import('../../harness/cluster/kube.ts');
      const kc = await kubeConfigFrom({ yaml: kubeconfigYaml(server) });
      const objs = parseAllDocuments(readFileSync(o.ingressNginxManifest, 'utf8'))
        .map((d) => d.toJS())
        .filter((x) => x?.kind && x.kind !== 'ValidatingWebhookConfiguration');
      await applyObjects(kc, objs, () => {});
      phase('ingress-nginx');
    }
    if (o.envoyGateway) {
      egProc = await startEnvoyGateway({ work, bins, api, kubeconfigYaml, serverPort: secure, version: o.envoyGatewayVersion ?? 'v1.9.1', setRelay: (s) => (relayServer = s) });
      procs.push(egProc);
      phase('envoy gateway');
    }
    startupMs.total = Date.now() - t0;

    return {
      server,
      kubeconfig,
      kubeconfigYaml: kubeconfigYaml(server),
      kubernetesVersion,
      startupMs,
      api,
      log: (name, lines) => tailFile(path.join(work, `${name}.log`), lines),
      envoyGatewayRunning: () => !!egProc && egProc.child.exitCode === null && egProc.child.signalCode === null,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Namespace, certificates, the Helm chart's Deployment object, then the controller in its own namespaces. */
async function startEnvoyGateway(o: {
  work: string;
  bins: Record<string, string>;
  api: ControlPlane['api'];
  kubeconfigYaml: (server: string) => string;
  serverPort: number;
  version: string;
  setRelay: (s: net.Server) => void;
}): Promise<Proc> {
  const ns = 'envoy-gateway-system';
  const { api, work } = o;
  const r = await api('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  if (r.status !== 201) throw new Error(`namespace ${ns}: HTTP ${r.status}`);
  // Control-plane certificates as Secrets, the way the chart's certgen Job makes them.
  writeFileSync(path.join(work, 'kubeconfig-host'), o.kubeconfigYaml(`https://127.0.0.1:${o.serverPort}`));
  execFileSync(o.bins['envoy-gateway'], ['certgen', '--disable-topology-injector'], { env: { ...process.env, KUBECONFIG: path.join(work, 'kubeconfig-host') }, stdio: 'pipe', timeout: 60_000 });
  const secret = (await api(`/api/v1/namespaces/${ns}/secrets/envoy-gateway`)).json;
  const certs = path.join(work, 'eg-certs');
  mkdirSync(certs);
  for (const f of ['ca.crt', 'tls.crt', 'tls.key']) writeFileSync(path.join(certs, f), Buffer.from(secret.data[f], 'base64'));

  // The Deployment a Helm install creates (labels, image), so the lab discovers the controller and its version
  // the way it does on a real cluster. Its pod is a kwok pod; the controller is the process started below.
  const dep = await api(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    method: 'POST',
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'envoy-gateway',
        namespace: ns,
        labels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'eg', 'app.kubernetes.io/version': o.version },
        annotations: { 'exposure-lab.dev/fixture': 'records the Envoy Gateway controller that the test fixture runs out of cluster' },
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'eg' } },
        template: {
          metadata: { labels: { 'control-plane': 'envoy-gateway', 'app.kubernetes.io/name': 'gateway-helm', 'app.kubernetes.io/instance': 'eg' } },
          spec: { containers: [{ name: 'envoy-gateway', image: `docker.io/envoyproxy/gateway:${o.version}`, args: ['server', '--config-path=/config/envoy-gateway.yaml'] }] },
        },
      },
    },
  });
  if (dep.status !== 201) throw new Error(`envoy-gateway Deployment: HTTP ${dep.status} ${dep.text.slice(0, 200)}`);

  // Its configuration: the chart's defaults (Kubernetes provider, leader election on), minus the topology
  // injector webhook, which the API server could only call through a real pod.
  writeFileSync(
    path.join(work, 'eg.yaml'),
    [
      'apiVersion: gateway.envoyproxy.io/v1alpha1',
      'kind: EnvoyGateway',
      'gateway: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }',
      'provider:',
      '  type: Kubernetes',
      '  kubernetes:',
      '    topologyInjector: { disable: true }',
      'logging: { level: { default: info } }',
      '',
    ].join('\n'),
  );
  // Inside its network namespace the API server is 127.0.0.1:6443 (the relay), same certificate check (none).
  writeFileSync(path.join(work, 'kubeconfig-in'), o.kubeconfigYaml('https://127.0.0.1:6443'));
  const sock = path.join(work, 'api.sock');
  const relay = net.createServer((c) => {
    const u = net.connect(o.serverPort, '127.0.0.1');
    c.pipe(u);
    u.pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((res, rej) => relay.once('error', rej).listen(sock, () => res()));
  o.setRelay(relay);

  const root = path.join(work, 'eg-root');
  mkdirSync(root);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    'set -eu',
    'ip link set lo up',
    `${q(process.execPath)} ${q(path.join(HERE, 'relay-in.mjs'))} 127.0.0.1:6443 ${q(sock)} &`,
    // Envoy Gateway gives up at once when its first API call is refused: wait for the relay to listen.
    'for i in $(seq 200); do (exec 3<>/dev/tcp/127.0.0.1/6443) 2>/dev/null && break; sleep 0.05; done',
    `mount -t tmpfs -o size=8m,mode=0755 exposure-lab-eg ${q(root)}`,
    `mkdir ${q(root + '/certs')} ${q(root + '/tmp')}`,
    `cp ${q(certs)}/* ${q(root + '/certs/')}`,
    `cp ${q(path.join(work, 'eg.yaml'))} ${q(root + '/eg.yaml')}`,
    `cp ${q(path.join(work, 'kubeconfig-in'))} ${q(root + '/kubeconfig')}`,
    `: > ${q(root + '/envoy-gateway')}`,
    `mount --bind ${q(o.bins['envoy-gateway'])} ${q(root + '/envoy-gateway')}`,
    `export KUBECONFIG=/kubeconfig ENVOY_GATEWAY_NAMESPACE=${ns}`,
    `exec chroot ${q(root)} /envoy-gateway server --config-path /eg.yaml`,
  ].join('\n');
  const userns = process.getuid?.() === 0 ? [] : ['--map-root-user'];
  const p = startProc(work, 'envoy-gateway', 'unshare', [...userns, '--mount', '--net', '--pid', '--fork', '--kill-child', '--', 'bash', '-c', script]);
  // Ready: it holds its leader lease in its namespace (the controllers start once it leads).
  await waitReady(p, 'Envoy Gateway', async () => {
    const l = await api(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`);
    return l.json?.items?.some((x: any) => x.metadata.name.endsWith('gateway.envoyproxy.io') && x.spec?.holderIdentity);
  }, 90_000);
  if (!existsSync(root)) throw new Error('Envoy Gateway root folder vanished');
  return p;
}
