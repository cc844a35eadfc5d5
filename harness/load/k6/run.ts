// Runs k6 for a plan: the pinned k6 binary (harness/tools: PATH at the pinned version, else the project's
// cache), else the grafana/k6 image when a Docker engine answers, else a clear error. The summary comes back through handleSummary (see script.ts).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LoadOutcome, LoadPlan } from '../types.ts';
import { writeK6Script } from './script.ts';
import { readK6Summary } from './summary.ts';
import { locateTool } from '../../tools/registry.ts';

/** Pinned so results are reproducible; bump deliberately. */
export const K6_IMAGE = 'grafana/k6:0.54.0';

export interface K6RunOptions {
  signal?: AbortSignal;
  scenario?: string;
}

export function k6Version(): string | null {
  const bin = locateTool('k6');
  if (!bin) return null;
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  return /k6 (v[\d.]+)/.exec(r.stdout)?.[1] ?? 'unknown';
}

/** --local-ips binds VUs to source addresses; k6 supports it on Linux only. */
function localIpsArgs(plan: LoadPlan): string[] {
  return process.platform === 'linux' && plan.sources.length > 0 ? [`--local-ips=${plan.sources.join(',')}`] : [];
}

export async function runK6(plan: LoadPlan, opts: K6RunOptions = {}): Promise<LoadOutcome> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'exposure-lab-k6-'));
  try {
    await fs.writeFile(path.join(dir, 'script.js'), writeK6Script(plan, { scenario: opts.scenario ?? 'adhoc' }));
    const version = k6Version();
    let interrupted: boolean;
    let driver: string;
    if (version) {
      driver = `k6 ${version}`;
      interrupted = await runBinary(plan, dir, opts.signal);
    } else if (await dockerAnswers()) {
      if (opts.signal?.aborted) throw new Error('k6 run aborted before it started');
      driver = `k6 (${K6_IMAGE})`;
      await runContainer(plan, dir);
      interrupted = false;
    } else {
      throw new Error(
        'k6 is not installed and no Docker engine answered. Install k6 with `bash scripts/setup.sh k6` (the pinned k6 v2; ' +
          `\`exposure-lab doctor\` shows it), or start Docker so the ${K6_IMAGE} image can run, or use the built-in driver (--driver builtin).`,
      );
    }
    const summary = await fs.readFile(path.join(dir, 'summary.json'), 'utf8').catch(() => {
      throw new Error(`k6 finished without writing its summary (${path.join(dir, 'summary.json')}); see k6's output above`);
    });
    return readK6Summary(summary, plan, { driver, interrupted });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Resolves to true when the run was interrupted. k6 exits 99 when a threshold fails: still a result. */
function runBinary(plan: LoadPlan, dir: string, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn(locateTool('k6') ?? 'k6', ['run', '--no-usage-report', ...localIpsArgs(plan), '-e', 'LAB_SUMMARY_PATH=summary.json', 'script.js'], {
      cwd: dir,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    let interrupted = false;
    // SIGINT makes k6 stop gracefully and still run handleSummary on what it measured.
    const onAbort = () => {
      interrupted = true;
      child.kill('SIGINT');
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', reject);
    child.on('exit', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (interrupted || code === 0 || code === 99) resolve(interrupted);
      else reject(new Error(`k6 exited with code ${code}`));
    });
  });
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

/**
 * Host networking so the container reaches the 127.x targets and can bind the source addresses. The call
 * returns when k6 exits; an abort is honoured before the start only (the run itself is bounded by the plan).
 */
async function runContainer(plan: LoadPlan, dir: string): Promise<void> {
  const { GenericContainer, Wait } = await import('testcontainers');
  await new GenericContainer(K6_IMAGE)
    .withNetworkMode('host')
    .withBindMounts([{ source: dir, target: '/work', mode: 'rw' }])
    .withWorkingDir('/work')
    .withUser(`${process.getuid?.() ?? 0}`)
    .withCommand(['run', '--no-usage-report', ...localIpsArgs(plan), '-e', 'LAB_SUMMARY_PATH=/work/summary.json', '/work/script.js'])
    .withWaitStrategy(Wait.forOneShotStartup())
    .start()
    .catch((e: Error) => {
      throw new Error(`the ${K6_IMAGE} container failed: ${e.message}`);
    });
}
