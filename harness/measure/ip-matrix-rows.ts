// The rows of facts/client-ip.md as scenario variants the local lab can realize, each with what the facts
// document arriving at the gateway pod (source, PROXY, X-Forwarded-For, recoverable) and the gateway setting
// that recovers the client. Data only. The probe sends its own X-Forwarded-For ("c-XFF"), so every
// expectation lists it where the facts say the client's header passes through.
//
// Not realized: row 18's "CIP on" edge-IP variant is realized (CloudFront -> NLB instance, ETP=Local); rows 6's
// health-check remark and row 9's hairpin remark are failure modes outside a request's path and are not probed.

/** Who an address belongs to, in the local address plan. */
export type AddrClass = 'client' | 'c-xff' | 'lb' | 'eni' | 'node' | 'pod' | 'cloudfront' | 'apigw' | 'lattice' | 'other';

export interface Expectation {
  source: AddrClass;
  pp: 'none' | 'v1' | 'v2';
  ppSource?: AddrClass;
  xff: AddrClass[];
  /** The client in an RFC 7239 Forwarded header (API Gateway HTTP API). */
  forwarded?: boolean;
  /** The client in the header API Gateway maps context.identity.sourceIp into. */
  mapped?: boolean;
  recoverable: boolean;
}

export interface MatrixRow {
  id: string;
  title: string;
  /** Hops between the client and the gateway pod (catalog components with settings). */
  chain: Array<{ component: string; name?: string; settings?: Record<string, unknown> }>;
  /** As written in the facts table (source / PP / XFF columns), for the printed table. */
  documented: string;
  expect: Expectation;
  /** Envoy Gateway settings the facts name to recover the client IP (stage 2 checks the app then sees it). */
  recover?: Record<string, unknown>;
  /** Where the expectation rests on an undocumented behaviour the catalog assumes. */
  assumption?: string;
}

const MAPPED = 'X-Client-IP';
const kp = (etp: 'Local' | 'Cluster') => ({ component: 'kube-proxy', settings: { externalTrafficPolicy: etp } });

export const MATRIX_ROWS: MatrixRow[] = [
  { id: '1', title: 'Classic LB, TCP listener, ETP=Local', chain: [{ component: 'clb', settings: { listener: 'tcp' } }, kp('Local')], documented: 'CLB node IP; no PP; c-XFF only; not recoverable', expect: { source: 'lb', pp: 'none', xff: ['c-xff'], recoverable: false } },
  { id: '1b', title: 'Classic LB, TCP listener, ETP=Cluster', chain: [{ component: 'clb', settings: { listener: 'tcp' } }, kp('Cluster')], documented: 'node IP; no PP; c-XFF only; not recoverable', expect: { source: 'node', pp: 'none', xff: ['c-xff'], recoverable: false } },
  { id: '2', title: 'Classic LB, HTTP listener', chain: [{ component: 'clb', settings: { listener: 'http' } }, kp('Local')], documented: 'CLB node IP; no PP; c-XFF + client appended; right-most', expect: { source: 'lb', pp: 'none', xff: ['c-xff', 'client'], recoverable: true }, recover: { xffNumTrustedHops: 1 } },
  { id: '3', title: 'Classic LB, TCP + PROXY v1', chain: [{ component: 'clb', settings: { listener: 'tcp', proxyProtocol: 'v1' } }, kp('Local')], documented: 'CLB node IP; PROXY v1 (client); c-XFF only; from PP', expect: { source: 'lb', pp: 'v1', ppSource: 'client', xff: ['c-xff'], recoverable: true }, recover: { proxyProtocol: true } },
  { id: '4', title: 'NLB instance targets, CIP on, ETP=Local', chain: [{ component: 'nlb', settings: { targetType: 'instance' } }, kp('Local')], documented: 'client IP; no PP; c-XFF only; socket peer', expect: { source: 'client', pp: 'none', xff: ['c-xff'], recoverable: true }, recover: {} },
  { id: '5', title: 'NLB instance targets, ETP=Cluster', chain: [{ component: 'nlb', settings: { targetType: 'instance' } }, kp('Cluster')], documented: 'node IP (SNAT); no PP; c-XFF only; not recoverable', expect: { source: 'node', pp: 'none', xff: ['c-xff'], recoverable: false } },
  { id: '6', title: 'NLB (controller) instance, PROXY v2, ETP=Cluster', chain: [{ component: 'nlb', settings: { targetType: 'instance', proxyProtocol: 'v2' } }, kp('Cluster')], documented: 'node IP; PROXY v2 src = client; c-XFF only; from PP', expect: { source: 'node', pp: 'v2', ppSource: 'client', xff: ['c-xff'], recoverable: true }, recover: { proxyProtocol: true } },
  { id: '7', title: 'In-tree NLB + proxy-protocol annotation (ignored), ETP=Local', chain: [{ component: 'nlb', settings: { controller: 'in-tree', targetType: 'instance', proxyProtocol: 'v2' } }, kp('Local')], documented: 'as row 4; no PP (annotation silently ignored)', expect: { source: 'client', pp: 'none', xff: ['c-xff'], recoverable: true }, recover: {} },
  { id: '8', title: 'NLB ip targets, defaults (CIP off)', chain: [{ component: 'nlb', settings: { targetType: 'ip' } }], documented: 'NLB private IP; no PP; c-XFF only; not recoverable', expect: { source: 'lb', pp: 'none', xff: ['c-xff'], recoverable: false } },
  { id: '9', title: 'NLB ip targets, preserve_client_ip on', chain: [{ component: 'nlb', settings: { targetType: 'ip', preserveClientIp: true } }], documented: 'client IP; no PP; c-XFF only; socket peer', expect: { source: 'client', pp: 'none', xff: ['c-xff'], recoverable: true }, recover: {} },
  { id: '10', title: 'NLB ip targets, PROXY v2', chain: [{ component: 'nlb', settings: { targetType: 'ip', proxyProtocol: 'v2' } }], documented: 'NLB IP; PROXY v2 (client); c-XFF only; from PP', expect: { source: 'lb', pp: 'v2', ppSource: 'client', xff: ['c-xff'], recoverable: true }, recover: { proxyProtocol: true } },
  { id: '11', title: 'ALB ip targets, XFF append', chain: [{ component: 'alb', settings: { targetType: 'ip' } }], documented: 'ALB node IP; no PP; c-XFF + client appended; right-most', expect: { source: 'lb', pp: 'none', xff: ['c-xff', 'client'], recoverable: true }, recover: { xffNumTrustedHops: 1 } },
  { id: '12', title: 'ALB instance targets, ETP=Local', chain: [{ component: 'alb', settings: { provisioning: 'ingress-controller', targetType: 'instance' } }, kp('Local')], documented: 'ALB IP; no PP; as row 11', expect: { source: 'lb', pp: 'none', xff: ['c-xff', 'client'], recoverable: true }, recover: { xffNumTrustedHops: 1 } },
  { id: '12b', title: 'ALB instance targets, ETP=Cluster', chain: [{ component: 'alb', settings: { provisioning: 'ingress-controller', targetType: 'instance' } }, kp('Cluster')], documented: 'node IP; no PP; as row 11', expect: { source: 'node', pp: 'none', xff: ['c-xff', 'client'], recoverable: true }, recover: { xffNumTrustedHops: 1 } },
  { id: '13a', title: 'ALB, XFF mode preserve', chain: [{ component: 'alb', settings: { xffMode: 'preserve' } }], documented: "ALB IP; no PP; exactly the client's header (spoofable); not recoverable", expect: { source: 'lb', pp: 'none', xff: ['c-xff'], recoverable: false } },
  { id: '13b', title: 'ALB, XFF mode remove', chain: [{ component: 'alb', settings: { xffMode: 'remove' } }], documented: 'ALB IP; no PP; XFF absent; not recoverable', expect: { source: 'lb', pp: 'none', xff: [], recoverable: false } },
  {
    id: '14', title: 'API Gateway REST + VPC link v1 -> NLB, no mapping',
    chain: [{ component: 'apigw-rest' }, { component: 'vpc-link', settings: { version: 'v1' } }, { component: 'nlb', settings: { scheme: 'internal', targetType: 'instance' } }, kp('Local')],
    documented: 'NLB private IP (CIP has no effect on PrivateLink); no PP; client headers passed through; only via a mapped header',
    expect: { source: 'lb', pp: 'none', xff: ['c-xff'], recoverable: false },
    assumption: 'HTTP_PROXY passing client headers through is observed, not documented',
  },
  {
    id: '14m', title: 'API Gateway REST + VPC link v1 -> NLB, sourceIp mapped into X-Client-IP',
    chain: [{ component: 'apigw-rest', settings: { sourceIpHeader: MAPPED } }, { component: 'vpc-link', settings: { version: 'v1' } }, { component: 'nlb', settings: { scheme: 'internal', targetType: 'instance' } }, kp('Local')],
    documented: 'NLB private IP; no PP; c-XFF; recoverable via the mapped header', expect: { source: 'lb', pp: 'none', xff: ['c-xff'], mapped: true, recoverable: true }, recover: { clientIpHeader: MAPPED },
  },
  {
    id: '14p', title: 'API Gateway REST + VPC link v1 -> NLB with PROXY v2',
    chain: [{ component: 'apigw-rest' }, { component: 'vpc-link', settings: { version: 'v1' } }, { component: 'nlb', settings: { scheme: 'internal', targetType: 'instance', proxyProtocol: 'v2' } }, kp('Cluster')],
    documented: 'node/NLB IP; PROXY v2 src = endpoint-side address, not the user; not recoverable', expect: { source: 'node', pp: 'v2', ppSource: 'eni', xff: ['c-xff'], recoverable: false },
  },
  {
    id: '15', title: 'API Gateway HTTP API + VPC link v2 -> NLB (instance)',
    chain: [{ component: 'apigw-http' }, { component: 'vpc-link', settings: { version: 'v2' } }, { component: 'nlb', settings: { scheme: 'internal', targetType: 'instance' } }, kp('Local')],
    documented: 'VPC-link ENI IP; no PP; no XFF added, client in Forwarded: for=; only via a mapped custom header', expect: { source: 'eni', pp: 'none', xff: ['c-xff'], forwarded: true, recoverable: false },
    assumption: "the client's own X-Forwarded-For passing through an HTTP API is not documented; the catalog passes it",
  },
  {
    id: '15m', title: 'API Gateway HTTP API + VPC link v2 -> NLB, sourceIp mapped',
    chain: [{ component: 'apigw-http', settings: { sourceIpHeader: MAPPED } }, { component: 'vpc-link', settings: { version: 'v2' } }, { component: 'nlb', settings: { scheme: 'internal', targetType: 'instance' } }, kp('Local')],
    documented: 'VPC-link ENI IP; Forwarded; recoverable via the mapped custom header', expect: { source: 'eni', pp: 'none', xff: ['c-xff'], forwarded: true, mapped: true, recoverable: true }, recover: { clientIpHeader: MAPPED },
  },
  {
    id: '16', title: 'API Gateway HTTP API + VPC link v2 -> ALB',
    chain: [{ component: 'apigw-http' }, { component: 'vpc-link', settings: { version: 'v2' } }, { component: 'alb', settings: { scheme: 'internal', targetType: 'ip' } }],
    documented: 'ALB IP; no PP; VPC-link ENI IP appended by the ALB, plus Forwarded; only via a mapped header', expect: { source: 'lb', pp: 'none', xff: ['c-xff', 'eni'], forwarded: true, recoverable: false },
  },
  {
    id: '17', title: 'CloudFront -> ALB',
    chain: [{ component: 'cloudfront' }, { component: 'alb', settings: { targetType: 'ip' } }],
    documented: 'ALB IP; no PP; c-XFF, client, CloudFront origin-facing IP; 2nd from the right', expect: { source: 'lb', pp: 'none', xff: ['c-xff', 'client', 'cloudfront'], recoverable: true }, recover: { xffNumTrustedHops: 2 },
  },
  {
    id: '18', title: 'CloudFront -> NLB (instance, CIP on, ETP=Local)',
    chain: [{ component: 'cloudfront' }, { component: 'nlb', settings: { targetType: 'instance' } }, kp('Local')],
    documented: 'CloudFront edge IP (CIP on); no PP; c-XFF, client; right-most', expect: { source: 'cloudfront', pp: 'none', xff: ['c-xff', 'client'], recoverable: true }, recover: { xffNumTrustedHops: 1 },
  },
  {
    id: '19', title: 'VPC Lattice HTTP listener -> gateway (ip target)',
    chain: [{ component: 'lattice', settings: { listener: 'http' } }],
    documented: 'Lattice prefix-list address; no PP; x-forwarded-for = source; right-most', expect: { source: 'lattice', pp: 'none', xff: ['c-xff', 'client'], recoverable: true }, recover: { xffNumTrustedHops: 1 },
    assumption: 'append vs overwrite of x-forwarded-for is undocumented; the catalog appends',
  },
  {
    id: '20', title: 'VPC Lattice TLS passthrough',
    chain: [{ component: 'lattice', settings: { listener: 'tls-passthrough' } }],
    documented: 'Lattice address; no PP; no headers added; not recoverable', expect: { source: 'lattice', pp: 'none', xff: ['c-xff'], recoverable: false },
  },
];
