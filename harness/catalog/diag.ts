// Building rule diagnostics that point at a hop's field in the scenario document.
import type { Diagnostic, Hop, HopRef } from './types.ts';

export function hopPath(hop: HopRef, ...rest: Array<string | number>): Array<string | number> {
  return ['spec', 'chain', hop.index, ...rest];
}

export function problem(
  severity: Diagnostic['severity'],
  code: string,
  hop: HopRef,
  field: Array<string | number>,
  message: string,
  hint: string,
): Diagnostic {
  return { severity, code, path: hopPath(hop, ...field), message, hint };
}

/** The first hop after `hop` that satisfies `pred`. */
export function downstream(hop: Hop, chain: Hop[], pred: (h: Hop) => boolean): Hop | undefined {
  return chain.slice(hop.index + 1).find(pred);
}

