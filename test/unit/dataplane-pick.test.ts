// Which data plane realizes a gateway hop: the realization setting, what is installed on this machine, and
// whether the data plane can express the settings. Expectations follow what version() finds here.
import { describe, expect, it } from 'vitest';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { ingressNginx } from '../../harness/catalog/components/ingress-nginx.ts';
import { chooseDataPlane, DATA_PLANES, pickDataPlane, envoyDataPlane, haproxyDataPlane, nginxDataPlane } from '../../harness/dataplanes/index.ts';

const nginxHop = (raw: object) => ({ product: 'ingress-nginx' as const, settings: ingressNginx.settings.parse(raw) });
const envoyHop = (raw: object) => ({ product: 'envoy-gateway' as const, settings: envoyGateway.settings.parse(raw) });

describe('pickDataPlane', () => {
  it('lists the three data planes by name', () => {
    expect(DATA_PLANES.map((d) => d.name).sort()).toEqual(['envoy', 'haproxy', 'nginx']);
  });

  it('builtin always means the built-in emulation', async () => {
    expect(await pickDataPlane(nginxHop({ realization: 'builtin' }))).toBeNull();
    expect(await pickDataPlane(envoyHop({ realization: 'builtin' }))).toBeNull();
  });

  it('auto on ingress-nginx: nginx when installed, else built-in with the reason', async () => {
    const installed = await nginxDataPlane.version();
    const c = await chooseDataPlane(nginxHop({}));
    expect(c.dataPlane?.name ?? null).toBe(installed ? 'nginx' : null);
    expect(c.note).toMatch(installed ? /^nginx \d/ : /nginx not installed/);
  });

  it('auto on envoy-gateway: envoy, then HAProxy standing in, then built-in', async () => {
    const envoy = await envoyDataPlane.version();
    const haproxy = await haproxyDataPlane.version();
    const expected = envoy ? 'envoy' : haproxy ? 'haproxy' : null;
    expect((await pickDataPlane(envoyHop({ proxyProtocol: true })))?.name ?? null).toBe(expected);
  });

  it('auto with settings HAProxy cannot express: envoy if installed, else built-in, and the note says why', async () => {
    const envoy = await envoyDataPlane.version();
    const c = await chooseDataPlane(envoyHop({ trustedCidrs: ['vpc'] }));
    expect(c.dataPlane?.name ?? null).toBe(envoy ? 'envoy' : null);
    if (!envoy) expect(c.note).toMatch(/haproxy: HAProxy cannot walk X-Forwarded-For/);
  });

  it('an explicit choice that is not installed throws with what to install', async () => {
    if (await envoyDataPlane.version()) {
      expect((await pickDataPlane(envoyHop({ realization: 'envoy' })))?.name).toBe('envoy');
    } else {
      await expect(pickDataPlane(envoyHop({ realization: 'envoy' }))).rejects.toThrow(/envoy is not installed: run `make setup`/);
    }
  });

  it('an explicit choice that cannot express the hop throws with the reason', async () => {
    await expect(chooseDataPlane({ product: 'ingress-nginx', settings: { realization: 'haproxy' } })).rejects.toThrow(/cannot realize this ingress-nginx hop/);
    await expect(chooseDataPlane({ product: 'ingress-nginx', settings: { realization: 'nope' } })).rejects.toThrow(/unknown realization/);
  });

  it('version() is cached per process', async () => {
    const a = nginxDataPlane.version();
    const b = nginxDataPlane.version();
    expect(a).toBe(b);
    await a;
  });
});
