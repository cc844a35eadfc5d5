// Real Envoy: `envoy --mode validate` on the generated bootstrap for every gateway variant, and the same
// client-IP conformance suite nginx and HAProxy run. Envoy is the pinned one make setup installs (infra/tools).
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LOCAL_NETWORKS } from '../../harness/catalog/address-plan.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { envoyDataPlane, renderEnvoyConfig, validateWithEnvoy } from '../../harness/dataplanes/envoy.ts';
import { ENVOY_DISAGREEMENTS } from '../fixtures/dataplanes/conformance.ts';
import { conformanceSuite } from '../fixtures/dataplanes/suite.ts';
import { envoyVariants } from '../fixtures/dataplanes/variants.ts';
import { describeWithTools } from '../helpers/tools.ts';

await describeWithTools(['envoy'], 'real Envoy', () => {
  describe('envoy --mode validate', () => {
    it.each(envoyVariants().map((v) => [v.label, v.settings] as const))('accepts the bootstrap for %s', async (_label, settings) => {
      const wd = mkdtempSync(path.join(tmpdir(), 'lab-envoy-validate-'));
      try {
        const file = path.join(wd, 'envoy.json');
        writeFileSync(file, renderEnvoyConfig({ product: 'envoy-gateway', settings, listen: [{ host: '127.23.0.10', port: 18080 }], upstreams: [{ host: '127.23.0.20', port: 19000 }], networks: LOCAL_NETWORKS, workDir: wd }));
        const r = await validateWithEnvoy(file);
        expect(r?.ok, r?.output).toBe(true);
      } finally {
        rmSync(wd, { recursive: true, force: true });
      }
    });
  });
  describe('envoy client-IP conformance', () => {
    conformanceSuite({ dataPlane: envoyDataPlane, entry: envoyGateway, variants: envoyVariants(), rules: ENVOY_DISAGREEMENTS });
  });
});
