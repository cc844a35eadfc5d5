// API Gateway REST on LocalStack: the calls that create a regional REST API with an HTTP_PROXY integration
// toward the next hop, mapping context.identity.sourceIp into the scenario's header (facts row 14). The call
// list is pure (tested); `createRestApi` sends it to a LocalStack on loopback with undici.
import { request } from 'undici';

export interface ApiCall {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: unknown;
  /** Result fields later calls use. */
  save?: (res: any, vars: Record<string, string>) => void;
}

export function restApiCalls(o: { name: string; upstream: string; sourceIpHeader: string | null; stage: string }): ApiCall[] {
  const reqParams = (proxy: boolean) => {
    const p: Record<string, string> = {};
    if (proxy) p['integration.request.path.proxy'] = 'method.request.path.proxy';
    if (o.sourceIpHeader) p[`integration.request.header.${o.sourceIpHeader}`] = 'context.identity.sourceIp';
    return p;
  };
  const integration = (proxy: boolean) => ({
    type: 'HTTP_PROXY',
    integrationHttpMethod: 'ANY',
    uri: `${o.upstream.replace(/\/$/, '')}/${proxy ? '{proxy}' : ''}`,
    requestParameters: reqParams(proxy),
  });
  return [
    { method: 'POST', path: '/restapis', body: { name: o.name, endpointConfiguration: { types: ['REGIONAL'] } }, save: (r, v) => void (v.api = r.id) },
    { method: 'GET', path: '/restapis/{api}/resources', save: (r, v) => void (v.root = r.items.find((i: { path: string }) => i.path === '/').id) },
    { method: 'PUT', path: '/restapis/{api}/resources/{root}/methods/ANY', body: { authorizationType: 'NONE' } },
    { method: 'PUT', path: '/restapis/{api}/resources/{root}/methods/ANY/integration', body: integration(false) },
    { method: 'POST', path: '/restapis/{api}/resources/{root}', body: { pathPart: '{proxy+}' }, save: (r, v) => void (v.proxy = r.id) },
    { method: 'PUT', path: '/restapis/{api}/resources/{proxy}/methods/ANY', body: { authorizationType: 'NONE', requestParameters: { 'method.request.path.proxy': true } } },
    { method: 'PUT', path: '/restapis/{api}/resources/{proxy}/methods/ANY/integration', body: integration(true) },
    { method: 'POST', path: '/restapis/{api}/deployments', body: { stageName: o.stage } },
  ];
}

/** LocalStack reads region and account from the SigV4 credential scope and does not check the signature. */
const AUTH = 'AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/apigateway/aws4_request, SignedHeaders=host, Signature=0';

export async function createRestApi(endpoint: string, calls: ApiCall[], signal?: AbortSignal): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const c of calls) {
    const path = c.path.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? encodeURIComponent(vars[k]) : m));
    const res = await request(endpoint + path, {
      method: c.method,
      headers: { 'content-type': 'application/json', authorization: AUTH },
      body: c.body === undefined ? undefined : JSON.stringify(c.body),
      signal,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`LocalStack ${c.method} ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
    c.save?.(text ? JSON.parse(text) : {}, vars);
  }
  return vars;
}

/** The invoke path LocalStack serves a deployed stage on. */
export function invokePath(api: string, stage: string): string {
  return `/restapis/${api}/${stage}/_user_request_/`;
}
