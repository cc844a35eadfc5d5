// `make kind-prereqs`: everything the kind provider needs in the local Docker engine and infra/kind/vendor/,
// from the pins in infra/kind/versions.json: pull every image, build the lab image, download the install
// manifests. A run pulls nothing, so this is the one place images come from. --dry-run prints the commands.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../harness/lib/paths.ts';
import { allKindImages, labBuildCommand, loadKindVersions, type KindVersions } from '../harness/cluster/versions.ts';

export function kindPrereqCommands(v: KindVersions): string[][] {
  const cmds: string[][] = [];
  for (const i of allKindImages(v)) if (i.image !== v.lab) cmds.push(['docker', 'pull', i.image]);
  cmds.push(labBuildCommand(v).split(' '));
  for (const m of [v.envoyGateway, v.ingressNginx]) cmds.push(['curl', '-fsSL', '-o', m.install, m.installUrl]);
  return cmds;
}

if (process.argv[1]?.endsWith('kind-prereqs.ts')) {
  const dry = process.argv.includes('--dry-run');
  const cmds = kindPrereqCommands(loadKindVersions());
  const failed: string[] = [];
  for (const c of cmds) {
    console.log(`$ ${c.join(' ')}`);
    if (dry) continue;
    if (c[0] === 'curl') mkdirSync(join(PROJECT_ROOT, dirname(c[3])), { recursive: true });
    const r = spawnSync(c[0], c.slice(1), { cwd: PROJECT_ROOT, stdio: 'inherit' });
    if (r.status !== 0) failed.push(`${c.join(' ')} (${r.error?.message ?? `exit ${r.status}`})`);
  }
  if (failed.length) {
    console.error(`kind-prereqs: ${failed.length} command(s) failed:\n  ${failed.join('\n  ')}\nhint: a Docker engine that answers and internet access (registries, github.com) are needed here`);
    process.exit(1);
  }
}
