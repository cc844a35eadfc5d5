// Loading images into the kind nodes one at a time, as a single-platform archive. `kind load docker-image`
// saves every platform the image index names and its node-side import asks for all of them, which fails
// ("content digest ... not found") under Docker's containerd image store, the default in Docker Engine 29 and
// Docker Desktop 4.34+, for any multi-arch image pulled for one platform (kubernetes-sigs/kind#3795; kind's
// documented workaround: `docker image save --platform` then `kind load image-archive`). One image per
// command, so one bad image is named and the others still load.
import { join } from 'node:path';
import type { ExecResult } from '../../cluster/exec.ts';

export type Exec = (cmd: string, args: string[], o: { timeoutMs: number; signal?: AbortSignal }) => Promise<ExecResult>;

export interface ImageLoad {
  image: string;
  archive: string;
  /** docker image save for the nodes' platform only. */
  save: string[];
  /** Docker engines older than 28 know no --platform on save (and no containerd store): the plain save. */
  saveWithoutPlatform: string[];
  load: string[];
}

/** Docker's architecture names (docker version .Server.Arch) are the OCI ones: amd64, arm64. */
export function imageLoads(images: string[], o: { cluster: string; arch: string; dir: string }): ImageLoad[] {
  return images.map((image, i) => {
    const archive = join(o.dir, `image-${i}.tar`);
    return {
      image,
      archive,
      save: ['image', 'save', '--platform', `linux/${o.arch}`, '-o', archive, image],
      saveWithoutPlatform: ['image', 'save', '-o', archive, image],
      load: ['load', 'image-archive', archive, '--name', o.cluster],
    };
  });
}

const lastLine = (r: ExecResult) => (r.stderr || r.stdout).trim().split('\n').slice(-2).join(' | ');

export async function loadImages(
  loads: ImageLoad[],
  o: { exec: Exec; log: (l: string) => void; signal?: AbortSignal; timeoutMs?: number },
): Promise<{ loaded: string[]; failed: Array<{ image: string; error: string }> }> {
  const loaded: string[] = [];
  const failed: Array<{ image: string; error: string }> = [];
  const t = { timeoutMs: o.timeoutMs ?? 300_000, signal: o.signal };
  for (const l of loads) {
    if (o.signal?.aborted) {
      failed.push({ image: l.image, error: 'interrupted' });
      continue;
    }
    let saved = await o.exec('docker', l.save, t);
    if (saved.code !== 0 && /unknown flag: --platform/.test(saved.stderr)) saved = await o.exec('docker', l.saveWithoutPlatform, t);
    if (saved.code !== 0) {
      failed.push({ image: l.image, error: `docker image save: ${lastLine(saved)}` });
      o.log(`image FAILED: ${l.image}: docker image save: ${lastLine(saved)}`);
      continue;
    }
    const r = await o.exec('kind', l.load, t);
    if (r.code !== 0) {
      failed.push({ image: l.image, error: `kind load image-archive: ${lastLine(r)}` });
      o.log(`image FAILED: ${l.image}: kind load image-archive: ${lastLine(r)}`);
      continue;
    }
    loaded.push(l.image);
    o.log(`image ok: ${l.image}`);
  }
  return { loaded, failed };
}
