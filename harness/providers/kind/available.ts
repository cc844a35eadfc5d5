// Whether this machine can run the kind provider, and if not, exactly what to install, pull or build.
import { run, toolVersion } from '../../cluster/exec.ts';
import type { NeededImage } from '../../cluster/versions.ts';

export interface KindFacts {
  /** process.platform: the kind provider needs Linux (host-network containers, port mappings on 127.22.x.y). */
  platform: string;
  kind: string | null;
  kubectl: string | null;
  /** null: `docker info` worked; else its error. */
  dockerError: string | null;
  dockerCli: boolean;
  missingImages: NeededImage[];
}

/** Pure: the verdict from what was found, listing every missing piece at once. */
export function diagnoseKind(f: KindFacts): { ok: true } | { ok: false; reason: string; hint: string } {
  const reasons: string[] = [];
  const hints: string[] = [];
  if (f.platform !== 'linux') {
    reasons.push(`the kind provider needs Linux and its Docker engine (this is ${f.platform}): the emulated load balancers run as host-network containers and the nodes publish their NodePorts on 127.22.<az>.<n>, neither of which Docker Desktop offers`);
    hints.push('use a Linux machine, or the cluster provider against your Docker Desktop / k3d cluster (EXPOSURE_LAB_NODE_ADDRESS=127.0.0.1)');
  }
  if (!f.kind) {
    reasons.push('`kind` is not installed');
    hints.push('install kind: bash scripts/setup.sh kind builds the pinned one (exposure-lab doctor --provider kind)');
  }
  if (!f.kubectl) {
    reasons.push('`kubectl` is not installed');
    hints.push('install kubectl: bash scripts/setup.sh kubectl builds the pinned one (it applies the Envoy Gateway / ingress-nginx install manifests)');
  }
  if (!f.dockerCli) {
    reasons.push('the `docker` CLI is not installed');
    hints.push('install Docker Engine');
  } else if (f.dockerError) {
    reasons.push(`no Docker engine answers (${f.dockerError.split('\n')[0]})`);
    hints.push('start the Docker daemon (or set DOCKER_HOST)');
  }
  if (f.missingImages.length) {
    reasons.push(`images missing from the local Docker engine (nothing is pulled during a run): ${f.missingImages.map((i) => i.image).join(', ')}`);
    hints.push(`make kind-prereqs gets them all, or: ${f.missingImages.map((i) => `${i.get} (${i.why})`).join('; ')}`);
  }
  if (!reasons.length) return { ok: true };
  return { ok: false, reason: reasons.join('; '), hint: hints.join('; ') };
}

/** Which of the images are absent from the local engine (`docker image inspect`, never a pull). */
export async function missingImages(images: NeededImage[]): Promise<NeededImage[]> {
  const out: NeededImage[] = [];
  for (const i of images) {
    const r = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', i.image], { timeoutMs: 15_000 });
    if (r.code !== 0) out.push(i);
  }
  return out;
}

export async function probeKind(images: NeededImage[]): Promise<KindFacts> {
  const [kind, kubectl, dockerCli] = await Promise.all([toolVersion('kind', ['version']), toolVersion('kubectl', ['version', '--client']), toolVersion('docker', ['--version'])]);
  let dockerError: string | null = null;
  if (dockerCli) {
    const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
    if (info.code !== 0) dockerError = (info.stderr || info.stdout).trim() || `docker info exited ${info.code}`;
  }
  // Image checks only make sense with an engine to ask.
  const missing = dockerCli && !dockerError ? await missingImages(images) : [];
  return { platform: process.platform, kind, kubectl, dockerError, dockerCli: !!dockerCli, missingImages: missing };
}
