// Locating tools: version parsing with the manifest's own regexes, PATH only at the pinned version, the
// cache only when its install completed, and the status record doctor prints.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadManifest } from '../../harness/tools/manifest.ts';
import { compareVersions, forgetProbes, funcEDataHome, installDir, locate, locateTool, parseVersion, STAMP, toolEnv, toolFor, toolsRoot, toolStatus, versionMatches } from '../../harness/tools/registry.ts';

const m = loadManifest();
const regexOf = (bin: string) => {
  const spec = toolFor(bin)!.spec;
  if (!('regex' in spec)) throw new Error(`${bin} has no version regex`);
  return spec.regex;
};

describe('version parsing with the manifest regexes, on what each tool really prints', () => {
  const samples: Array<[string, string, string]> = [
    ['envoy', '\nenvoy/_bin/envoy  version: b579d07d3ad7ee11d32b105e91a5a39ad24718d7/1.39.1/Clean/RELEASE/BoringSSL\n', '1.39.1'],
    ['envoy-gateway', 'ENVOY_GATEWAY_VERSION: v1.9.1\nENVOY_PROXY_VERSION: distroless-v1.39.1@sha256\nGATEWAYAPI_VERSION: v1.6.1\n', '1.9.1'],
    ['k6', 'k6 v2.2.0 (commit/devel, go1.26.8, linux/amd64)\n', '2.2.0'],
    ['kube-apiserver', 'Kubernetes v1.36.3\n', '1.36.3'],
    ['etcd', 'etcd Version: 3.6.8\nGit SHA: GitNotFound\nGo Version: go1.26.8\nGo OS/Arch: linux/amd64\n', '3.6.8'],
    ['kubectl', 'Client Version: v1.32.4-dispatcher\nKustomize Version: v5.5.0\n', '1.32.4'],
    ['kind', 'kind v0.33.0 go1.26.8 linux/amd64\n', '0.33.0'],
    ['nginx', 'nginx version: nginx/1.22.1\n', '1.22.1'],
    ['wrk', 'wrk debian/4.1.0-3+b2 [epoll] Copyright (C) 2012 Will Glozer\n', '4.1.0'],
    ['chromium', 'Chromium 156.0.8078.108 built on Debian GNU/Linux 12 (bookworm)\n', '156.0.8078.108'],
  ];
  it.each(samples)('%s', (bin, out, want) => {
    expect(parseVersion(out, regexOf(bin))).toBe(want);
  });
  it('no version in the output is null, not a guess', () => {
    expect(parseVersion('command not found', regexOf('envoy'))).toBeNull();
    expect(parseVersion('ENVOY_GATEWAY_VERSION: \n', regexOf('envoy-gateway'))).toBeNull();
  });
  it('compares versions numerically and matches pins exactly (distro accepts any found version)', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('3.10', '3.10.0')).toBe(0);
    expect(compareVersions('1.26.8', '1.26.10')).toBe(-1);
    expect(versionMatches('1.39.1', '1.39.1')).toBe(true);
    expect(versionMatches('1.39.10', '1.39.1')).toBe(false);
    expect(versionMatches('1.22.1', 'distro')).toBe(true);
    expect(versionMatches(null, 'distro')).toBe(false);
  });
});

describe('locate: PATH only at the pinned version, else the cache', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const pinned = m.tools.envoy.version;
  const fakeEnvoy = (file: string, version: string) => {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, `#!/bin/sh\necho "envoy  version: 0000000000000000000000000000000000000000/${version}/Clean/RELEASE/BoringSSL"\n`);
    chmodSync(file, 0o755);
  };
  const cacheEnvoy = (opts: { stamp: boolean }) => {
    const d = installDir('envoy', pinned, env);
    fakeEnvoy(path.join(d, 'bin', 'envoy'), pinned);
    if (opts.stamp) writeFileSync(path.join(d, STAMP), '{}');
    return path.join(d, 'bin', 'envoy');
  };

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lab-locate-'));
    env = { HOME: dir, PATH: path.join(dir, 'path-bin'), EXPOSURE_LAB_TOOLS_DIR: path.join(dir, 'cache') };
    forgetProbes();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the cache root is outside the clone and follows XDG_CACHE_HOME', () => {
    expect(toolsRoot({ HOME: '/home/u' })).toBe('/home/u/.cache/exposure-lab/tools');
    expect(toolsRoot({ HOME: '/home/u', XDG_CACHE_HOME: '/c' })).toBe('/c/exposure-lab/tools');
    expect(toolsRoot({ HOME: '/home/u', EXPOSURE_LAB_TOOLS_DIR: '/t' })).toBe('/t');
  });

  it('nothing anywhere: null, and the status says missing with the install command', async () => {
    expect(locateTool('envoy', env)).toBeNull();
    const s = await toolStatus('envoy', env);
    expect(s).toMatchObject({ state: 'missing', found: false, needed: pinned, path: null });
    expect(s.installHint).toMatch(/make setup/);
  });

  it('PATH at the pinned version wins', async () => {
    fakeEnvoy(path.join(dir, 'path-bin', 'envoy'), pinned);
    cacheEnvoy({ stamp: true });
    expect(locate('envoy', env)).toEqual({ path: path.join(dir, 'path-bin', 'envoy'), origin: 'path' });
    expect(await toolStatus('envoy', env)).toMatchObject({ state: 'ok', source: 'path', version: pinned });
  });

  it('PATH at another version is skipped for the cache, and the status notes the ignored copy', async () => {
    fakeEnvoy(path.join(dir, 'path-bin', 'envoy'), '1.31.2');
    const cached = cacheEnvoy({ stamp: true });
    expect(locateTool('envoy', env)).toBe(cached);
    const s = await toolStatus('envoy', env);
    expect(s).toMatchObject({ state: 'ok', source: 'cache', version: pinned, path: cached });
    expect(s.notes.join()).toMatch(/path-bin\/envoy on PATH is 1\.31\.2, needed 1\.39\.1: ignored/);
  });

  it('PATH at another version and no cache: wrong-version, naming the version found and the one needed', async () => {
    fakeEnvoy(path.join(dir, 'path-bin', 'envoy'), '1.31.2');
    expect(locateTool('envoy', env)).toBeNull();
    expect(await toolStatus('envoy', env)).toMatchObject({ state: 'wrong-version', found: true, version: '1.31.2', needed: pinned, source: 'path' });
  });

  it('a cache folder without its completion stamp (a half install) does not count', () => {
    cacheEnvoy({ stamp: false });
    expect(locateTool('envoy', env)).toBeNull();
  });

  it('Debian tools are found on PATH or in the sbin folders, whatever their version', () => {
    const nginx = path.join(dir, 'path-bin', 'nginx');
    mkdirSync(path.dirname(nginx), { recursive: true });
    writeFileSync(nginx, '#!/bin/sh\necho "nginx version: nginx/0.1.0" >&2\n');
    chmodSync(nginx, 0o755);
    expect(locate('nginx', env)).toEqual({ path: nginx, origin: 'debian' });
  });

  it('toolEnv puts the located tools first on PATH; funcEDataHome links the pinned Envoy where func-e looks', () => {
    const cached = cacheEnvoy({ stamp: true });
    const e = toolEnv(['envoy', 'k6'], env);
    expect(e.PATH!.split(path.delimiter)[0]).toBe(path.dirname(cached));
    expect(e.PATH!.endsWith(env.PATH!)).toBe(true);
    const home = funcEDataHome(env)!;
    const link = path.join(home, 'envoy-versions', pinned, 'bin', 'envoy');
    expect(existsSync(link)).toBe(true);
    expect(readlinkSync(link)).toBe(cached);
    expect(funcEDataHome(env)).toBe(home); // idempotent
  });

  it('an unknown tool is an error, not a silent null', async () => {
    await expect(toolStatus('envy', env)).rejects.toThrow(/unknown tool "envy"/);
  });
});
