// Real HAProxy standing in for Envoy on envoy-gateway hops: the client IP and X-Forwarded-For the app
// receives, for every settings variant and request shape, against the catalog's Envoy semantics.
import { it } from 'vitest';
import { haproxyDataPlane } from '../../harness/dataplanes/haproxy.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { ENVOY_DISAGREEMENTS } from '../fixtures/dataplanes/conformance.ts';
import { conformanceSuite } from '../fixtures/dataplanes/suite.ts';
import { envoyVariants } from '../fixtures/dataplanes/variants.ts';

if (!(await haproxyDataPlane.version())) {
  it.skip('skipped: haproxy not installed (bash scripts/setup.sh installs it)', () => {});
} else {
  conformanceSuite({ dataPlane: haproxyDataPlane, entry: envoyGateway, variants: envoyVariants(), rules: ENVOY_DISAGREEMENTS });
}
