// Questions about a whole chain of hops, answered from the catalog's facets: which hop is the gateway, the
// review table's feature row, the weighted routes, the headers that carry a client IP, where the client IP
// is lost and how to keep it, and which edge a client could go around. Pure.
import { FEATURE_LABELS, type Features, type Hop, type StrippedHeader, type WeightedRoute } from './types.ts';

/** The in-cluster gateway of the chain (the pod that reads the client IP for the application), if any. */
export function gatewayOf<H extends Hop>(hops: readonly H[]): H | undefined {
  return hops.find((h) => !!h.entry.gateway);
}

/** The topology's feature row: the first hop that offers a feature provides it. */
export function combinedFeatures(hops: readonly Hop[]): Features {
  const out: Features = {};
  for (const h of hops) {
    const f = h.entry.features(h.settings);
    for (const k of Object.keys(FEATURE_LABELS) as Array<keyof Features>) {
      if (f[k] && !out[k]) out[k] = typeof f[k] === 'string' ? `${f[k]} (${h.name})` : `${h.name}`;
    }
  }
  for (const k of Object.keys(FEATURE_LABELS) as Array<keyof Features>) if (!out[k]) out[k] = false;
  return out;
}

/** The weights requests are routed by (Lattice HTTPRoute), when a hop routes by weight. */
export function weightedRoutes(hops: readonly Hop[]): WeightedRoute[] | undefined {
  for (const h of hops) {
    const r = h.entry.weightedRoutes?.(h.settings);
    if (r) return r;
  }
  return undefined;
}

/** Headers that carry the client IP somewhere on the chain (filled by API Gateway, read by the gateway or the app). */
export function clientIpHeaders(hops: readonly Hop[]): string[] {
  return [...new Set(hops.flatMap((h) => h.entry.clientIpHeaders?.(h.settings) ?? []))];
}

/** Inbound headers a hop of the chain strips. */
export function strippedHeaders(hops: readonly Hop[]): StrippedHeader[] {
  return hops.flatMap((h) => h.entry.strippedHeaders ?? []);
}

/** Where the client address is lost on this chain, and the setting that keeps it (facts/client-ip.md). */
export function clientIpFix(hops: readonly Hop[]): string {
  const gateway = gatewayOf(hops);
  for (const h of hops) {
    const fix = h.entry.clientIpFix?.(h.settings, { gateway });
    if (fix) return `${h.name} (${h.component}): ${fix}`;
  }
  return 'read the client address where the chain carries it (see exposure-lab plan)';
}

/**
 * Origin bypass (facts failure cases 11 and 14): the first edge a client could go around, and the origin
 * behind it: the first hop after the edge that is not part of it (evaluated inside it, or its private path).
 */
export function bypassableEdge<H extends Hop>(hops: readonly H[]): { edge: H; origin: H } | null {
  const i = hops.findIndex((h) => h.entry.bypassable?.(h.settings));
  if (i < 0) return null;
  const origin = hops.slice(i + 1).find((h) => !h.entry.partOfPrevious);
  return origin ? { edge: hops[i], origin } : null;
}
