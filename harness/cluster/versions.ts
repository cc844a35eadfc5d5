// The pinned images and install manifests (infra/kind/versions.json) the cluster providers use, and which ones a scenario needs.
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

export function loadKindVersions(env: NodeJS.ProcessEnv = process.env): KindVersions {
  const file = env.EXPOSURE_LAB_KIND_VERSIONS ?? join(PROJECT_ROOT, 'infra', 'kind', 'versions.json');
  return JSON.parse(readFileSync(file, 'utf8')) as KindVersions;
}

/** Images the host's Docker engine must hold for this scenario (kind loads them into the nodes). */
export function imagesFor(s: Scenario | null, v: KindVersions, env: NodeJS.ProcessEnv = process.env): { image: string; why: string }[] {
  const out = [
    { image: v.kindNode, why: 'kind node' },
    { image: v.lab, why: 'echo pods and LB emulators (docker build -f infra/kind/Dockerfile -t ' + v.lab + ' .)' },
  ];
  if (!s) return out;
  const hops = s.hops.slice(1);
  for (const product of gatewayProducts(s)) {
    const g = GATEWAY_REALIZERS[product];
    const pin = v[g.versionsKey];
    out.push(...pin.images.map((image) => ({ image, why: `${g.title} ${pin.version}` })));
  }
  const outside = hops.map((h) => clusterRealization(h)).filter((c) => c.where === 'outside');
  if (outside.some((c) => c.by === 'localstack-apigw')) out.push({ image: v.localstack, why: 'LocalStack (API Gateway REST)' });
  if (outside.length && env.TESTCONTAINERS_RYUK_DISABLED !== 'true') out.push({ image: v.ryuk, why: 'testcontainers reaper (or set TESTCONTAINERS_RYUK_DISABLED=true)' });
  return out;
}

/** The gateway products a scenario's in-cluster gateways need installed. */
export function gatewayProducts(s: Scenario): GatewayProduct[] {
  return [...new Set(s.hops.filter((h) => h.entry.gateway).map(gatewayProduct))];
}
