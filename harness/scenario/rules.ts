// Rules about the chain as a whole; component-specific rules live in the catalog entries.
import { basename, extname } from 'node:path';
import type { Diagnostic, Hop } from '../catalog/types.ts';
import { gatewayOf } from '../catalog/chain.ts';
import type { ScenarioDoc } from './schema.ts';
import { CATALOG, COMPONENT_KINDS } from '../catalog/index.ts';

export function structuralRules(doc: ScenarioDoc, chain: Hop[], file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const at = (i: number, ...rest: Array<string | number>) => ['spec', 'chain', i, ...rest];
  // The ends are the components whose position the catalog fixes (client first, service last).
  const first = COMPONENT_KINDS.find((k) => CATALOG[k].position === 'first')!;
  const lastKind = COMPONENT_KINDS.find((k) => CATALOG[k].position === 'last')!;
  if (chain[0]?.entry.position !== 'first') {
    out.push({ severity: 'error', code: 'chain-client-first', path: at(0, 'component'), message: `the chain must start with the ${first}`, hint: `add "- component: ${first}" as the first hop` });
  }
  const last = chain.length - 1;
  if (chain[last]?.entry.position !== 'last') {
    out.push({ severity: 'error', code: 'chain-service-last', path: at(last, 'component'), message: `the chain must end with the ${lastKind}`, hint: `add "- component: ${lastKind}" as the last hop` });
  }
  chain.forEach((h, i) => {
    const pos = h.entry.position;
    if ((pos === 'first' && i !== 0) || (pos === 'last' && i !== last)) {
      out.push({ severity: 'error', code: 'chain-ends-only', path: at(i, 'component'), message: `${h.component} may only appear at the ${pos === 'first' ? 'start' : 'end'} of the chain`, hint: 'remove this hop' });
    }
  });
  const seen = new Map<string, number>();
  chain.forEach((h, i) => {
    const first = seen.get(h.name);
    if (first !== undefined) {
      out.push({ severity: 'error', code: 'chain-duplicate-name', path: at(i, doc.spec.chain[i].name ? 'name' : 'component'), message: `hop name "${h.name}" is already used by spec.chain[${first}]`, hint: 'give each hop a unique name: "name: private-nlb"' });
    } else seen.set(h.name, i);
  });
  const svc = chain[last];
  if (svc?.entry.position === 'last' && svc.settings.clientIpFrom === 'gateway' && !gatewayOf(chain)) {
    out.push({ severity: 'error', code: 'chain-no-gateway', path: at(last, 'settings', 'clientIpFrom'), message: 'clientIpFrom is "gateway" but the chain has no gateway', hint: 'use clientIpFrom: socket / xff-rightmost, or add an envoy-gateway or ingress-nginx hop' });
  }
  const stem = basename(file, extname(file));
  if (!/^(-|<)/.test(file) && stem !== doc.metadata.name && !stem.startsWith('invalid-') && !stem.startsWith('valid-')) {
    out.push({ severity: 'warning', code: 'name-mismatch', path: ['metadata', 'name'], message: `metadata.name "${doc.metadata.name}" differs from the file name "${stem}"`, hint: `rename the file to ${doc.metadata.name}.yaml or set name: ${stem}` });
  }
  return out;
}
