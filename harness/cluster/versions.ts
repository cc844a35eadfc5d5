// The pinned images and install manifests (infra/kind/versions.json) the kind provider uses, which ones a
// scenario needs, and how to get each one into the local Docker engine (nothing is pulled during a run).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/paths.ts';
import type { Scenario } from '../scenario/model.ts';
import { GATEWAY_REALIZERS, clusterRealization, gatewayProduct, type GatewayProduct } from '../k8s/realizers.ts';

export interface KindVersions {
  kindNode: string;
  lab: string;
  envoyGateway: { version: string; install: string; installUrl: string; images: string[] };
  ingressNginx: { version: string; install: string; installUrl: string; images: string[] };
  localstack: string;
  ryuk: string;
}

export function versionsFile(env: NodeJS.ProcessEnv = process.env): string {
  return env.EXPOSURE_LAB_KIND_VERSIONS ?? join(PROJECT_ROOT, 'infra', 'kind', 'versions.json');
}

export function loadKindVersions(env: NodeJS.ProcessEnv = process.env): KindVersions {
  return JSON.parse(readFileSync(versionsFile(env), 'utf8')) as KindVersions;
}

/** The command that builds the lab image (echo pods and the emulator containers). */
export function labBuildCommand(v: KindVersions): string {
  return `docker build -f infra/kind/Dockerfile -t ${v.lab} .`;
}

export interface NeededImage {
  image: string;
  why: string;
  /** How to get it into the local Docker engine. */
  get: string;
  /** kind loads it into the nodes (the pods use it); the others run on the host (kind nodes, LocalStack, the reaper). */
  intoNodes: boolean;
}

/** Images the host's Docker engine must hold for this scenario (null: what every kind run needs). */
export function imagesFor(s: Scenario | null, v: KindVersions, env: NodeJS.ProcessEnv = process.env): NeededImage[] {
  const pull = (image: string) => `docker pull ${image}`;
  const out: NeededImage[] = [
    { image: v.kindNode, why: 'kind node', get: pull(v.kindNode), intoNodes: false },
    { image: v.lab, why: 'echo pods and LB emulators', get: labBuildCommand(v), intoNodes: true },
  ];
  if (!s) return out;
  const hops = s.hops.slice(1);
  for (const product of gatewayProducts(s)) {
    const g = GATEWAY_REALIZERS[product];
    const pin = v[g.versionsKey];
    out.push(...pin.images.map((image) => ({ image, why: `${g.title} ${pin.version}`, get: pull(image), intoNodes: true })));
  }
  const outside = hops.map((h) => clusterRealization(h)).filter((c) => c.where === 'outside');
  if (outside.some((c) => c.by === 'localstack-apigw')) out.push({ image: v.localstack, why: 'LocalStack (API Gateway REST)', get: pull(v.localstack), intoNodes: false });
  if (outside.length && env.TESTCONTAINERS_RYUK_DISABLED !== 'true')
    out.push({ image: v.ryuk, why: 'testcontainers reaper (or set TESTCONTAINERS_RYUK_DISABLED=true)', get: pull(v.ryuk), intoNodes: false });
  return out;
}

/** Every image any scenario may need (what `make kind-prereqs` gets). */
export function allKindImages(v: KindVersions): NeededImage[] {
  const out: NeededImage[] = [...imagesFor(null, v)];
  for (const [, g] of Object.entries(GATEWAY_REALIZERS)) {
    const pin = v[g.versionsKey];
    out.push(...pin.images.map((image) => ({ image, why: `${g.title} ${pin.version}`, get: `docker pull ${image}`, intoNodes: true })));
  }
  out.push({ image: v.localstack, why: 'LocalStack (API Gateway REST)', get: `docker pull ${v.localstack}`, intoNodes: false });
  out.push({ image: v.ryuk, why: 'testcontainers reaper', get: `docker pull ${v.ryuk}`, intoNodes: false });
  return out;
}

/** The gateway products a scenario's in-cluster gateways need installed. */
export function gatewayProducts(s: Scenario): GatewayProduct[] {
  return [...new Set(s.hops.filter((h) => h.entry.gateway).map(gatewayProduct))];
}
