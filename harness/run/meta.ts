// Run metadata: lab version, git revision, host. Read once per run (never on a hot path).
import { execFileSync } from 'node:child_process';
import { hostname, cpus, platform } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../lib/paths.ts';

export function labVersion(): string {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')).version;
}

export function gitRevision(): string | null {
  try {
    const rev = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return dirty ? `${rev}-dirty` : rev;
  } catch {
    return null;
  }
}

export function hostInfo() {
  const list = cpus();
  // The CPU model is part of the machine class a regression baseline compares against.
  return { hostname: hostname(), platform: `${platform()} ${process.arch}`, cpus: list.length, ...(list[0]?.model ? { cpuModel: list[0].model.trim() } : {}), node: process.version };
}
