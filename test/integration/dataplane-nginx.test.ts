// Real nginx realizing ingress-nginx hops: the client IP and X-Forwarded-For the app receives, for every
// settings variant and request shape, against the catalog's ingress-nginx semantics.
import { nginxDataPlane } from '../../harness/dataplanes/nginx.ts';
import { ingressNginx } from '../../harness/catalog/components/ingress-nginx.ts';
import { NGINX_DISAGREEMENTS } from '../fixtures/dataplanes/conformance.ts';
import { conformanceSuite } from '../fixtures/dataplanes/suite.ts';
import { nginxVariants } from '../fixtures/dataplanes/variants.ts';
import { describeWithTools } from '../helpers/tools.ts';

await describeWithTools(['nginx'], 'nginx client-IP conformance', () => {
  conformanceSuite({ dataPlane: nginxDataPlane, entry: ingressNginx, variants: nginxVariants(), rules: NGINX_DISAGREEMENTS });
});
