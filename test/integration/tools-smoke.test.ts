// The installed tools run: each one's version command prints the pinned version, and the servers start on
// loopback and answer. These are what the next issues build on (Envoy Gateway standalone, k6, a control plane
// in the suite, an AWS API emulator), so this proves them before anything depends on them.
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Agent, fetch } from 'undici';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { startLogged, stopProcess, tail, type Started } from '../../harness/dataplanes/process.ts';
import { loadManifest } from '../../harness/tools/manifest.ts';
import { parseVersion, versionCommandFor } from '../../harness/tools/registry.ts';
import { describeWithTools } from '../helpers/tools.ts';
import { freePort } from '../../harness/lib/free-port.ts';

const m = loadManifest();
const work = mkdtempSync(path.join(tmpdir(), 'lab-tools-smoke-'));
const started: Started[] = [];
afterAll(async () => {
  for (const s of started.reverse()) await stopProcess(s);
  rmSync(work, { recursive: true, force: true });
});

function start(name: string, bin: string, args: string[]): { s: Started; log: string } {
  const log = path.join(work, `${name}.log`);
  const s = startLogged(bin, args, log, work);
  started.push(s);
  return { s, log };
}

/** Polls until check() is true, the process exits, or the deadline passes; says why with the log tail. */
async function waitFor(what: string, proc: { s: Started; log: string }, check: () => Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  let exit: number | null | undefined;
  void proc.s.exited.then((c) => (exit = c));
  for (let i = 0; i < 600 && Date.now() < until; i++) {
    if (exit !== undefined) throw new Error(`${what} exited (${exit}) before it was ready:\n${tail(proc.log)}`);
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready within ${deadlineMs} ms:\n${tail(proc.log)}`);
}

// Self-signed serving certificates on loopback: the test trusts them without verification.
const insecure = new Agent({ connect: { rejectUnauthorized: false } });

// Each version command really runs here (no remembered probe), on the binary the lab would use.
for (const [tool, t] of Object.entries(m.tools)) {
  if (t.install !== 'auto' || !t.binaries) continue;
  for (const [name, spec] of Object.entries(t.binaries)) {
    await describeWithTools([name], `${name} version command`, (bins) => {
      it(`prints ${t.version === 'distro' ? 'a version' : t.version}`, () => {
        const cmd = versionCommandFor(bins[name], spec);
        const r = spawnSync(cmd.file, cmd.args, { encoding: 'utf8', timeout: 60_000 });
        const v = parseVersion(`${r.stdout}${r.stderr}`, cmd.regex);
        if (t.version === 'distro') expect(v).toMatch(/^\d+\./);
        else expect(v).toBe(t.version);
      });
    });
  }
}

await describeWithTools(['envoy'], 'envoy', ({ envoy }) => {
  it('--mode validate accepts a minimal static config', () => {
    const file = path.join(work, 'envoy-min.yaml');
    writeFileSync(file, 'static_resources:\n  listeners: []\n  clusters: []\n');
    const out = execFileSync(envoy, ['--mode', 'validate', '-c', file, '--base-id', String(process.pid % 50_000 + 7)], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
    expect(out).toMatch(/configuration .* OK/);
  });
});

await describeWithTools(['egctl'], 'egctl', ({ egctl }) => {
  it('translates Gateway API objects into Envoy listeners (Envoy Gateway v1.9.1 translator, offline)', () => {
    const file = path.join(work, 'gateway.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: { name: eg }\nspec: { controllerName: gateway.envoyproxy.io/gatewayclass-controller }',
        'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: lab, namespace: default }\nspec:\n  gatewayClassName: eg\n  listeners: [{ name: http, protocol: HTTP, port: 8080 }]',
        'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: echo, namespace: default }\nspec:\n  parentRefs: [{ name: lab }]\n  rules: [{ backendRefs: [{ name: echo, port: 3000 }] }]',
      ].join('\n---\n'),
    );
    const out = execFileSync(egctl, ['x', 'translate', '--from', 'gateway-api', '--to', 'xds', '-t', 'listener', '-o', 'json', '--add-missing-resources', '-f', file], { encoding: 'utf8', timeout: 60_000 });
    const dump = JSON.parse(out).xds['default/lab'];
    const ports = dump.dynamicListeners.map((l: { activeState: { listener: { address: { socketAddress: { portValue: number } } } } }) => l.activeState.listener.address.socketAddress.portValue);
    expect(ports).toContain(8080);
  });
});

await describeWithTools(['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kwok-stages', 'gateway-api-crds', 'envoy-gateway-crds', 'aws-load-balancer-controller-crds'], 'a control plane on loopback', (bins) => {
  const token = 'lab-smoke-token';
  let api = '';
  let kubeconfig = '';
  const call = (p: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${api}${p}`, {
      method: init.method ?? 'GET',
      dispatcher: insecure,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });

  beforeAll(async () => {
    const [client, peer, secure] = [await freePort(), await freePort(), await freePort()];
    const etcd = start('etcd', bins.etcd, [
      '--name', 'lab', '--data-dir', path.join(work, 'etcd'),
      '--listen-client-urls', `http://127.0.0.1:${client}`, '--advertise-client-urls', `http://127.0.0.1:${client}`,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `lab=http://127.0.0.1:${peer}`, '--listen-metrics-urls', '',
    ]);
    await waitFor('etcd', etcd, async () => (await (await fetch(`http://127.0.0.1:${client}/health`)).text()).includes('"health":"true"'));

    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writeFileSync(path.join(work, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(path.join(work, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(path.join(work, 'tokens.csv'), `${token},lab-admin,lab-admin,system:masters\n`);
    api = `https://127.0.0.1:${secure}`;
    const apiserver = start('kube-apiserver', bins['kube-apiserver'], [
      '--etcd-servers', `http://127.0.0.1:${client}`, '--bind-address', '127.0.0.1', '--advertise-address', '127.0.0.1',
      '--secure-port', String(secure), '--cert-dir', path.join(work, 'apiserver-certs'),
      '--token-auth-file', path.join(work, 'tokens.csv'), '--authorization-mode', 'RBAC',
      '--service-account-issuer', 'https://kubernetes.default.svc', '--service-account-key-file', path.join(work, 'sa.pub'),
      '--service-account-signing-key-file', path.join(work, 'sa.key'), '--service-cluster-ip-range', '10.96.0.0/24',
    ]);
    await waitFor('kube-apiserver', apiserver, async () => (await call('/readyz')).status === 200, 90_000);
    kubeconfig = path.join(work, 'kubeconfig');
    writeFileSync(kubeconfig, [
      'apiVersion: v1', 'kind: Config', 'current-context: lab',
      `clusters: [{ name: lab, cluster: { server: "${api}", insecure-skip-tls-verify: true } }]`,
      `users: [{ name: lab, user: { token: ${token} } }]`,
      'contexts: [{ name: lab, context: { cluster: lab, user: lab } }]', '',
    ].join('\n'));
  }, 120_000);

  it('kube-apiserver answers /readyz and /version with the pinned release', async () => {
    expect(await (await call('/readyz')).text()).toBe('ok');
    const v = (await (await call('/version')).json()) as { gitVersion: string };
    expect(v.gitVersion).toBe(`v${m.tools['kube-control-plane'].version}`);
  });

  it('accepts the CRDs from the pinned modules (Gateway API experimental, Envoy Gateway, AWS Load Balancer Controller) and establishes them', async () => {
    const dirs = [path.join(bins['gateway-api-crds'], 'experimental'), path.join(bins['envoy-gateway-crds'], 'generated'), path.join(bins['aws-load-balancer-controller-crds'], 'bases')];
    const names: string[] = [];
    for (const d of dirs) {
      for (const f of readdirSync(d).filter((x) => x.endsWith('.yaml'))) {
        for (const doc of parseAllDocuments(readFileSync(path.join(d, f), 'utf8'))) {
          const o = doc.toJS() as { kind?: string; metadata: { name: string } } | null;
          if (o?.kind !== 'CustomResourceDefinition') continue;
          const r = await call('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { method: 'POST', body: o });
          expect(r.status, `${f}: ${await r.clone().text()}`).toBe(201);
          names.push(o.metadata.name);
        }
      }
    }
    expect(names).toEqual(expect.arrayContaining(['gateways.gateway.networking.k8s.io', 'httproutes.gateway.networking.k8s.io', 'envoyproxies.gateway.envoyproxy.io', 'clienttrafficpolicies.gateway.envoyproxy.io', 'targetgroupbindings.elbv2.k8s.aws']));
    for (const n of names) {
      let established = false;
      for (let i = 0; i < 80 && !established; i++) {
        const crd = (await (await call(`/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${n}`)).json()) as { status?: { conditions?: Array<{ type: string; status: string }> } };
        established = !!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
        if (!established) await new Promise((r) => setTimeout(r, 250));
      }
      expect(established, `${n} Established`).toBe(true);
    }
  });

  it('kube-controller-manager and kube-scheduler start against it and answer /healthz', async () => {
    for (const name of ['kube-controller-manager', 'kube-scheduler'] as const) {
      const port = await freePort();
      const p = start(name, bins[name], ['--kubeconfig', kubeconfig, '--authentication-kubeconfig', kubeconfig, '--authorization-kubeconfig', kubeconfig, '--bind-address', '127.0.0.1', '--secure-port', String(port), '--leader-elect=false']);
      await waitFor(name, p, async () => (await (await fetch(`https://127.0.0.1:${port}/healthz`, { dispatcher: insecure })).text()) === 'ok', 90_000);
    }
  });

  it('kwok makes a fake node Ready', async () => {
    // kwok's own default stages, from its module (kwok refuses to start without stages).
    const stages = ['node', 'pod'].flatMap((d) => readdirSync(path.join(bins['kwok-stages'], d)).map((f) => path.join(bins['kwok-stages'], d, f)));
    const kwok = start('kwok', bins.kwok, ['--kubeconfig', kubeconfig, ...stages.flatMap((f) => ['--config', f]), '--manage-all-nodes=false', '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake', '--node-ip=10.244.0.1', '--server-address=127.0.0.1:0']);
    const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'kwok-node-0', annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok' } }, spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] } };
    const r = await call('/api/v1/nodes', { method: 'POST', body: node });
    expect(r.status, await r.clone().text()).toBe(201);
    await waitFor('kwok', kwok, async () => {
      const n = (await (await call('/api/v1/nodes/kwok-node-0')).json()) as { status?: { conditions?: Array<{ type: string; status: string }> } };
      return !!n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    }, 60_000);
  });
});

await describeWithTools(['moto_server'], 'moto server (AWS API emulator)', ({ moto_server }) => {
  it('answers STS GetCallerIdentity at a 127.0.0.1 endpoint with fake credentials (reached by endpoint URL only)', async () => {
    const port = await freePort();
    const moto = start('moto', moto_server, ['-H', '127.0.0.1', '-p', String(port)]);
    const endpoint = `http://127.0.0.1:${port}`;
    await waitFor('moto_server', moto, async () => (await fetch(`${endpoint}/moto-api/`)).status < 500, 60_000);
    // Fake credentials, never real ones: the emulator accepts any; nothing leaves 127.0.0.1.
    const sts = new STSClient({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIAEXAMPLELAB000000', secretAccessKey: 'lab-fake-secret' } });
    const id = await sts.send(new GetCallerIdentityCommand({}));
    expect(id.Account).toMatch(/^\d{12}$/);
    expect(id.Arn).toMatch(/^arn:aws:(iam|sts)::\d{12}:/);
  });
});
