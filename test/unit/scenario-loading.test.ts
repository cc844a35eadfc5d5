// Scenario loading and validation, driven by fixture files: exact locations and messages.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadScenarioFile, loadScenarioText } from '../../harness/scenario/load.ts';
import { scenarioNames, scenarioPath } from '../../harness/scenario/resolve.ts';
import { scenarioJsonSchema } from '../../harness/scenario/schema.ts';

const fx = (name: string) => join(__dirname, '..', 'fixtures', 'scenarios', name);
type Row = [severity: string, line: number, column: number, field: string, message: RegExp, hint?: RegExp];

function expectDiagnostics(file: string, rows: Row[]) {
  const { diagnostics } = loadScenarioFile(fx(file));
  expect(diagnostics.map((d) => [d.severity, d.line, d.column, d.field])).toEqual(rows.map((r) => r.slice(0, 4)));
  rows.forEach((r, i) => {
    expect(diagnostics[i].message).toMatch(r[4]);
    if (r[5]) expect(diagnostics[i].hint).toMatch(r[5]);
    expect(diagnostics[i].file).toBe(fx(file));
  });
}

describe('scenario loading: invalid fixtures report every problem at once, located', () => {
  it('unknown keys at three levels, with did-you-mean and the allowed keys', () => {
    expectDiagnostics('invalid-unknown-keys.yaml', [
      ['error', 8, 3, 'metadata.owner', /unknown key "owner"/, /allowed keys here: name, title/],
      ['error', 14, 9, 'spec.chain[1].settings.targetTyp', /unknown key "targetTyp"/, /did you mean "targetType"\?/],
      ['error', 17, 7, 'spec.chain[2].replicas', /unknown key "replicas"/, /component, name, settings, latency/],
    ]);
  });

  it('wrong types, out-of-range values, bad enum values and unknown components', () => {
    expectDiagnostics('invalid-types.yaml', [
      ['error', 10, 12, 'spec.cluster.nodes', /expected number, got "three"/, /without quotes/],
      ['error', 11, 10, 'spec.cluster.azs', /9 is out of range: must be at most 6/],
      ['error', 16, 21, 'spec.chain[1].settings.targetType', /"ipp" is not allowed here/, /did you mean "ip"\? use one of: instance, ip/],
      ['error', 17, 20, 'spec.chain[1].settings.crossZone', /expected boolean, got "yes"/, /true or false/],
      ['error', 18, 18, 'spec.chain[2].component', /unknown component "nlbx"/, /did you mean "nlb"\?/],
    ]);
  });

  it('domain rules AWS would refuse: API Gateway -> CLB, PROXY versions, WAF on an NLB', () => {
    expectDiagnostics('invalid-domain-rules.yaml', [
      ['error', 12, 18, 'spec.chain[2].component', /API Gateway private integration cannot target a Classic Load Balancer/],
      ['error', 15, 24, 'spec.chain[3].settings.proxyProtocol', /Classic LB emits PROXY protocol v1 only; v2 is NLB-only/],
      ['error', 18, 24, 'spec.chain[4].settings.proxyProtocol', /PROXY protocol v1 is Classic-LB-only/],
      ['error', 19, 18, 'spec.chain[5].component', /WAF cannot attach to a Network Load Balancer/, /cloudfront, alb or apigw-rest/],
    ]);
  });

  it('YAML syntax errors, including duplicate keys', () => {
    expectDiagnostics('invalid-yaml-syntax.yaml', [
      ['error', 5, 3, '(syntax)', /Map keys must be unique/, /repeated key/],
      ['error', 8, 1, '(syntax)', /Flow sequence/],
    ]);
  });

  it('chain shape: client first, service last, gateway needed for clientIpFrom gateway', () => {
    expectDiagnostics('invalid-chain-shape.yaml', [
      ['error', 10, 18, 'spec.chain[0].component', /must start with the client/],
      ['error', 12, 33, 'spec.chain[1].settings.clientIpFrom', /no gateway/],
    ]);
  });

  it('a missing file is one located error, not an exception', () => {
    const { scenario, diagnostics } = loadScenarioFile(fx('does-not-exist.yaml'));
    expect(scenario).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toBe('no such file');
  });

  it('required fields that are missing are reported at the map that should hold them', () => {
    const { diagnostics } = loadScenarioText('apiVersion: exposure-lab.dev/v1alpha1\nkind: Scenario\nmetadata:\n  name: x\nspec:\n  chain: []\n', 'inline.yaml');
    const fields = diagnostics.map((d) => `${d.line}:${d.field}:${d.message}`);
    expect(fields).toContain('4:metadata.title:required field is missing (expected string)');
    expect(fields).toContain('6:spec.chain:the list has 0 item(s): it needs at least 2');
  });
});

describe('scenario loading: hostile YAML gets a located error, never an exception', () => {
  const base = readFileSync(scenarioPath('public-nlb'), 'utf8');
  const one = (src: string | Uint8Array) => {
    const { scenario, diagnostics } = loadScenarioText(src, 'h.yaml');
    expect(scenario).toBeUndefined();
    return diagnostics.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
  };
  const lineOf = (needle: string) => base.slice(0, base.indexOf(needle)).split('\n').length;

  it('an alias to an anchor that does not exist', () => {
    const line = lineOf('targetType: instance');
    expect(one(base.replace('targetType: instance', 'targetType: *nope'))).toEqual([expect.stringMatching(new RegExp(`^${line}:\\d+ yaml-alias-unknown alias \\*nope refers to no anchor`))]);
  });

  it('aliases that expand past the guard (a "billion laughs" document)', () => {
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 6; i++) bomb += `a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]\n`;
    expect(one(bomb + base)).toEqual([expect.stringMatching(/^2:\d+ yaml-alias-expansion the aliases expand to more than 100 copies/)]);
  });

  it('bytes that are not UTF-8, and a UTF-16 file', () => {
    const bytes = new TextEncoder().encode(base);
    const bad = Uint8Array.from([...bytes.subarray(0, 20), 0xc3, 0x28, ...bytes.subarray(20)]);
    expect(one(bad)).toEqual(['1:21 not-utf8 byte 0xc3 at offset 20 is not valid UTF-8']);
    expect(one(Uint8Array.from([0xff, 0xfe, 0x61, 0x00]))).toEqual(['1:1 not-utf8 the file is UTF-16 text, not UTF-8']);
  });

  it('nesting deeper than 64 levels, in flow and in block style', () => {
    expect(one(`a: ${'['.repeat(5000)}`)).toEqual(['1:68 yaml-too-deep nesting deeper than 64 levels']);
    let block = '';
    for (let i = 0; i < 100; i++) block += `${' '.repeat(i)}k${i}:\n`;
    expect(one(block)).toEqual(['65:1 yaml-too-deep nesting deeper than 64 levels']);
  });

  it('unknown tags, YAML 1.1 types and collection keys are errors, not silently converted values', () => {
    expect(one(base.replace('targetType: instance', 'targetType: !!binary aW5zdGFuY2U='))[0]).toMatch(/yaml-syntax .*tag/i);
    expect(one(base.replace('targetType: instance', 'targetType: !custom instance'))[0]).toMatch(/yaml-syntax .*tag/i);
    expect(one(`? [a, b]\n: 1\n${base}`)[0]).toMatch(/^1:\d+ yaml-syntax/);
  });

  it('a cascade of syntax errors is cut at 50, with a count of the rest', () => {
    const ds = one(Array.from({ length: 200 }, (_, i) => `k${i}: "unterminated\n`).join(''));
    expect(ds.length).toBeLessThanOrEqual(51);
  });
});

describe('scenario loading: legal but harmful configurations load with warnings', () => {
  it('in-tree NLB ignores the PROXY annotation; nginx trusting 0.0.0.0/0 is spoofable', () => {
    expectDiagnostics('valid-warnings.yaml', [
      ['warning', 14, 24, 'spec.chain[1].settings.proxyProtocol', /in-tree NLB ignores the aws-load-balancer-proxy-protocol annotation/],
      ['warning', 17, 18, 'spec.chain[3].component', /ingress-nginx \(the community controller\) is retired since March 2026: no further releases, bug fixes or security fixes \(source: Kubernetes blog/, /Envoy Gateway twin/],
      ['warning', 19, 9, 'spec.chain[3].settings.proxyRealIpCidr', /trusts a client-forged X-Forwarded-For/, /subnets only/],
    ]);
    expect(loadScenarioFile(fx('valid-warnings.yaml')).scenario).toBeDefined();
  });

  it('PROXY v2 + instance targets + ETP=Local breaks the health check', () => {
    expectDiagnostics('valid-proxy-etp-local.yaml', [
      ['warning', 12, 56, 'spec.chain[1].settings.proxyProtocol', /health check to healthCheckNodePort carries a PROXY header/, /externalTrafficPolicy: Cluster/],
    ]);
  });

  it('PROXY on the load balancer but not parsed by the gateway breaks every request', () => {
    expectDiagnostics('valid-proxy-not-parsed.yaml', [
      ['warning', 12, 34, 'spec.chain[1].settings.proxyProtocol', /does not parse it: every request fails/, /proxyProtocol: true/],
    ]);
  });

  it('Lattice TLS passthrough carries no headers', () => {
    expectDiagnostics('valid-lattice-passthrough.yaml', [
      ['warning', 12, 29, 'spec.chain[1].settings.listener', /adds no headers/],
    ]);
  });
});

describe('the shipped scenarios', () => {
  const required = ['public-nlb', 'public-nlb-proxy-protocol', 'apigw-nlb-ingress', 'apigw-nlb-gateway', 'alb-nlb-gateway', 'alb-ingress-gateway', 'clb-per-service', 'cloudfront-waf-clb-nginx', 'lattice-gateway-api', 'nodeport', 'direct'];

  it('every topology of DESIGN.md has a scenario file', () => {
    expect(scenarioNames()).toEqual(expect.arrayContaining(required));
  });

  it.each(scenarioNames())('%s loads with no errors and no warnings (but the ingress-nginx retirement), and names its trade-offs', (name) => {
    const { scenario, diagnostics } = loadScenarioFile(scenarioPath(name));
    // Every ingress-nginx hop carries the retirement notice (Kubernetes blog, 2025-11-11); nothing else.
    const nginxHops = scenario!.hops.filter((h) => h.component === 'ingress-nginx').length;
    expect(diagnostics.filter((d) => d.code !== 'ingress-nginx-retired')).toEqual([]);
    expect(diagnostics.filter((d) => d.code === 'ingress-nginx-retired')).toHaveLength(nginxHops);
    expect(scenario!.hops[0].component).toBe('client');
    expect(scenario!.hops.at(-1)!.component).toBe('service');
    expect(Object.keys(scenario!.doc.metadata.tradeoffs).sort()).toEqual(['certificates', 'podAwareRouting', 'redundancy', 'tls', 'waf']);
  });

  it('the committed JSON Schema is the one generated from the loader definition', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', 'infra', 'schemas', 'scenario.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });
});
