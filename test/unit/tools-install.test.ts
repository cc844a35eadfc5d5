// The installer as `make setup` runs it (scripts/install-tools.ts), on a fixture manifest whose one tool is
// "built" by a fake `go` (test/fixtures/tools/bin/go): a good build is renamed into place only after its version
// matches; a failed build names the tool, the step, the last lines of its log and what to do next, and leaves
// the cache as it was; Ctrl-C stops the build and leaves the cache as it was.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT as REPO_ROOT } from '../../harness/lib/paths.ts';

const FIXTURE = path.join(REPO_ROOT, 'test/fixtures/tools');
const INSTALLER = ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/install-tools.ts')];

let dir: string;
let cache: string;
const envFor = (mode: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  PATH: `${path.join(FIXTURE, 'bin')}${path.delimiter}${process.env.PATH}`,
  EXPOSURE_LAB_TOOLS_MANIFEST: path.join(FIXTURE, 'manifest-fake.yaml'),
  EXPOSURE_LAB_TOOLS_DIR: cache,
  FAKE_GO_MODE: mode,
  ...extra,
});
const install = (mode: string) => spawnSync(process.execPath, [...INSTALLER, 'fake'], { cwd: REPO_ROOT, env: envFor(mode), encoding: 'utf8', timeout: 60_000 });
const cacheEntries = () => (existsSync(cache) ? readdirSync(cache).filter((n) => !n.startsWith('.')) : []);
const temps = () => (existsSync(path.join(cache, '.tmp')) ? readdirSync(path.join(cache, '.tmp')) : []);

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lab-install-'));
  cache = path.join(dir, 'cache');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('installer', () => {
  it('builds, checks the version, renames into place; a second run finds it present and builds nothing', () => {
    const first = install('ok');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/installed fake 1\.0\.0 in \d+ s/);
    expect(cacheEntries()).toEqual(['fake-1.0.0']);
    const stamp = JSON.parse(readFileSync(path.join(cache, 'fake-1.0.0', '.tool.json'), 'utf8'));
    expect(stamp).toMatchObject({ tool: 'fake', version: '1.0.0' });
    expect(readFileSync(path.join(cache, 'fake-1.0.0', 'install.log'), 'utf8')).toMatch(/fake version 1\.0\.0/);
    expect(temps()).toEqual([]);
    const second = install('fail'); // would fail if it built again
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/1 present/);
  });

  it('a failed build: tool, step, the last lines of its log, what next; exit 1; the cache as it was', () => {
    const r = install('fail');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: fake, step "go build": go exited with code 1/);
    expect(r.stderr).toMatch(/last lines of .*\.logs\/fake-1\.0\.0\.log/);
    expect(r.stderr).toMatch(/fake\.go:40: compile error number 40/);
    expect(r.stderr).not.toMatch(/compile error number 5\b/); // only the tail
    expect(r.stderr).toMatch(/next: re-run `bash scripts\/setup\.sh fake`; the wrapper module is test\/fixtures\/tools\/fake-wrapper/);
    expect(cacheEntries()).toEqual([]);
    expect(temps()).toEqual([]);
  });

  it('a build whose binary reports another version is refused at the verify step', () => {
    const r = install('wrong');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/FAILED: fake, step "verify": fake reports version 0\.9\.0, the manifest pins 1\.0\.0/);
    expect(cacheEntries()).toEqual([]);
    expect(temps()).toEqual([]);
  });

  it('bad input: an unknown tool or target is a clear error with exit 2', () => {
    const r = spawnSync(process.execPath, [...INSTALLER, 'nosuchtool'], { cwd: REPO_ROOT, env: envFor('ok'), encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown tool "nosuchtool"[\s\S]*hint: tools: fake/);
    const t = spawnSync(process.execPath, [...INSTALLER, '--for', 'everything'], { cwd: REPO_ROOT, env: envFor('ok'), encoding: 'utf8' });
    expect(t.status).toBe(2);
    expect(t.stderr).toMatch(/unknown target everything[\s\S]*hint: targets: bench, perf, kind, test/);
  });

  it('Ctrl-C during a build kills the build and leaves the cache as it was', async () => {
    const pidFile = path.join(dir, 'go.pid');
    const child = spawn(process.execPath, [...INSTALLER, 'fake'], { cwd: REPO_ROOT, env: envFor('hang', { FAKE_GO_PIDFILE: pidFile }), stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    for (let i = 0; i < 200 && !existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(pidFile), 'the fake build started').toBe(true);
    expect(temps().length).toBe(1);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(err).toMatch(/SIGINT: stopped; removed .*\.tmp\/fake-1\.0\.0\.\d+, the cache is as it was/);
    const goPid = Number(readFileSync(pidFile, 'utf8'));
    let alive = true;
    for (let i = 0; i < 40 && alive; i++) {
      try {
        process.kill(goPid, 0);
        await new Promise((r) => setTimeout(r, 50));
      } catch {
        alive = false;
      }
    }
    expect(alive, 'the build process was killed').toBe(false);
    expect(cacheEntries()).toEqual([]);
    expect(temps()).toEqual([]);
  });
});
