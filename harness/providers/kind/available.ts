// Whether this machine can run the kind provider, and if not, exactly what to install or build.
import { run, toolVersion } from '../../cluster/exec.ts';

export interface KindFacts {
  kind: string | null;
  kubectl: string | null;
  /** null: `docker info` worked; else its error. */
  dockerError: string | null;
  dockerCli: boolean;
  missingImages: Array<{ image: string; why: string }>;
}

/** Pure: the verdict from what was found, listing every missing piece at once. */
export function diagnoseKind(f: KindFacts): { ok: true } | { ok: false; reason: string; hint: string } {
  const reasons: string[] = [];
  const hints: string[] = [];
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
    reasons.push(`images missing from the local Docker engine: ${f.missingImages.map((i) => i.image).join(', ')}`);
    hints.push(...f.missingImages.map((i) => `${i.image}: ${i.why}`));
  }
  if (!reasons.length) return { ok: true };
  return { ok: false, reason: reasons.join('; '), hint: hints.join('; ') };
}

/** Which of the images are absent from the local engine (`docker image inspect`, never a pull). */
export async function missingImages(images: Array<{ image: string; why: string }>): Promise<Array<{ image: string; why: string }>> {
  const out: Array<{ image: string; why: string }> = [];
  for (const i of images) {
    const r = await run('docker', ['image', 'inspect', '--format', '{{.Id}}', i.image], { timeoutMs: 15_000 });
    if (r.code !== 0) out.push(i);
  }
  return out;
}

export async function probeKind(images: Array<{ image: string; why: string }>): Promise<KindFacts> {
  const [kind, kubectl, dockerCli] = await Promise.all([toolVersion('kind', ['version']), toolVersion('kubectl', ['version', '--client']), toolVersion('docker', ['--version'])]);
  let dockerError: string | null = null;
  if (dockerCli) {
    const info = await run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 });
    if (info.code !== 0) dockerError = (info.stderr || info.stdout).trim() || `docker info exited ${info.code}`;
  }
  // Image checks only make sense with an engine to ask.
  const missing = dockerCli && !dockerError ? await missingImages(images) : [];
  return { kind, kubectl, dockerError, dockerCli: !!dockerCli, missingImages: missing };
}
