// Real HAProxy standing in for Envoy on envoy-gateway hops: the client IP and X-Forwarded-For the app
// receives, for every settings variant and request shape, against the catalog's Envoy semantics.
import { haproxyDataPlane } from '../../harness/dataplanes/haproxy.ts';
import { envoyGateway } from '../../harness/catalog/components/envoy-gateway.ts';
import { ENVOY_DISAGREEMENTS } from '../fixtures/dataplanes/conformance.ts';
import { conformanceSuite } from '../fixtures/dataplanes/suite.ts';
import { envoyVariants } from '../fixtures/dataplanes/variants.ts';
import { describeWithTools } from '../helpers/tools.ts';

await describeWithTools(['haproxy'], 'haproxy client-IP conformance (a stand-in for Envoy)', () => {
  conformanceSuite({ dataPlane: haproxyDataPlane, entry: envoyGateway, variants: envoyVariants(), rules: ENVOY_DISAGREEMENTS });
});
