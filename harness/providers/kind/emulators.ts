// Containers on the host network for the hops outside the kind cluster: the lab image as an LB emulator
// (same code as the local provider's hop processes) and LocalStack for API Gateway REST. Host networking
// keeps every address on loopback (127.x), which is the only place this lab sends traffic; it exists on Linux
// Docker only (the kind provider says so up front elsewhere).
// testcontainers is loaded on first use: importing it costs seconds, and every bench imports the providers.
import type { StartedTestContainer } from 'testcontainers';
import type { BoundListener, HopSpec } from '../../emulation/spec.ts';
import type { HopRealization } from '../../result/types.ts';
import { READY_MARK } from './container-main.ts';
import { LABELS, dnsName } from '../../k8s/names.ts';
import type { OutsideRunner } from '../cluster/outside.ts';
import { restApiOnEmulator } from '../../aws/emulator.ts';
import { freePort } from '../../lib/free-port.ts';

export interface ContainerSpec {
  image: string;
  command?: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  waitFor: string;
  startupTimeoutMs: number;
}

export function hopContainerSpec(image: string, spec: HopSpec, runLabel: string): ContainerSpec {
  return {
    image,
    command: ['hop'],
    env: { HOP_SPEC: JSON.stringify(spec) },
    labels: { [LABELS.runId]: runLabel, [LABELS.hop]: spec.name, [LABELS.managedBy]: 'exposure-lab' },
    waitFor: READY_MARK,
    startupTimeoutMs: 60_000,
  };
}

/**
 * LocalStack with only API Gateway, listening on one loopback address. On the host network LocalStack would
 * also start its DNS server on port 53 (of every interface): DNS_ADDRESS=0 turns it off.
 */
export function localStackContainerSpec(image: string, listen: { host: string; port: number }, runLabel: string): ContainerSpec {
  return {
    image,
    env: { GATEWAY_LISTEN: `${listen.host}:${listen.port}`, SERVICES: 'apigateway', EAGER_SERVICE_LOADING: '1', DNS_ADDRESS: '0' },
    labels: { [LABELS.runId]: runLabel, [LABELS.hop]: 'localstack', [LABELS.managedBy]: 'exposure-lab' },
    waitFor: 'Ready.',
    startupTimeoutMs: 120_000,
  };
}

async function startContainer(c: ContainerSpec): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  let g = new GenericContainer(c.image).withNetworkMode('host').withEnvironment(c.env).withLabels(c.labels).withWaitStrategy(Wait.forLogMessage(c.waitFor)).withStartupTimeout(c.startupTimeoutMs);
  if (c.command) g = g.withCommand(c.command);
  return g.start();
}

/** The kind provider's runner: the lab image's containers, and LocalStack for API Gateway REST. */
export function containerRunner(o: { labImage: string; localstackImage: string }): OutsideRunner {
  const containers: StartedTestContainer[] = [];
  return {
    describe: (role) => `lab emulator container (${role}, ${o.labImage}, host network)`,
    async startHop(spec, r) {
      const listeners = await Promise.all(spec.listeners.map(async (l) => ({ ...l, port: await freePort(l.host) })));
      containers.push(await startContainer(hopContainerSpec(o.labImage, { ...spec, listeners }, r.runLabel)));
      return listeners.map((l): BoundListener => ({ host: l.host, port: l.port, az: l.az, node: l.node, version: l.version }));
    },
    async startApiGateway(hp, up, r) {
      const host = hp.listeners[0].host;
      const port = await freePort(host);
      containers.push(await startContainer(localStackContainerSpec(o.localstackImage, { host, port }, r.runLabel)));
      // The same SDK code as the eks provider (harness/aws), pointed at LocalStack.
      const api = await restApiOnEmulator({
        endpoint: `http://${host}:${port}`,
        runId: r.runId,
        scenario: r.scenario ?? dnsName(['lab', r.runId]),
        hop: hp.hop.name,
        upstream: `http://${up.host}:${up.port}`,
        sourceIpHeader: hp.hop.settings.sourceIpHeader,
        timeoutS: hp.hop.settings.timeoutS,
      });
      if (r.signal.aborted) throw new Error('interrupted');
      const hop: HopRealization = {
        name: hp.hop.name,
        component: hp.hop.component,
        realizedBy: `LocalStack ${o.localstackImage}`,
        fidelity: 'emulated',
        injectedLatency: null,
        listen: `${host}:${port}`,
        notes: ["API Gateway REST emulated by LocalStack: its own latency is measured, not AWS's; throttles are LocalStack's (none by default)"],
      };
      return { entry: { host, port, path: api.invokePath }, hop };
    },
    async stopAll() {
      const errs: string[] = [];
      for (const k of containers.splice(0).reverse()) await k.stop({ timeout: 10_000 }).catch((e: Error) => errs.push(e.message));
      return errs;
    },
    processes: () => [],
  };
}
