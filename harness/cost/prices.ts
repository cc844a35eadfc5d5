// Price snapshots: infra/prices/<region>.<YYYY-MM-DD>.json, the newest date per region wins. Every price
// carries its source and an `uncertain` flag; a price that is not there is an error naming what is missing.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { UserError } from '../lib/errors.ts';
import { parseNano } from './money.ts';
import type { Price, PriceSnapshot } from './types.ts';

// Not imported from scenario/resolve.ts: the catalog's cost models load this module, and the scenario loader
// loads the catalog (an import cycle).
export const PRICES_DIR = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'infra', 'prices');
const FILE_RE = /^([a-z]{2}(?:-[a-z]+)+-\d)\.(\d{4}-\d{2}-\d{2})\.json$/;

const decimal = z.string().regex(/^\d+(\.\d{1,9})?$/, 'a decimal string such as "0.0225"');
const priceDoc = z.strictObject({
  unit: z.string().min(1),
  usd: decimal.optional(),
  tiers: z.array(z.strictObject({ upTo: z.number().positive().nullable(), usd: decimal })).min(1).optional(),
  source: z.string().min(1),
  uncertain: z.boolean(),
  note: z.string().optional(),
}).refine((p) => (p.usd === undefined) !== (p.tiers === undefined), 'exactly one of usd or tiers');
export const snapshotDoc = z.strictObject({
  region: z.string().min(1),
  snapshotDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  currency: z.literal('USD'),
  basis: z.string().optional(),
  prices: z.record(z.string(), priceDoc),
});
export type SnapshotDoc = z.infer<typeof snapshotDoc>;

/** Snapshot files per region, newest first. */
export function snapshotFiles(dir = PRICES_DIR): Map<string, Array<{ date: string; file: string }>> {
  const out = new Map<string, Array<{ date: string; file: string }>>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    const m = FILE_RE.exec(f);
    if (!m) continue;
    const list = out.get(m[1]) ?? [];
    list.push({ date: m[2], file: join(dir, f) });
    out.set(m[1], list);
  }
  for (const list of out.values()) list.sort((a, b) => b.date.localeCompare(a.date));
  return out;
}

export function availableRegions(dir = PRICES_DIR): string[] {
  return [...snapshotFiles(dir).keys()].sort();
}

export function loadPriceSnapshot(region: string, dir = PRICES_DIR): PriceSnapshot {
  const files = snapshotFiles(dir).get(region);
  if (!files?.length) {
    throw new UserError(`no price snapshot for region "${region}" in ${dir}`,
      `regions with a snapshot: ${availableRegions(dir).join(', ') || '(none)'}; add one with: exposure-lab prices refresh --region ${region}`);
  }
  return parseSnapshotFile(files[0].file);
}

export function parseSnapshotFile(file: string): PriceSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`price snapshot ${file} is not readable JSON: ${(e as Error).message}`, 'restore it from git, or rebuild it: exposure-lab prices refresh');
  }
  const parsed = snapshotDoc.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new UserError(`price snapshot ${file} is malformed: ${first}`, 'restore it from git, or rebuild it: exposure-lab prices refresh');
  }
  return fromDoc(parsed.data, file);
}

export function fromDoc(doc: SnapshotDoc, file: string): PriceSnapshot {
  const prices: Record<string, Price> = {};
  for (const [key, p] of Object.entries(doc.prices)) {
    prices[key] = {
      key, region: doc.region, unit: p.unit, source: p.source, uncertain: p.uncertain, note: p.note,
      nano: p.usd !== undefined ? parseNano(p.usd) : undefined,
      tiers: p.tiers?.map((t) => ({ upTo: t.upTo, nano: parseNano(t.usd) })),
    };
  }
  return { region: doc.region, snapshotDate: doc.snapshotDate, file, currency: 'USD', prices };
}

/** The component a price key belongs to, for error messages ("alb.lcu-hour" -> "alb"). */
function componentOf(key: string): string {
  return key.split('.')[0];
}

export class MissingPriceError extends UserError {
  constructor(readonly key: string, readonly region: string, file: string, detail?: string) {
    super(
      `missing price: component ${componentOf(key)}, price "${key}"${detail ? ` (${detail})` : ''}, region ${region}${file ? ` (snapshot ${file})` : ''}`,
      `add "${key}" to the snapshot (with its source), or refresh it: exposure-lab prices refresh --region ${region}`,
    );
  }
}

export function getPrice(s: PriceSnapshot, key: string): Price {
  const p = s.prices[key];
  if (!p) throw new MissingPriceError(key, s.region, s.file);
  return p;
}
