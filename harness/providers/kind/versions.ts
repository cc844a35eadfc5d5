// The pinned images and install manifests of infra/kind/versions.json, and which ones a scenario needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../scenario/resolve.ts';
import type { Scenario } from '../../scenario/model.ts';

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
  const has = (c: string) => s.hops.some((h) => h.component === c);
  if (has('envoy-gateway')) out.push(...v.envoyGateway.images.map((image) => ({ image, why: `Envoy Gateway ${v.envoyGateway.version}` })));
  if (has('ingress-nginx')) out.push(...v.ingressNginx.images.map((image) => ({ image, why: `ingress-nginx ${v.ingressNginx.version}` })));
  if (has('apigw-rest')) out.push({ image: v.localstack, why: 'LocalStack (API Gateway REST)' });
  const outsideHops = s.hops.some((h) => !['client', 'kube-proxy', 'envoy-gateway', 'ingress-nginx', 'service'].includes(h.component));
  if (outsideHops && env.TESTCONTAINERS_RYUK_DISABLED !== 'true') out.push({ image: v.ryuk, why: 'testcontainers reaper (or set TESTCONTAINERS_RYUK_DISABLED=true)' });
  return out;
}
