// The tool manifest: the shipped one loads and agrees with the wrapper modules and tests it names; a bad one
// gives located errors (file, line, field) with a hint.
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest, MANIFEST_PATH, parseManifest } from '../../harness/tools/manifest.ts';
import { PROJECT_ROOT as REPO_ROOT } from '../../harness/lib/paths.ts';
import { UserError } from '../../harness/lib/errors.ts';

const shipped = readFileSync(MANIFEST_PATH, 'utf8');

describe('the shipped manifest (infra/tools/tools.yaml)', () => {
  const m = loadManifest(MANIFEST_PATH);

  it('loads without a problem and names the tools the lab builds on', () => {
    expect(parseManifest(shipped, 'tools.yaml').diagnostics).toEqual([]);
    const binaries = Object.values(m.tools).flatMap((t) => Object.keys(t.binaries ?? {}));
    for (const b of ['envoy', 'envoy-gateway', 'egctl', 'k6', 'etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'moto_server', 'nginx', 'wrk', 'chromium', 'kind', 'kubectl']) {
      expect(binaries, b).toContain(b);
    }
  });

  it('pins versions that fit each other: Envoy Gateway v1.9.1 with its default Envoy 1.39.1 and Gateway API v1.6.1; one Kubernetes minor', () => {
    expect(m.tools.envoy.version).toBe('1.39.1');
    expect(m.tools['envoy-gateway'].version).toBe('1.9.1');
    expect(m.tools.egctl.version).toBe(m.tools['envoy-gateway'].version);
    expect(m.tools['envoy-gateway-crds'].version).toBe(m.tools['envoy-gateway'].version);
    expect(m.tools['gateway-api-crds'].version).toBe('1.6.1');
    expect(m.tools.kubectl.version).toBe(m.tools['kube-control-plane'].version);
    expect(m.tools['kube-control-plane'].version.split('.').slice(0, 2).join('.')).toBe('1.36');
    expect(m.tools.k6.version.startsWith('2.')).toBe(true);
  });

  it('every go-wrapper module requires the pinned module version, and its go.sum is committed', () => {
    for (const [name, t] of Object.entries(m.tools)) {
      if (t.source.type !== 'go-wrapper') continue;
      const dir = path.join(REPO_ROOT, t.source.dir);
      const gomod = readFileSync(path.join(dir, 'go.mod'), 'utf8');
      expect(gomod, `${name}: ${t.source.dir}/go.mod`).toMatch(new RegExp(`^\\s*(require\\s+)?${t.source.module.replace(/\./g, '\\.')}\\s+${t.source.moduleVersion.replace(/\./g, '\\.')}\\b`, 'm'));
      expect(existsSync(path.join(dir, 'go.sum')), `${name}: go.sum`).toBe(true);
      for (const p of t.source.packages) expect(gomod, `${name}: tool directive for ${p}`).toMatch(new RegExp(`^\\s*(tool\\s+)?${p.replace(/\./g, '\\.')}\\s*$`, 'm'));
    }
  });

  it('the Kubernetes wrapper maps every staging module to the published module of the same release', () => {
    const gomod = readFileSync(path.join(REPO_ROOT, 'infra/tools/go/kubernetes/go.mod'), 'utf8');
    const replaces = [...gomod.matchAll(/^\s*(k8s\.io\/[\w-]+) => (k8s\.io\/[\w-]+) (v\S+)$/gm)];
    expect(replaces.length).toBeGreaterThan(25);
    for (const [, from, to, v] of replaces) {
      expect(to).toBe(from);
      expect(v).toBe('v0.36.3');
    }
  });

  it('every test it names exists', () => {
    for (const [name, t] of Object.entries(m.tools)) for (const f of t.tests) expect(existsSync(path.join(REPO_ROOT, f)), `${name}: ${f}`).toBe(true);
  });

  it('sources nothing can install say why and what the lab does instead', () => {
    const unavailable = Object.entries(m.tools).filter(([, t]) => t.source.type === 'unavailable');
    expect(unavailable.map(([n]) => n).sort()).toEqual(['aws-gateway-controller-crds', 'k6-operator-crds', 'localstack']);
    for (const [, t] of unavailable) if (t.source.type === 'unavailable') expect(t.source.instead.length).toBeGreaterThan(20);
  });
});

/** The shipped manifest with one edit applied, parsed. */
function broken(edit: (s: string) => string) {
  const text = edit(shipped);
  expect(text).not.toBe(shipped);
  return { text, r: parseManifest(text, 'tools.yaml') };
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('a bad manifest', () => {
  it('an unknown key is located and gets a did-you-mean hint', () => {
    const { text, r } = broken((s) => s.replace('    install: auto\n    targets: [bench]\n    providers: [local]\n    neededBy: [the Envoy that Envoy Gateway', '    instal: auto\n    targets: [bench]\n    providers: [local]\n    neededBy: [the Envoy that Envoy Gateway'));
    expect(r.manifest).toBeUndefined();
    const d = r.diagnostics.find((x) => x.message === 'unknown key "instal"');
    expect(d).toMatchObject({ file: 'tools.yaml', line: lineOf(text, 'instal: auto'), field: 'tools.envoy.instal' });
    expect(d?.hint).toMatch(/did you mean "install"/);
  });

  it('a wrong type, an unknown source type and a bad enum are all reported at once, each at its line', () => {
    const { text, r } = broken((s) =>
      s
        .replace('    version: 0.8.0\n', '    version: 0.8\n')
        .replace('    source: { type: debian, package: wrk }', '    source: { type: debain, package: wrk }')
        .replace('    version: 0.33.0\n    install: on-demand\n', '    version: 0.33.0\n    install: sometimes\n'),
    );
    const fields = r.diagnostics.map((d) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['tools.kwok.version', 'tools.wrk.source.type', 'tools.kind.install']));
    const src = r.diagnostics.find((d) => d.field === 'tools.wrk.source.type')!;
    expect(src.line).toBe(lineOf(text, 'type: debain'));
    expect(src.message).toBe('unknown source type "debain"');
    expect(src.hint).toMatch(/did you mean "debian"\? source types: debian, pip-wheel/);
    expect(r.diagnostics.find((d) => d.field === 'tools.kind.install')?.hint).toMatch(/auto, on-demand/);
  });

  it('a Go module version that disagrees with the tool version is an error at moduleVersion', () => {
    const { text, r } = broken((s) => s.replace('      moduleVersion: v0.33.0', '      moduleVersion: v0.32.0'));
    const d = r.diagnostics.find((x) => x.field === 'tools.kind.source.moduleVersion');
    expect(d?.line).toBe(lineOf(text, 'moduleVersion: v0.32.0'));
    expect(d?.hint).toMatch(/v0\.33\.0/);
  });

  it('a version regex without a capture group, and a binary two tools provide, are errors', () => {
    const { r } = broken((s) => s.replace("k6: { args: [version], regex: 'k6 v(\\d+\\.\\d+\\.\\d+)' }", "k6: { args: [version], regex: 'k6 v\\d+' }"));
    expect(r.diagnostics.map((d) => d.field)).toContain('tools.k6.binaries.k6.regex');
    const dup = broken((s) => s.replace("      wrk: { args: [-v]", "      nginx: { args: [-v]"));
    expect(dup.r.diagnostics.find((d) => d.field === 'tools.wrk.binaries.nginx')?.hint).toMatch(/nginx provides "nginx" too/);
  });

  it('YAML syntax errors and duplicate keys are located', () => {
    const { text, r } = broken((s) => s.replace('  wrk:\n    summary:', '  wrk:\n    summary: x\n    summary:'));
    expect(r.diagnostics[0]).toMatchObject({ code: 'yaml-syntax', line: lineOf(text, 'summary: x') + 1 });
  });

  it('loadManifest turns problems into one UserError naming file, line and field', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-manifest-'));
    try {
      const f = path.join(dir, 'tools.yaml');
      writeFileSync(f, shipped.replace('    version: 1.39.1\n', '    version: latest\n'));
      let err: unknown;
      try {
        loadManifest(f);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toMatch(new RegExp(`tools\\.yaml:${lineOf(shipped, '    version: 1.39.1')}:\\d+: error: tools\\.envoy\\.version: "latest" is not valid here`));
      expect((err as UserError).hint).toMatch(/infra\/tools\/tools\.yaml/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
