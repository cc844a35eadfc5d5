// Writes infra/kind/cluster.yaml: the kind config the public-nlb scenario gets (for review; runs generate their own).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarioOrThrow, PROJECT_ROOT } from '../../scenario/resolve.ts';
import { renderScenario } from '../../k8s/render.ts';
import { kindClusterConfig, kindConfigYaml } from '../../k8s/kind-config.ts';
import { loadKindVersions } from '../../cluster/versions.ts';

const v = loadKindVersions();
const s = loadScenarioOrThrow('public-nlb');
const m = renderScenario(s, { runId: 'example', target: 'kind', echoImage: v.lab });
writeFileSync(join(PROJECT_ROOT, 'infra', 'kind', 'cluster.yaml'), kindConfigYaml(kindClusterConfig(s, { nodeImage: v.kindNode, nodePorts: m.nodePorts })));
