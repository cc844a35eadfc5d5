// Envoy Gateway's own verdict on the lab's objects: egctl x translate (the pinned v1.9.1 translator, offline)
// accepts every object the renderer makes for every gateway variant (scenario hops and facts rows): the
// GatewayClass and EnvoyProxy Accepted, the listener Programmed with its route attached, the route Accepted with
// its references resolved, the policies Accepted. And a broken set gets Envoy Gateway's own complaint.
import { describe, expect, it } from 'vitest';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { envoyGatewayApiObjects } from '../../harness/k8s/envoy-gateway.ts';
import { egctlTranslate } from '../../harness/dataplanes/egctl.ts';
import { isProblem } from '../../harness/gateway-config/status.ts';
import { envoyVariants } from '../fixtures/dataplanes/variants.ts';
import { describeWithTools } from '../helpers/tools.ts';

const objectsFor = (settings: any) =>
  envoyGatewayApiObjects({
    runLabel: 'r1', namespace: 'exposure-lab-r1', hopName: 'envoy', settings, labels: { 'exposure-lab.dev/run-id': 'r1' },
    backend: { kind: 'Service', name: 'app', port: 80 }, networks: LOCAL_NETWORKS, accessLogPath: '/dev/stdout', listenerPort: 80,
  }).objects;

// Variants with the same settings translate the same: one translation each.
const distinct = [...new Map(envoyVariants().map((v) => [JSON.stringify(v.settings), v])).values()];

await describeWithTools(['egctl'], 'egctl x translate on the lab\'s Envoy Gateway objects', () => {
  it.each(distinct.map((v) => [v.label, v.settings] as const))('%s: every condition True, the route attached', async (_label, settings) => {
    const t = await egctlTranslate(objectsFor(settings));
    const problems = t.conditions.filter(isProblem).map((c) => `${c.kind} ${c.name} ${c.about} ${c.type}=${c.status}: ${c.message}`);
    expect(problems).toEqual([]);
    expect(t.unattached).toEqual([]);
    expect(t.untargeted).toEqual([]);
    const types = new Set(t.conditions.map((c) => `${c.kind}:${c.type}`));
    for (const k of ['GatewayClass:Accepted', 'EnvoyProxy:Accepted', 'Gateway:Programmed', 'Gateway:Accepted', 'HTTPRoute:Accepted', 'HTTPRoute:ResolvedRefs']) expect(types, k).toContain(k);
    if (settings.proxyProtocol || settings.xffNumTrustedHops || settings.clientIpHeader || settings.trustedCidrs.length) expect(types).toContain('ClientTrafficPolicy:Accepted');
  });

  it('a route to a Gateway that does not exist and a policy on it: Envoy Gateway says so', async () => {
    const objs = objectsFor({ ...distinct[0].settings, xffNumTrustedHops: 1 }) as any[];
    const route = objs.find((o) => o.kind === 'HTTPRoute');
    route.spec.parentRefs = [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'nope' }];
    const ctp = objs.find((o) => o.kind === 'ClientTrafficPolicy');
    ctp.spec.targetRefs[0].name = 'nope';
    const t = await egctlTranslate(objs);
    expect(t.unattached).toEqual([{ kind: 'HTTPRoute', namespace: 'exposure-lab-r1', name: 'envoy-app', index: 0, parent: 'Gateway nope' }]);
    expect(t.untargeted).toEqual([{ kind: 'ClientTrafficPolicy', namespace: 'exposure-lab-r1', name: 'envoy-client', index: 0, target: 'Gateway nope' }]);
  });
});

describe('status reading is pure', () => {
  it('isProblem: positive conditions must be True; a Backend reports trouble as Invalid', () => {
    const c = (type: string, status: 'True' | 'False', message = '') => ({ kind: 'X', name: 'x', path: [], about: '', type, status, reason: '', message });
    expect(isProblem(c('Accepted', 'True'))).toBe(false);
    expect(isProblem(c('Programmed', 'False'))).toBe(true);
    expect(isProblem(c('Invalid', 'False', 'The Backend was not accepted: IP address 127.23.1.1 in the loopback range is only supported when using the Host infrastructure'))).toBe(true);
  });
});
