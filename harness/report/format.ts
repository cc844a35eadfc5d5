// Number formatting shared by the text renderers: fixed, readable precision, fidelity always attached.
import type { Fidelity } from '../result/types.ts';

export function ms(v: number | undefined): string {
  if (v === undefined || !Number.isFinite(v)) return 'n/a';
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

export function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio === 1 || ratio === 0 ? 0 : 1)}%`;
}

export function usd(v: number): string {
  return v >= 100 ? `$${v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}` : `$${v.toFixed(2)}`;
}

export function tag(f: Fidelity): string {
  return `_${f}_`;
}
