// A user's own gateway configuration, named by a scenario's gateway hop (`config.files`): the objects as
// written (Gateway API + Envoy Gateway objects, or an ingress-nginx ConfigMap), where each came from (file,
// document, line), and what the lab reads out of them. Pure data, built by gateway-config/load.ts.

import type { LocatedDiagnostic } from '../lib/diagnostics.ts';

/** A Kubernetes object as written in a user's file. */
export interface UserObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [k: string]: unknown };
  [field: string]: unknown;
}

export interface SourcePos {
  line: number;
  column: number;
}

/** One object of a user's file, and how to point at any field of it. */
export interface LocatedObject {
  object: UserObject;
  /** The file as the scenario names it, resolved against the scenario file's folder. */
  file: string;
  /** Index of the YAML document inside the file (0-based). */
  doc: number;
  /** Line and column of a field path inside this object (the nearest existing parent when absent). */
  at(path: ReadonlyArray<string | number>): SourcePos;
}

/** The Gateway listener the chain in front reaches. */
export interface ChosenListener {
  gateway: { namespace?: string; name: string };
  listener: string;
  port: number;
  /** Host header a request needs to match the routes attached to it (from route or listener hostnames). */
  hostHeader?: string;
  /** Path a readiness probe can use (the first route rule's path match). */
  probePath: string;
}

export interface UserGatewayConfig {
  product: 'envoy-gateway' | 'ingress-nginx';
  /** The files as resolved paths. */
  files: string[];
  objects: LocatedObject[];
  /** envoy-gateway: the listener the chain reaches. */
  listener?: ChosenListener;
  /** ingress-nginx: every ConfigMap key and what the lab does with it. */
  nginxKeys?: Array<{ key: string; value: string; use: 'mapped' | 'no-effect-here' | 'not-honoured'; note: string }>;
}

// The readers' contract (load.ts dispatches to one reader per product; the readers import only this file).
/** The hop's `config` as the scenario writes it. */
export interface HopConfigDoc {
  files: string[];
  /** envoy-gateway: the Gateway the chain reaches ("name" or "namespace/name"), when the files hold several. */
  gateway?: string;
  /** envoy-gateway: its listener, when the Gateway has several. */
  listener?: string;
}

/** Report a problem at a field of one user object. */
export type AtObject = (o: LocatedObject, field: Array<string | number>, severity: LocatedDiagnostic['severity'], code: string, message: string, hint: string) => void;
/** Report a problem at a field of the hop's `config` in the scenario file. */
export type AtConfig = (field: Array<string | number>, severity: LocatedDiagnostic['severity'], code: string, message: string, hint: string) => void;

export interface ReaderResult {
  /** Settings the files decide (merged over the hop's own settings). */
  settings: Record<string, unknown>;
  config: Omit<UserGatewayConfig, 'product' | 'files' | 'objects'>;
}

export type Reader = (objects: LocatedObject[], cfg: HopConfigDoc, at: { object: AtObject; config: AtConfig }) => ReaderResult;

