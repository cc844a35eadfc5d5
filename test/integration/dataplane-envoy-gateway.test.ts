// Real Envoy Gateway (standalone) + Envoy realizing envoy-gateway hops: the same client-IP conformance suite
// nginx runs, every settings variant and request shape against the catalog's Envoy semantics. The tools are
// the pinned ones make setup installs (infra/tools/tools.yaml).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { loadScenarioText } from '../../harness/scenario/load.ts';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { parseEcho, randomLoopbackNet, rawRequest, startEcho } from '../fixtures/dataplanes/wire.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { envoyGatewayDataPlane } from '../../harness/dataplanes/envoy-gateway.ts';
import { ENVOY_DISAGREEMENTS } from '../fixtures/dataplanes/conformance.ts';
import { conformanceSuite } from '../fixtures/dataplanes/suite.ts';
import { envoyVariants } from '../fixtures/dataplanes/variants.ts';
import { describeWithTools } from '../helpers/tools.ts';

const only = process.env.LAB_VARIANTS ? new RegExp(process.env.LAB_VARIANTS) : null;

await describeWithTools(['envoy-gateway', 'envoy'], 'real Envoy Gateway + Envoy', () => {
  describe('client-IP conformance', () => {
    conformanceSuite({ dataPlane: envoyGatewayDataPlane, entry: envoyGateway, variants: envoyVariants().filter((v) => !only || only.test(v.label)), rules: ENVOY_DISAGREEMENTS });
  });
});

// Where the real product and a natural reading of its API part: Envoy Gateway v1.9.1 turns ClientTrafficPolicy
// numTrustedHops N into Envoy's xff extension with N-1 hops (internal/xds/translator/listener.go), so N = 0
// runs as N = 1: the right-most X-Forwarded-For entry is the client, and a client reaching Envoy directly
// forges it. The lab reads a user's numTrustedHops 0 as 1 (gateway-config/envoy-gateway.ts); this is the proof.
await describeWithTools(['envoy-gateway', 'envoy', 'egctl'], 'real Envoy Gateway: a user file with numTrustedHops 0', () => {
  it('a direct client that sends X-Forwarded-For chooses the address Envoy settles on', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-eg-zero-'));
    try {
      writeFileSync(path.join(dir, 'gw.yaml'), [
        'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: edge }\nspec:\n  gatewayClassName: eg\n  listeners: [{ name: http, protocol: HTTP, port: 10080 }]',
        'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: { name: app }\nspec:\n  parentRefs: [{ name: edge }]\n  rules: [{ backendRefs: [{ name: app, port: 80 }] }]',
        'apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: ClientTrafficPolicy\nmetadata: { name: c }\nspec:\n  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }]\n  clientIPDetection: { xForwardedFor: { numTrustedHops: 0 } }',
      ].join('\n---\n'));
      const doc = { apiVersion: 'exposure-lab.dev/v1alpha1', kind: 'Scenario', metadata: { name: 'zero', title: 't', description: 'd', tradeoffs: { waf: 'x', tls: 'x', certificates: 'x', podAwareRouting: 'x', redundancy: 'x' } }, spec: { chain: [{ component: 'client' }, { component: 'envoy-gateway', config: { files: ['gw.yaml'] } }, { component: 'service' }] } };
      const hop = loadScenarioText(stringify(doc), path.join(dir, 'zero.yaml')).scenario!.hops[1];
      const ip = randomLoopbackNet();
      const echo = await startEcho(ip(20));
      const h = await envoyGatewayDataPlane.start({ product: 'envoy-gateway', settings: hop.settings, userConfig: hop.userConfig, listen: [{ host: ip(1), port: 10080 }], upstreams: [{ host: ip(20), port: echo.port }], networks: LOCAL_NETWORKS, workDir: dir });
      try {
        const res = await rawRequest({ host: ip(1), port: 10080, source: '127.1.7.9', headers: [['x-forwarded-for', '203.0.113.66']] });
        expect(res.status).toBe(200);
        expect(parseEcho(res.body).gatewayClientIp).toBe('203.0.113.66');
        // ... exactly what the catalog predicts for the setting the lab reads it as (1 trusted hop).
        expect(envoyGateway.apply({ peer: '127.1.7.9', proxy: [], headers: [['x-forwarded-for', '203.0.113.66']] }, hop.settings, { self: ip(1), networks: LOCAL_NETWORKS }).ok).toBe(true);
        expect(hop.settings.xffNumTrustedHops).toBe(1);
      } finally {
        await h.stop();
        await echo.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
