// Loading a user's own gateway files (a scenario hop's `config`): every YAML document with its position, then
// the product's reader (registry below, keyed by the catalog's gateway product) checks the objects and reads
// out the settings they decide. Every problem is located (file, line, column, field) like the scenario loader
// reports, all at once.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseAllDocuments } from 'yaml';
import type { LocatedDiagnostic } from '../lib/diagnostics.ts';
import { formatPath } from '../lib/diagnostics.ts';
import { locate } from '../lib/positions.ts';
import type { AtConfig, AtObject, HopConfigDoc, LocatedObject, Reader, UserGatewayConfig, UserObject } from './types.ts';

export type { AtConfig, AtObject, HopConfigDoc, Reader, ReaderResult } from './types.ts';
import { readEnvoyGatewayFiles } from './envoy-gateway.ts';
import { readIngressNginxFiles } from './ingress-nginx.ts';

/** One reader per gateway product (the catalog's gateway facet names the product). */
export const READERS: Record<UserGatewayConfig['product'], Reader> = {
  'envoy-gateway': readEnvoyGatewayFiles,
  'ingress-nginx': readIngressNginxFiles,
};

export interface LoadedUserConfig {
  config?: UserGatewayConfig;
  settings: Record<string, unknown>;
  diagnostics: LocatedDiagnostic[];
}

/** Parses every file: each YAML document a located object; syntax and shape problems located. */
export function parseUserFiles(files: Array<{ file: string; shown: string }>, diag: (d: LocatedDiagnostic) => void): LocatedObject[] {
  const out: LocatedObject[] = [];
  for (const { file, shown } of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      diag({ severity: 'error', code: 'config-file-unreadable', file: shown, line: 1, column: 1, field: '(file)', message: code === 'ENOENT' ? 'no such file' : `cannot read the file (${code})`, hint: 'config.files are paths relative to the scenario file' });
      continue;
    }
    const lc = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
    const list = Array.isArray(docs) ? docs : [];
    if (!Array.isArray(docs)) {
      diag({ severity: 'error', code: 'yaml-syntax', file: shown, line: 1, column: 1, field: '(syntax)', message: 'the file is not YAML', hint: 'fix the YAML syntax' });
      continue;
    }
    list.forEach((doc, i) => {
      for (const err of doc.errors) {
        const p = lc.linePos(err.pos[0]);
        diag({ severity: 'error', code: 'yaml-syntax', file: shown, line: p.line, column: p.col, field: '(syntax)', message: err.message.split('\n')[0], hint: err.code === 'DUPLICATE_KEY' ? 'remove or rename the repeated key' : 'fix the YAML syntax (indentation with spaces, "key: value")' });
      }
      if (doc.errors.length) return;
      const raw = doc.toJS();
      if (raw === null || raw === undefined) return; // an empty document between separators
      // A field is reported where its key is written (a list item where the item starts).
      const at = (p: ReadonlyArray<string | number>) => locate(doc, lc, p, p.length > 0 && typeof p[p.length - 1] === 'string');
      const bad = (field: Array<string | number>, message: string, hint: string) => {
        const pos = at(field);
        diag({ severity: 'error', code: 'config-object-shape', file: shown, line: pos.line, column: pos.column, field: `[doc ${i + 1}] ${formatPath(field)}`, message, hint });
      };
      if (typeof raw !== 'object' || Array.isArray(raw)) return bad([], 'the document is not a YAML mapping (a Kubernetes object)', 'each document is one object with apiVersion, kind and metadata');
      const o = raw as Record<string, unknown>;
      if (typeof o.apiVersion !== 'string') return bad(['apiVersion'], 'apiVersion is missing', 'e.g. apiVersion: gateway.networking.k8s.io/v1');
      if (typeof o.kind !== 'string') return bad(['kind'], 'kind is missing', 'e.g. kind: Gateway');
      const md = o.metadata as Record<string, unknown> | undefined;
      if (!md || typeof md !== 'object' || typeof md.name !== 'string' || !md.name) return bad(['metadata', 'name'], 'metadata.name is missing', 'every object needs a name');
      out.push({ object: o as unknown as UserObject, file: shown, doc: i, at });
    });
  }
  return out;
}

/**
 * Loads the files a hop's `config` names (relative to the scenario file) and reads them with the product's
 * reader. `configPath` is where `config` sits in the scenario, `scenarioAt` locates a path in the scenario file.
 */
export function loadUserGatewayConfig(o: {
  product: UserGatewayConfig['product'];
  config: HopConfigDoc;
  scenarioFile: string;
  configPath: Array<string | number>;
  scenarioAt: (p: Array<string | number>) => { line: number; column: number };
}): LoadedUserConfig {
  const diagnostics: LocatedDiagnostic[] = [];
  const dir = path.dirname(o.scenarioFile);
  const files = o.config.files.map((f) => ({ file: path.resolve(dir, f), shown: path.relative(process.cwd(), path.resolve(dir, f)) || f }));
  const objects = parseUserFiles(files, (d) => diagnostics.push(d));
  if (diagnostics.some((d) => d.severity === 'error')) return { settings: {}, diagnostics };
  const at = {
    object: ((obj, field, severity, code, message, hint) => {
      const pos = obj.at(field);
      diagnostics.push({ severity, code, file: obj.file, line: pos.line, column: pos.column, field: `${obj.object.kind} ${obj.object.metadata.name}: ${formatPath(field)}`, message, hint });
    }) as AtObject,
    config: ((field, severity, code, message, hint) => {
      const p = [...o.configPath, ...field];
      const pos = o.scenarioAt(p);
      diagnostics.push({ severity, code, file: o.scenarioFile, line: pos.line, column: pos.column, field: formatPath(p), message, hint });
    }) as AtConfig,
  };
  const r = READERS[o.product](objects, o.config, at);
  return { config: { product: o.product, files: files.map((f) => f.file), objects, ...r.config }, settings: r.settings, diagnostics };
}
