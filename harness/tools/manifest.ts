// The tool manifest (infra/tools/tools.yaml): schema and strict loading. Every problem comes back located
// (file, line, column, field) with a hint, through the same strict YAML loader as scenarios and profiles.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseStrictYaml } from '../lib/strict-yaml.ts';
import { closest, formatDiagnostic, type LocatedDiagnostic } from '../lib/diagnostics.ts';
import { UserError } from '../lib/errors.ts';
import { PROJECT_ROOT } from '../lib/paths.ts';

export const MANIFEST_PATH = path.join(PROJECT_ROOT, 'infra/tools/tools.yaml');

/** Make targets that install a subset (`bash scripts/setup.sh --for <target>`); `test` means every auto tool. */
export const TARGETS = ['bench', 'perf', 'kind', 'test'] as const;
export const PROVIDERS = ['local', 'kind', 'cluster', 'eks', 'model'] as const;
export const SOURCE_TYPES = ['debian', 'pip-wheel', 'pip-venv', 'go-install', 'go-wrapper', 'go-module-files', 'unavailable'] as const;

const name = z.string().regex(/^[a-z0-9][a-z0-9_.-]*$/, 'a lowercase name (letters, digits, - _ .)');
const text = z.string().min(1);
const semver = z.string().regex(/^\d+\.\d+\.\d+$/, 'a version like 1.26.0');
const goModule = z.string().regex(/^[a-z0-9.-]+\.[a-z]+(\/[A-Za-z0-9._~-]+)*$/, 'a Go module path like sigs.k8s.io/kind');
const goVersion = z.string().regex(/^v\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'a Go module version like v1.9.1 (with the v)');
const regexWithGroup = z.string().refine((r) => {
  try {
    return new RegExp(`${r}|`).exec('')!.length === 2;
  } catch {
    return false;
  }
}, 'a regular expression with exactly one capture group, the version');

/** How a binary reports its version: run it with args and read the group of regex, or (Python tools) the
 *  installed distribution's metadata in the tool's own venv. */
const versionCommand = z.strictObject({ args: z.array(z.string()), regex: regexWithGroup });
const distributionVersion = z.strictObject({ distribution: name });
const binarySpec = z.union([versionCommand, distributionVersion]);

const copyRule = z.strictObject({ from: text, to: text, glob: text, exclude: z.array(text) });

const source = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('debian'), package: name }),
  z.strictObject({ type: z.literal('pip-wheel'), package: name, member: text }),
  z.strictObject({ type: z.literal('pip-venv'), requirement: text, distribution: name, entrypoints: z.record(name, text) }),
  z.strictObject({ type: z.literal('go-install'), module: goModule, moduleVersion: goVersion, packages: z.array(text).min(1), ldflags: text.optional() }),
  z.strictObject({ type: z.literal('go-wrapper'), dir: text, module: goModule, moduleVersion: goVersion, packages: z.array(text).min(1), ldflags: text.optional(), output: name.optional() }),
  z.strictObject({ type: z.literal('go-module-files'), module: goModule, moduleVersion: goVersion, copy: z.array(copyRule).min(1) }),
  z.strictObject({ type: z.literal('unavailable'), module: text, reason: text, instead: text }),
]);

const tool = z.strictObject({
  summary: text,
  version: z.string().regex(/^(distro|unavailable|\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?)$/, 'a version like 1.39.1, or distro (Debian packages), or unavailable'),
  install: z.enum(['auto', 'on-demand']),
  targets: z.array(z.enum(TARGETS)),
  providers: z.array(z.enum(PROVIDERS)),
  neededBy: z.array(text).min(1),
  tests: z.array(text),
  binaries: z.record(name, binarySpec).optional(),
  source,
  laptop: text,
});

const check = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('command'), summary: text, providers: z.array(z.enum(PROVIDERS)), command: z.array(text).min(1), regex: regexWithGroup, minimum: semver, laptop: text }),
  z.strictObject({ type: z.literal('docker'), summary: text, providers: z.array(z.enum(PROVIDERS)), laptop: text }),
  z.strictObject({ type: z.literal('aws-credentials'), summary: text, providers: z.array(z.enum(PROVIDERS)), laptop: text }),
]);

export const manifestSchema = z
  .strictObject({
    apiVersion: z.literal('exposure-lab.dev/v1alpha1'),
    kind: z.literal('ToolManifest'),
    tools: z.record(name, tool),
    checks: z.record(name, check),
  })
  .superRefine((m, ctx) => {
    const owner = new Map<string, string>();
    for (const [toolName, t] of Object.entries(m.tools)) {
      const at = (...p: PropertyKey[]) => ['tools', toolName, ...p];
      const s = t.source;
      const fail = (p: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path: at(...p), message, input: p.reduce((o: any, k) => o?.[k], t) });
      if ((t.version === 'distro') !== (s.type === 'debian')) fail(['version'], 'distro for Debian packages (and only for them), else the pinned version');
      if ((t.version === 'unavailable') !== (s.type === 'unavailable')) fail(['version'], 'unavailable for a source of type unavailable (and only for it)');
      if ((s.type === 'go-install' || s.type === 'go-wrapper' || s.type === 'go-module-files') && s.moduleVersion !== `v${t.version}`) {
        fail(['source', 'moduleVersion'], `v${t.version}, the tool's version with a v (or change the tool's version)`);
      }
      const hasBinaries = s.type !== 'go-module-files' && s.type !== 'unavailable';
      if (hasBinaries && !t.binaries) fail(['binaries'], 'the executables this tool provides, each with its version command');
      if (!hasBinaries && t.binaries) fail(['binaries'], `no binaries: a ${s.type} source provides files only`);
      if (s.type === 'debian' && t.binaries && Object.keys(t.binaries).length !== 1) fail(['binaries'], 'exactly one binary for a Debian package');
      if (s.type === 'pip-wheel' && t.binaries && Object.keys(t.binaries).length !== 1) fail(['binaries'], 'exactly one binary: the wheel member');
      if (s.type === 'go-wrapper' && s.output && t.binaries && Object.keys(t.binaries).join() !== s.output) fail(['source', 'output'], 'the name of the one binary listed under binaries');
      if (s.type === 'pip-venv' && t.binaries) {
        const want = Object.keys(s.entrypoints).sort().join();
        if (Object.keys(t.binaries).sort().join() !== want) fail(['binaries'], `the entry points of the venv: ${want}`);
        for (const [b, spec] of Object.entries(t.binaries)) {
          if (!('distribution' in spec)) fail(['binaries', b], `{ distribution: ${s.distribution} } (a venv tool's version comes from its installed distribution)`);
        }
      } else {
        for (const [b, spec] of Object.entries(t.binaries ?? {})) {
          if ('distribution' in spec) fail(['binaries', b], '{ args: [...], regex: ... } (only pip-venv tools read a distribution version)');
        }
      }
      if (t.install === 'auto' && t.targets.includes('test')) fail(['targets'], 'no "test": every auto tool is installed for make test');
      if (t.install === 'on-demand' && t.targets.length === 0) fail(['targets'], 'the target(s) that install this on-demand tool, e.g. [kind]');
      for (const b of Object.keys(t.binaries ?? {})) {
        const prev = owner.get(b);
        if (prev) fail(['binaries', b], `a binary name no other tool uses (${prev} provides "${b}" too)`);
        owner.set(b, toolName);
      }
    }
  });

export type ToolManifest = z.infer<typeof manifestSchema>;
export type ToolEntry = ToolManifest['tools'][string];
export type ToolSource = ToolEntry['source'];
export type BinarySpec = z.infer<typeof binarySpec>;
export type CheckEntry = ToolManifest['checks'][string];
export type Target = (typeof TARGETS)[number];
export type ProviderName = (typeof PROVIDERS)[number];

export interface ManifestLoad {
  manifest?: ToolManifest;
  diagnostics: LocatedDiagnostic[];
}

/** Keys a mapping at `path` accepts (the scenario loader's helper does not walk records such as `tools`). */
function allowedKeysAt(path: ReadonlyArray<PropertyKey>, raw: unknown): string[] {
  let s: any = manifestSchema;
  let d: any = raw;
  for (let i = 0; i <= path.length; i++) {
    while (s?._zod?.def?.type === 'pipe' || s?._zod?.def?.type === 'optional') s = s._zod.def.in ?? s._zod.def.innerType;
    if (s?._zod?.def?.type === 'union' && s._zod.def.discriminator) {
      const disc = s._zod.def.discriminator;
      s = s._zod.def.options.find((o: any) => o._zod.def.shape?.[disc]?._zod.def.values?.includes(d?.[disc]));
    }
    if (i === path.length) break;
    const def = s?._zod?.def;
    if (def?.type === 'object') s = def.shape[path[i] as string];
    else if (def?.type === 'record') s = def.valueType;
    else if (def?.type === 'array') s = def.element;
    else return [];
    d = d?.[path[i] as any];
  }
  return s?._zod?.def?.type === 'object' ? Object.keys(s._zod.def.shape) : [];
}

/** Parses manifest text; never throws. `file` is only used in the diagnostics. */
export function parseManifest(source: string | Uint8Array, file: string): ManifestLoad {
  const r = parseStrictYaml(source, file, manifestSchema, { startFrom: 'infra/tools/tools.yaml', formatRef: 'the header of infra/tools/tools.yaml' });
  const raw = r.raw;
  // The shared explanations speak of scenario hops and do not see inside records: say what a manifest means.
  const diagnostics = r.diagnostics.map((d) => {
    const segs = d.field.split('.');
    if (d.code === 'schema-invalid_union' && d.field.endsWith('.type')) {
      const near = /did you mean "[^"]+"\? /.exec(d.hint)?.[0] ?? '';
      const isSource = segs[0] === 'tools';
      const given = /"([^"]*)"/.exec(d.message)?.[1];
      return {
        ...d,
        message: given === undefined ? 'missing "type"' : `unknown ${isSource ? 'source' : 'check'} type "${given}"`,
        hint: near + (isSource ? `source types: ${SOURCE_TYPES.join(', ')}` : 'check types: command, docker, aws-credentials'),
      };
    }
    if (d.code === 'schema-unrecognized_keys') {
      const key = segs[segs.length - 1];
      const allowed = allowedKeysAt(segs.slice(0, -1), raw);
      const near = closest(key, allowed);
      return { ...d, hint: (near ? `did you mean "${near}"? ` : '') + (allowed.length ? `allowed keys here: ${allowed.join(', ')}` : 'remove it') };
    }
    if (d.message === 'undefined is not allowed here') return { ...d, message: 'required field is missing', hint: d.hint.replace(/^use/, 'add it with') };
    return d;
  });
  return { manifest: r.data, diagnostics };
}

let cached: { file: string; manifest: ToolManifest } | undefined;

/** The manifest, loaded once per process; a broken manifest is a UserError listing every located problem. */
export function loadManifest(file = process.env.EXPOSURE_LAB_TOOLS_MANIFEST || MANIFEST_PATH): ToolManifest {
  if (cached?.file === file) return cached.manifest;
  let text: Uint8Array;
  try {
    text = readFileSync(file);
  } catch (e) {
    throw new UserError(`cannot read the tool manifest ${file}: ${(e as Error).message}`, 'restore infra/tools/tools.yaml from git (git checkout -- infra/tools/tools.yaml)');
  }
  const rel = path.relative(process.cwd(), file) || file;
  const r = parseManifest(text, rel.startsWith('..') ? file : rel);
  if (!r.manifest) {
    throw new UserError(
      `the tool manifest has ${r.diagnostics.length} problem(s):\n${r.diagnostics.map(formatDiagnostic).join('\n')}`,
      'fix the lines named above (the format is described at the top of infra/tools/tools.yaml)',
    );
  }
  cached = { file, manifest: r.manifest };
  return r.manifest;
}
