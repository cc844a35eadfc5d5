// Real Envoy Gateway (standalone) + Envoy realizing envoy-gateway hops: the same client-IP conformance suite
// nginx runs, every settings variant and request shape against the catalog's Envoy semantics. The tools are
// the pinned ones make setup installs (infra/tools/tools.yaml).
import { describe } from 'vitest';
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
