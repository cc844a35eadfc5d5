// Which data plane realizes a gateway hop: the realization setting, what is installed on this machine, and
// whether the data plane can express the settings. Expectations follow what version() finds here; the CI rule
// (a missing real data plane fails instead of falling back to the stand-in) is checked with a fake environment.
import { describe, expect, it } from 'vitest';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { ingressNginx } from '../../harness/catalog/components/ingress-nginx.ts';
import { chooseDataPlane, DATA_PLANES, envoyGatewayDataPlane, nginxDataPlane, pickDataPlane } from '../../harness/dataplanes/index.ts';

const nginxHop = (raw: object) => ({ product: 'ingress-nginx' as const, settings: ingressNginx.settings.parse(raw) });
const envoyHop = (raw: object) => ({ product: 'envoy-gateway' as const, settings: envoyGateway.settings.parse(raw) });

describe('pickDataPlane', () => {
  it('one real data plane per product: Envoy Gateway and nginx (no stand-in for Envoy)', () => {
    expect(DATA_PLANES.map((d) => `${d.name}:${d.realizes}`).sort()).toEqual(['envoy-gateway:envoy-gateway', 'nginx:ingress-nginx']);
  });

  it('builtin always means the built-in emulation', async () => {
    expect(await pickDataPlane(nginxHop({ realization: 'builtin' }))).toBeNull();
    expect(await pickDataPlane(envoyHop({ realization: 'builtin' }))).toBeNull();
  });

  it('auto on ingress-nginx: nginx when installed, else built-in with the reason', async () => {
    const installed = await nginxDataPlane.version();
    const c = await chooseDataPlane(nginxHop({}), {});
    expect(c.dataPlane?.name ?? null).toBe(installed ? 'nginx' : null);
    expect(c.note).toMatch(installed ? /^nginx \d/ : /nginx not installed/);
  });

  it('auto on envoy-gateway: Envoy Gateway when installed, else the labelled stand-in', async () => {
    const eg = await envoyGatewayDataPlane.version();
    const c = await chooseDataPlane(envoyHop({ proxyProtocol: true }), {});
    expect(c.dataPlane?.name ?? null).toBe(eg ? 'envoy-gateway' : null);
    if (!eg) expect(c.note).toMatch(/built-in emulation, a stand-in \(envoy-gateway not installed/);
  });

  it('in CI a missing real data plane is an error, never the stand-in', async () => {
    const fake = { ...envoyGatewayDataPlane, version: async () => null };
    DATA_PLANES.splice(0, 1, fake);
    try {
      await expect(chooseDataPlane(envoyHop({}), { CI: 'true' })).rejects.toThrow(/CI=true and envoy-gateway not installed/);
      expect((await chooseDataPlane(envoyHop({}), {})).dataPlane).toBeNull();
    } finally {
      DATA_PLANES.splice(0, 1, envoyGatewayDataPlane);
    }
  });

  it('settings Envoy Gateway has no form for: the built-in emulation, and the note says why', async () => {
    const c = await chooseDataPlane(envoyHop({ useRemoteAddress: false }), {});
    expect(c.dataPlane).toBeNull();
    expect(c.note).toMatch(/useRemoteAddress: false has no Envoy Gateway setting/);
  });

  it('an explicit choice that is not installed throws with what to install', async () => {
    if (await envoyGatewayDataPlane.version()) {
      expect((await pickDataPlane(envoyHop({ realization: 'envoy-gateway' })))?.name).toBe('envoy-gateway');
    } else {
      await expect(pickDataPlane(envoyHop({ realization: 'envoy-gateway' }))).rejects.toThrow(/envoy-gateway is not installed: run `make setup`/);
    }
  });

  it('an explicit choice that cannot express the hop throws with the reason', async () => {
    await expect(chooseDataPlane({ product: 'ingress-nginx', settings: { realization: 'envoy-gateway' } })).rejects.toThrow(/cannot realize this ingress-nginx hop/);
    await expect(chooseDataPlane({ product: 'ingress-nginx', settings: { realization: 'nope' } })).rejects.toThrow(/unknown realization/);
  });

  it('version() is cached per process', async () => {
    const a = nginxDataPlane.version();
    const b = nginxDataPlane.version();
    expect(a).toBe(b);
    await a;
  });
});
