// Containers on the host network for the hops outside the kind cluster: the lab image as an LB emulator
// (same code as the local provider's hop processes) and LocalStack for API Gateway REST. Host networking
// keeps every address on loopback (127.x), which is the only place this lab sends traffic.
import net from 'node:net';
// testcontainers is loaded on first use: importing it costs seconds, and every bench imports the providers.
import type { StartedTestContainer } from 'testcontainers';
import type { HopSpec } from '../../emulation/spec.ts';
import { READY_MARK } from './container-main.ts';
import { LABELS } from '../../k8s/names.ts';

/** A free port on a loopback address (bound and released: the container binds it next). */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen({ host, port: 0 }, () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startHopContainer(image: string, spec: HopSpec, runLabel: string): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  return new GenericContainer(image)
    .withNetworkMode('host')
    .withCommand(['hop'])
    .withEnvironment({ HOP_SPEC: JSON.stringify(spec) })
    .withLabels({ [LABELS.runId]: runLabel, [LABELS.hop]: spec.name, [LABELS.managedBy]: 'exposure-lab' })
    .withWaitStrategy(Wait.forLogMessage(READY_MARK))
    .withStartupTimeout(60_000)
    .start();
}

export async function startLocalStack(image: string, listen: { host: string; port: number }, runLabel: string): Promise<StartedTestContainer> {
  const { GenericContainer, Wait } = await import('testcontainers');
  return new GenericContainer(image)
    .withNetworkMode('host')
    .withEnvironment({ GATEWAY_LISTEN: `${listen.host}:${listen.port}`, SERVICES: 'apigateway', EAGER_SERVICE_LOADING: '1' })
    .withLabels({ [LABELS.runId]: runLabel, [LABELS.hop]: 'localstack', [LABELS.managedBy]: 'exposure-lab' })
    .withWaitStrategy(Wait.forLogMessage('Ready.'))
    .withStartupTimeout(120_000)
    .start();
}
