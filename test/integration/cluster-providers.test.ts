// The cluster providers' steps end to end on a real Kubernetes control plane on loopback (etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler of the pinned release; kwok nodes labelled like the kind config; the
// pinned CRDs; the real Envoy Gateway controller; ingress-nginx from its own kind manifest): server-side apply
// with the API server's validation (the Gateway API CRDs' CEL rules included), Envoy Gateway rendering its
// Deployment and Service, kwok making the pods Ready, every wait, the front addresses, teardown leaving
// nothing, the sweep finding what a killed run left, and the refusals before anything is applied.
// Pods do not run under kwok, so no traffic reaches them: where a request is sent here, the test plays what
// is behind the NodePort or the load balancer (named so); traffic through pods belongs to a real kind or EKS run.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { describeWithTools, inCI } from '../helpers/tools.ts';
import { namespacesAvailable, startControlPlane, type ControlPlane } from '../helpers/control-plane.ts';
import { playAwsControllers, type FakeAws } from '../helpers/fake-aws-controllers.ts';
import { startMoto, type Moto } from '../helpers/moto.ts';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { kindWorkerLabels, kindWorkers } from '../../harness/k8s/kind-config.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { eksNetworks } from '../../harness/k8s/networks.ts';
import { runNamespace } from '../../harness/k8s/names.ts';
import { kubeConfigFrom, listObjects, readObject } from '../../harness/cluster/kube.ts';
import { sweepKubernetes, sweepKubernetesObjects } from '../../harness/cluster/sweep.ts';
import { PreflightFailed } from '../../harness/cluster/preflight.ts';
import { provisionCluster } from '../../harness/providers/cluster/index.ts';
import { provisionEks } from '../../harness/providers/eks/index.ts';
import type { OutsideRunner } from '../../harness/providers/cluster/outside.ts';
import { probe } from '../../harness/measure/probe.ts';
import { isAlive } from '../../harness/dataplanes/process.ts';
import { UserError } from '../../harness/lib/errors.ts';

const TOOLS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kwok-stages', 'gateway-api-crds', 'envoy-gateway-crds', 'aws-load-balancer-controller-crds', 'envoy-gateway', 'ingress-nginx-manifests', 'moto_server'];
const HERE = fileURLToPath(new URL('.', import.meta.url));
const ECHO_IMAGE = 'exposure-lab/lab:0.1.0';
let seq = 0;
const runIdFor = (name: string) => `t${Date.now().toString(36)}${seq++}-${name.replace(/[^a-z0-9]/g, '').slice(0, 10)}`;

// The machine must let the fixture give Envoy Gateway private namespaces (root, or unprivileged user namespaces).
const nsCheck = namespacesAvailable();
// The played load balancers listen on ports 80 / 443, as AWS's do: that needs root (or CAP_NET_BIND_SERVICE).
const eksPorts = await new Promise<boolean>((resolve) => {
  const srv = http.createServer();
  srv.once('error', () => resolve(false));
  srv.listen(80, '127.20.254.254', () => srv.close(() => resolve(true)));
});

await describeWithTools(TOOLS, 'cluster providers on a real control plane (kwok nodes: no pod runs, no traffic through pods)', (bins) => {
  if (!nsCheck.ok) {
    if (inCI()) it('needs private namespaces for Envoy Gateway', () => expect.fail(nsCheck.why));
    else it.skip(`skipped: ${nsCheck.why}`, () => {});
    return;
  }
  let cp: ControlPlane;
  let kc: KubeConfig;
  const workers = kindWorkers(loadScenarioOrThrow('public-nlb'));
  const nodeAddresses = workers.map((w) => w.address);
  const env: NodeJS.ProcessEnv = { ...process.env, EXPOSURE_LAB_ECHO_IMAGE: ECHO_IMAGE };
  delete env.EXPOSURE_LAB_NODE_ADDRESS;
  delete env.EXPOSURE_LAB_ALLOW_REMOTE;

  beforeAll(async () => {
    cp = await startControlPlane({
      bins,
      envoyGateway: true,
      // The kind provider's workers: same zone / ingress-ready labels, their loopback addresses as InternalIP.
      nodes: workers.map((w) => ({ name: `lab-worker${w.index}`, labels: kindWorkerLabels(w), address: w.address })),
      ingressNginxManifest: join(bins['ingress-nginx-manifests'], 'kind', 'deploy.yaml'),
    });
    kc = await kubeConfigFrom({ yaml: cp.kubeconfigYaml });
    process.stderr.write(`control plane ${cp.kubernetesVersion} up in ${cp.startupMs.total} ms: ${JSON.stringify(cp.startupMs)}\n`);
  }, 300_000);
  afterAll(async () => {
    await cp?.stop();
  }, 60_000);

  /** After teardown nothing of the run is left: its labels, its namespace, what Envoy Gateway made for it. */
  async function expectNothingLeft(runId: string) {
    const sw = await sweepKubernetes({ runId }, { kc });
    expect(sw.objects.map((o) => `${o.kind} ${o.namespace ?? ''}/${o.name}`)).toEqual([]);
    expect(await readObject(kc, { apiVersion: 'v1', kind: 'Namespace', name: runNamespace(runId) })).toBeNull();
  }

  it('the ingress-nginx controller from its kind manifest is scheduled on the kind-labelled (ingress-ready) nodes', async () => {
    const pods = (await listObjects<any>(kc, 'v1', 'Pod', { namespace: 'ingress-nginx', labelSelector: 'app.kubernetes.io/component=controller' }))!;
    expect(pods.length).toBeGreaterThan(0);
    for (const p of pods) expect(p.spec.nodeName, `controller pod ${p.metadata.name} bound to a node`).toMatch(/^lab-worker/);
    expect(pods[0].spec.nodeSelector).toMatchObject({ 'ingress-ready': 'true' });
  }, 60_000);

  describe.concurrent('cluster provider: every scenario, end to end up to the pods', () => {
    for (const name of scenarioNames()) {
      it(name, async () => {
        const s = loadScenarioOrThrow(name);
        const runId = runIdFor(name);
        const lines: string[] = [];
        const r = await provisionCluster(s, { runId, injectLatency: true, seed: 1, log: (l) => lines.push(l) }, { kc, env });
        let torn = false;
        try {
          // What ran is recorded: the cluster, its Kubernetes version, each controller and its version.
          expect(r.tools.kubernetes).toBe(cp.kubernetesVersion);
          expect(r.tools.cluster).toContain(cp.server);
          const m = renderScenario(s, { runId, target: 'cluster', echoImage: ECHO_IMAGE });
          if (m.gatewayPods?.product === 'envoy-gateway') {
            expect(r.tools['Envoy Gateway']).toMatch(/^v1\.9\.1 \(docker\.io\/envoyproxy\/gateway:v1\.9\.1\)$/);
            // Envoy Gateway created the Envoy Deployment (accepted by the API server: its selector matches the
            // pod labels) and Service for the run's Gateway, with the run's labels on the pods and the Service.
            const deps = (await listObjects<any>(kc, 'apps/v1', 'Deployment', { namespace: 'envoy-gateway-system', labelSelector: m.gatewayPods.selector }))!;
            expect(deps).toHaveLength(1);
            expect(deps[0].spec.template.metadata.labels['exposure-lab.dev/run-id']).toBe(runId);
            expect(deps[0].status.availableReplicas).toBe(deps[0].spec.replicas);
            const svc = await readObject<any>(kc, { apiVersion: 'v1', kind: 'Service', name: m.front.name, namespace: 'envoy-gateway-system' });
            expect(svc.metadata.labels['exposure-lab.dev/run-id']).toBe(runId);
            expect(svc.spec.type).toBe('NodePort');
          }
          if (m.gatewayPods?.product === 'ingress-nginx') expect(r.tools['ingress-nginx controller']).toMatch(/^v1\.11\.0/);
          expect(r.hops).toHaveLength(s.hops.length - 1);
          for (const h of r.hops) expect(h.realizedBy).toBeTruthy();
          expect(r.entry.host).toMatch(/^127\./);
          // Every step reported ok, in order, and the preflight printed its list before anything was applied.
          const firstApply = lines.findIndex((l) => l.includes(': applied '));
          expect(lines.findIndex((l) => l.includes('preflight:   ok      Kubernetes API'))).toBeLessThan(firstApply);
          for (const step of ['check what the cluster has', 'apply the scenario objects', 'wait for the application pods', 'wait for the gateway', 'read the NodePorts', 'start the emulated AWS hops']) expect(lines.some((l) => l.includes(`ok: ${step}`)), step).toBe(true);
          await r.teardown();
          torn = true;
          expect(lines.some((l) => l.includes('undo ok: apply the scenario objects'))).toBe(true);
          expect(r.incidents).toEqual([]);
          await expectNothingLeft(runId);
        } finally {
          if (!torn) await r.teardown();
        }
      }, 240_000);
    }
  });

  it('the emulated hops send to the NodePort the API server allocated, on the nodes that pass the ETP=Local health check', async () => {
    const s = loadScenarioOrThrow('public-nlb');
    const runId = runIdFor('nlb-traffic');
    const r = await provisionCluster(s, { runId, injectLatency: false, seed: 1, log: () => {} }, { kc, env });
    const servers: net.Server[] = [];
    try {
      const m = renderScenario(s, { runId, target: 'cluster', echoImage: ECHO_IMAGE });
      const svc = await readObject<any>(kc, { apiVersion: 'v1', kind: 'Service', name: m.front.name, namespace: m.front.namespace });
      const nodePort: number = svc.spec.ports[0].nodePort;
      const pods = (await listObjects<any>(kc, 'v1', 'Pod', { namespace: 'envoy-gateway-system', labelSelector: m.gatewayPods!.selector }))!;
      const serving = new Set(pods.map((p) => p.spec.nodeName));
      expect(serving.size).toBeGreaterThan(0);
      // The test plays kube-proxy and Envoy on every node's NodePort: it answers with the node it is.
      const seen: string[] = [];
      for (const w of workers)
        servers.push(
          await new Promise<net.Server>((res) => {
            const srv = http.createServer((req, rsp) => {
              seen.push(`lab-worker${w.index}`);
              rsp.setHeader('x-lab-version', `node-${w.index}`);
              rsp.end('played node\n');
            });
            srv.listen(nodePort, w.address, () => res(srv));
          }),
        );
      for (let i = 0; i < 6; i++) {
        const res = await probe({ target: r.entry, source: r.sources[i % r.sources.length], timeoutMs: 5000 });
        expect(res.status).toBe(200);
      }
      // Only nodes hosting an Envoy pod got traffic (the others fail the NLB health check).
      expect(seen.length).toBe(6);
      for (const n of seen) expect(serving.has(n), `${n} hosts an Envoy pod`).toBe(true);
      expect(r.hops[0].notes!.join(' ')).toMatch(/ETP=Local health check/);
    } finally {
      await Promise.all(servers.map((x) => new Promise((res) => x.close(() => res(null)))));
      await r.teardown();
    }
    await expectNothingLeft(runId);
  }, 180_000);

  it('Ctrl-C during provisioning undoes every completed step in reverse, with ok lines, and leaves nothing', async () => {
    const runId = runIdFor('ctrlc');
    const ac = new AbortController();
    const lines: string[] = [];
    const err = await provisionCluster(loadScenarioOrThrow('public-nlb'), {
      runId,
      injectLatency: true,
      seed: 1,
      signal: ac.signal,
      log: (l) => {
        lines.push(l);
        if (l.includes('step: wait for the gateway')) ac.abort();
      },
    }, { kc, env }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(lines.some((l) => /FAILED: wait for the gateway .*interrupted/.test(l))).toBe(true);
    const undo = lines.filter((l) => l.includes('undo'));
    expect(undo.filter((l) => l.includes('undo ok'))).toEqual([expect.stringContaining('undo ok: apply the scenario objects')]);
    await expectNothingLeft(runId);
  }, 180_000);

  it('a failing step undoes the earlier ones in reverse and says which step failed', async () => {
    const runId = runIdFor('failing');
    const lines: string[] = [];
    const broken: OutsideRunner = {
      describe: () => 'broken',
      startHop: async () => {
        throw new Error('the emulator could not bind');
      },
      stopAll: async () => [],
      processes: () => [],
    };
    const err = await provisionCluster(loadScenarioOrThrow('public-nlb'), { runId, injectLatency: true, seed: 1, log: (l) => lines.push(l) }, { kc, env, runner: broken }).catch((e) => e);
    expect((err as Error).message).toMatch(/start the emulated AWS hops.*could not bind/);
    expect(lines.some((l) => /^cluster: FAILED: start the emulated AWS hops .*could not bind/.test(l))).toBe(true);
    const order = lines.filter((l) => /undo (ok|FAILED)/.test(l)).map((l) => l.replace(/^cluster: /, '').replace(/ \(\d+\.\d s\)$/, ''));
    expect(order).toEqual(['undo ok: start the emulated AWS hops in front of the cluster', 'undo ok: apply the scenario objects (server-side apply)']);
    await expectNothingLeft(runId);
  }, 180_000);

  it('a kill -9 of the lab mid-run leaves objects the sweep finds (Envoy Gateway\'s infrastructure too) and removes; its processes die with it', async () => {
    const runId = runIdFor('killed');
    const file = join(cp.kubeconfig);
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, '..', 'helpers', 'provision-child.ts'), 'public-nlb', runId, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errOut = '';
    child.stderr.on('data', (d) => (errOut += d));
    const ready = await new Promise<{ processes: Array<{ pid: number }> }>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`child not ready in 150 s: ${errOut.slice(-1000)}`)), 150_000);
      child.stdout.on('data', (d) => {
        out += d;
        const line = out.split('\n').find((l) => l.startsWith('READY '));
        if (line) {
          clearTimeout(t);
          resolve(JSON.parse(line.slice(6)));
        }
      });
      child.once('exit', (c) => reject(new Error(`child exited ${c}: ${errOut.slice(-1000)}`)));
    });
    expect(ready.processes.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // The emulated hop processes exit when their parent's IPC channel closes.
    for (let i = 0; i < 50 && ready.processes.some((p) => isAlive(p.pid)); i++) await new Promise((r) => setTimeout(r, 100));
    expect(ready.processes.filter((p) => isAlive(p.pid))).toEqual([]);

    const sw = await sweepKubernetes({ runId }, { kc });
    const kinds = sw.objects.map((o) => `${o.kind}:${o.foundBy}`);
    for (const k of ['Namespace:run label', 'Deployment:run label', 'Service:run label', 'Gateway:run label', 'GatewayClass:run label', 'HTTPRoute:run label', 'EnvoyProxy:run label', 'Deployment:owning gateway'])
      expect(kinds, k).toContain(k);
    // The Envoy Service Envoy Gateway created carries the run label now (found by it, not only by ownership).
    expect(sw.objects.some((o) => o.kind === 'Service' && o.namespace === 'envoy-gateway-system' && o.foundBy === 'run label')).toBe(true);
    expect(new Set(sw.objects.map((o) => o.runId))).toEqual(new Set([runId]));
    // --all finds it too; another run id does not.
    expect((await sweepKubernetes({ all: true }, { kc })).objects.length).toBeGreaterThanOrEqual(sw.objects.length);
    expect((await sweepKubernetes({ runId: 'no-such-run' }, { kc })).objects).toEqual([]);
    // What `exposure-lab sweep` calls: a dry run lists, --yes deletes (fronts first) and waits until gone.
    const dry = await sweepKubernetesObjects({ runId, all: false, dryRun: true, log: () => {}, kubeconfig: cp.kubeconfig, env });
    expect(dry).toMatchObject({ checked: true, deleted: 0, errors: [] });
    expect(dry.found).toHaveLength(sw.objects.length);
    const del = await sweepKubernetesObjects({ runId, all: false, dryRun: false, log: () => {}, kubeconfig: cp.kubeconfig, env });
    expect(del).toMatchObject({ checked: true, deleted: sw.objects.length, errors: [] });
    await expectNothingLeft(runId);
    // Idempotent: a second sweep finds nothing and deletes nothing.
    expect((await (await sweepKubernetes({ runId }, { kc })).delete()).failed).toEqual([]);
    // No kubeconfig: not checked, with the reason (the AWS half of the sweep still runs).
    expect(await sweepKubernetesObjects({ all: true, dryRun: true, log: () => {}, kubeconfig: '/nonexistent/kubeconfig', env: {} })).toMatchObject({ checked: false, reason: expect.stringMatching(/no kubeconfig/) });
  }, 240_000);

  it('a kubeconfig pointing at an API server off loopback is refused (the cluster provider and the sweep)', async () => {
    const yaml = cp.kubeconfigYaml.replace(cp.server, 'https://10.20.30.40:6443');
    const remote = await kubeConfigFrom({ yaml });
    const err = await provisionCluster(loadScenarioOrThrow('direct'), { runId: runIdFor('remote'), injectLatency: true, seed: 1, log: () => {} }, { kc: remote, env }).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/refusing to use the API server of kubeconfig context "lab-fixture" at 10\.20\.30\.40/);
    await expect(sweepKubernetes({ all: true }, { kc: remote, env })).rejects.toThrow(/10\.20\.30\.40/);
  });

  describe('eks provider (the test plays the AWS controllers and the load balancers behind their addresses)', () => {
    let aws: FakeAws;
    const ARN = 'arn:aws:acm:us-east-1:111122223333:certificate/lab';
    const eksEnv: NodeJS.ProcessEnv = {
      ...env,
      EXPOSURE_LAB_CERT_ARN: ARN,
      EXPOSURE_LAB_VPC_CIDR: '10.0.0.0/16',
      EXPOSURE_LAB_CLOUDFRONT_CIDRS: '130.176.0.0/17',
      EXPOSURE_LAB_WAF_ACL_ARN: 'arn:aws:wafv2:us-east-1:111122223333:regional/webacl/lab/x',
    };
    // The eks provider's AWS side checks the account before anything is created: here moto's server on
    // loopback with fake credentials (the run's SDK-made resources are none for the scenarios below).
    let moto: Moto | undefined;
    beforeAll(async () => {
      if (!eksPorts) return;
      moto = await startMoto(bins.moto_server);
      Object.assign(eksEnv, moto.env);
      // The controllers' Deployments as their Helm charts install them (their pods are kwok pods), the alb
      // IngressClass, and the Lattice GatewayClass the controller accepts.
      const dep = (ns: string, name: string, image: string, envs: Array<{ name: string; value: string }> = []) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ns, labels: { 'app.kubernetes.io/name': name } },
        spec: { replicas: 1, selector: { matchLabels: { 'app.kubernetes.io/name': name } }, template: { metadata: { labels: { 'app.kubernetes.io/name': name } }, spec: { containers: [{ name: 'controller', image, env: envs }] } } },
      });
      await cp.api('/api/v1/namespaces', { method: 'POST', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'aws-application-networking-system' } } });
      const r1 = await cp.api('/apis/apps/v1/namespaces/kube-system/deployments', { method: 'POST', body: dep('kube-system', 'aws-load-balancer-controller', 'public.ecr.aws/eks/aws-load-balancer-controller:v3.2.2') });
      const r2 = await cp.api('/apis/apps/v1/namespaces/aws-application-networking-system/deployments', {
        method: 'POST',
        body: dep('aws-application-networking-system', 'gateway-api-controller', 'public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller:v1.1.4', [
          { name: 'DEFAULT_SERVICE_NETWORK', value: 'lab-net' },
          { name: 'ENABLE_SERVICE_NETWORK_OVERRIDE', value: 'true' },
        ]),
      });
      const r3 = await cp.api('/apis/networking.k8s.io/v1/ingressclasses', { method: 'POST', body: { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'alb' }, spec: { controller: 'ingress.k8s.aws/alb' } } });
      const r4 = await cp.api('/apis/gateway.networking.k8s.io/v1/gatewayclasses', { method: 'POST', body: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'amazon-vpc-lattice' }, spec: { controllerName: 'application-networking.k8s.aws/gateway-api-controller' } } });
      for (const r of [r1, r2, r3, r4]) expect(r.status, r.text).toBe(201);
      const acc = await cp.api('/apis/gateway.networking.k8s.io/v1/gatewayclasses/amazon-vpc-lattice/status', {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { status: { conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'played by the test', lastTransitionTime: new Date().toISOString(), observedGeneration: 1 }] } },
      });
      expect(acc.status, acc.text).toBe(200);
      aws = playAwsControllers(cp, { nodeAddresses });
    }, 60_000);
    afterAll(async () => {
      await aws?.stop();
      await moto?.stop();
    });

    // Every scenario the eks provider accepts (all its inputs given) whose AWS side is only what the Kubernetes
    // controllers create: the others are refused before anything is applied (or need the AWS SDK side).
    const accepted = scenarioNames().filter((n) => {
      const m = renderScenario(loadScenarioOrThrow(n), { runId: 'x', target: 'eks', echoImage: ECHO_IMAGE, networks: eksNetworks({ vpcCidr: '10.0.0.0/16', cloudfrontCidrs: ['130.176.0.0/17'] }).networks, aws: { certificateArn: ARN, wafAclArn: 'arn:x' } });
      return m.unrealized.length === 0 && m.outside.length === 0;
    });
    it('accepts at least the NLB, ALB-ingress, Classic, Lattice and NodePort scenarios', () => {
      expect(accepted).toEqual(expect.arrayContaining(['public-nlb', 'public-nlb-tls', 'alb-ingress-gateway', 'clb-per-service', 'lattice-gateway-api', 'nodeport']));
    });

    if (!eksPorts && inCI()) it('needs ports 80/443 on loopback for the played load balancers (CI=true: fails)', () => expect.fail('cannot bind 127.20.254.254:80: run as root or grant CAP_NET_BIND_SERVICE'));
    describe.concurrent('every accepted scenario', () => {
      for (const name of accepted) {
        it.skipIf(!eksPorts)(eksPorts ? name : `${name} (skipped: the played load balancers listen on ports 80/443, which needs root here)`, async () => {
          const s = loadScenarioOrThrow(name);
          const runId = runIdFor(`eks-${name}`);
          const lines: string[] = [];
          const r = await provisionEks(s, { runId, injectLatency: true, seed: 1, yes: true, log: (l) => lines.push(l) }, { kc, env: eksEnv });
          try {
            expect(r.tools.kubernetes).toBe(cp.kubernetesVersion);
            expect(r.sources).toEqual([]);
            expect(r.entry.host).toMatch(/^127\./);
            // The front answered from "the application" before the load driver got it (readiness).
            expect(lines.some((l) => /answers from the application/.test(l))).toBe(true);
            const m = renderScenario(s, { runId, target: 'eks', echoImage: ECHO_IMAGE, networks: eksNetworks({ vpcCidr: '10.0.0.0/16' }).networks, aws: { certificateArn: ARN } });
            if (m.front.via === 'service-lb' || m.front.via === 'ingress-lb') expect(r.tools['AWS Load Balancer Controller'] ?? 'in-tree').toMatch(/^v3\.2\.2|in-tree/);
            if (m.front.via === 'lattice-route') expect(r.tools['AWS Gateway API Controller (VPC Lattice)']).toMatch(/^v1\.1\.4/);
            if (name === 'public-nlb-tls') {
              // The Envoy Service has the port the NLB's TLS listener targets (ssl-ports 443).
              const svc = await readObject<any>(kc, { apiVersion: 'v1', kind: 'Service', name: m.front.name, namespace: m.front.namespace });
              expect(svc.spec.ports.map((p: { port: number }) => p.port)).toEqual([443]);
              expect(svc.metadata.annotations['service.beta.kubernetes.io/aws-load-balancer-ssl-ports']).toBe('443');
              expect(r.entry.port).toBe(443);
              expect(r.entry.tls).not.toBeNull();
            }
            if (name === 'nodeport') expect(r.entry.port).toBeGreaterThanOrEqual(30000);
          } finally {
            await r.teardown();
          }
          await expectNothingLeft(runId);
        }, 240_000);
      }
    });

    it.skipIf(!eksPorts)('refuses before applying anything: Classic LBs the Load Balancer Controller\'s Service webhook would turn into NLBs', async () => {
      const hook = await cp.api('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations', {
        method: 'POST',
        body: {
          apiVersion: 'admissionregistration.k8s.io/v1',
          kind: 'MutatingWebhookConfiguration',
          metadata: { name: 'aws-load-balancer-webhook' },
          webhooks: [
            {
              name: 'mservice.elbv2.k8s.aws',
              admissionReviewVersions: ['v1beta1'],
              sideEffects: 'None',
              failurePolicy: 'Ignore',
              timeoutSeconds: 1,
              clientConfig: { url: 'https://127.0.0.1:1/mutate-v1-service' },
              objectSelector: { matchExpressions: [{ key: 'app.kubernetes.io/name', operator: 'NotIn', values: ['aws-load-balancer-controller'] }] },
              rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['services'] }],
            },
          ],
        },
      });
      expect(hook.status, hook.text).toBe(201);
      try {
        const runId = runIdFor('eks-clb-webhook');
        const err = await provisionEks(loadScenarioOrThrow('clb-per-service'), { runId, injectLatency: true, seed: 1, yes: true, log: () => {} }, { kc, env: eksEnv }).catch((e) => e);
        expect(err).toBeInstanceOf(PreflightFailed);
        expect((err as Error).message).toMatch(/! WRONG\s+Classic LB for Service .*mservice\.elbv2\.k8s\.aws.*NLB, not the Classic LB/);
        expect((err as UserError).hint).toMatch(/enableServiceMutatorWebhook=false/);
        expect(await readObject(kc, { apiVersion: 'v1', kind: 'Namespace', name: runNamespace(runId) })).toBeNull();
      } finally {
        await cp.api('/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/aws-load-balancer-webhook', { method: 'DELETE' });
      }
    }, 60_000);

    it.skipIf(!eksPorts)('refuses before applying anything: an HTTPS ALB without a certificate ARN, every missing input listed at once', async () => {
      const runId = runIdFor('eks-alb-nocert');
      const noCert = { ...eksEnv, EXPOSURE_LAB_CERT_ARN: '' };
      const err = await provisionEks(loadScenarioOrThrow('alb-ingress-gateway'), { runId, injectLatency: true, seed: 1, yes: true, log: () => {} }, { kc, env: noCert }).catch((e) => e);
      expect(err).toBeInstanceOf(PreflightFailed);
      expect((err as Error).message).toMatch(/! MISSING\s+ingress-alb \(alb\)\s+HTTPS listener .*certificate ARN/);
      expect((err as Error).message).toMatch(/ok\s+AWS Load Balancer Controller\s+v3\.2\.2/);
      expect(await readObject(kc, { apiVersion: 'v1', kind: 'Namespace', name: runNamespace(runId) })).toBeNull();
    }, 60_000);

    it.skipIf(!eksPorts)('refuses before applying anything: a Lattice Gateway that maps to no service network', async () => {
      // The controller without single-network mode, and no EXPOSURE_LAB_LATTICE_SERVICE_NETWORK.
      const patch = await cp.api('/apis/apps/v1/namespaces/aws-application-networking-system/deployments/gateway-api-controller', {
        method: 'PATCH',
        contentType: 'application/merge-patch+json',
        body: { spec: { template: { spec: { containers: [{ name: 'controller', image: 'public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller:v1.1.4', env: [{ name: 'DEFAULT_SERVICE_NETWORK', value: '' }] }] } } } },
      });
      expect(patch.status, patch.text).toBe(200);
      try {
        const runId = runIdFor('eks-lattice-nonet');
        const err = await provisionEks(loadScenarioOrThrow('lattice-gateway-api'), { runId, injectLatency: true, seed: 1, yes: true, log: () => {} }, { kc, env: eksEnv }).catch((e) => e);
        expect(err).toBeInstanceOf(PreflightFailed);
        expect((err as Error).message).toMatch(/! MISSING\s+VPC Lattice service network .*route would never be programmed/);
        expect((err as UserError).hint).toMatch(/EXPOSURE_LAB_LATTICE_SERVICE_NETWORK/);
        expect(await readObject(kc, { apiVersion: 'v1', kind: 'Namespace', name: runNamespace(runId) })).toBeNull();
        // With the network named, the same cluster is fine.
        const ok = await provisionEks(loadScenarioOrThrow('lattice-gateway-api'), { runId: runIdFor('eks-lattice-net'), injectLatency: true, seed: 1, yes: true, log: () => {} }, { kc, env: { ...eksEnv, EXPOSURE_LAB_LATTICE_SERVICE_NETWORK: 'team-net' } });
        await ok.teardown();
      } finally {
        await cp.api('/apis/apps/v1/namespaces/aws-application-networking-system/deployments/gateway-api-controller', {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: { spec: { template: { spec: { containers: [{ name: 'controller', image: 'public.ecr.aws/aws-application-networking-k8s/aws-gateway-controller:v1.1.4', env: [{ name: 'DEFAULT_SERVICE_NETWORK', value: 'lab-net' }, { name: 'ENABLE_SERVICE_NETWORK_OVERRIDE', value: 'true' }] }] } } } },
        });
      }
    }, 120_000);
  });

  it('the kubeconfig file the fixture wrote works for a second client (what a user passes with KUBECONFIG)', async () => {
    const file = join(cp.kubeconfig);
    writeFileSync(file, cp.kubeconfigYaml);
    const k2 = await kubeConfigFrom({ file, context: 'lab-fixture' });
    expect((await readObject<any>(k2, { apiVersion: 'v1', kind: 'Namespace', name: 'envoy-gateway-system' }))?.metadata.name).toBe('envoy-gateway-system');
    await expect(kubeConfigFrom({ file, context: 'nope' })).rejects.toThrow(/no context "nope" \(it has: lab-fixture\)/);
  });
});
