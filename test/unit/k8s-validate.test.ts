import { describe, expect, it } from 'vitest';
import { validateObject } from '../../harness/k8s/validate.ts';
import { nlbAnnotations, clbAnnotations } from '../../harness/k8s/aws-annotations.ts';
import { CATALOG as catalog } from '../../harness/catalog/index.ts';
import type { K8sObject } from '../../harness/k8s/types.ts';

const labels = { 'exposure-lab.dev/run-id': 'r1' };
const svc = (spec: Record<string, unknown>, annotations?: Record<string, string>): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'x', namespace: 'n', labels, ...(annotations ? { annotations } : {}) },
  spec: { selector: { a: 'b' }, ports: [{ port: 80 }], ...spec },
});

describe('validateObject rejects what an API server or controller would', () => {
  it('core kinds through kubernetes-models: a bad Service type', () => {
    expect(validateObject(svc({ type: 'Bogus' }))[0]).toMatch(/schema: .*type/);
    expect(validateObject(svc({ type: 'NodePort' }))).toEqual([]);
  });

  it('a misspelt or badly encoded AWS annotation', () => {
    expect(validateObject(svc({ type: 'LoadBalancer' }, { 'service.beta.kubernetes.io/aws-load-balancer-nlb-targettype': 'ip' }))[0]).toMatch(/misspelt/);
    expect(validateObject(svc({ type: 'LoadBalancer' }, { 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'proxy_protocol_v2.enabled:true' }))[0]).toMatch(/key=value/);
    expect(validateObject(svc({ type: 'LoadBalancer' }, { 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=yes' }))[0]).toMatch(/bad value/);
  });

  it('ClientTrafficPolicy: customHeader and xForwardedFor together, or hops and CIDRs together', () => {
    const ctp = (clientIPDetection: unknown): K8sObject => ({
      apiVersion: 'gateway.envoyproxy.io/v1alpha1',
      kind: 'ClientTrafficPolicy',
      metadata: { name: 'c', namespace: 'n', labels },
      spec: { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'g' }], clientIPDetection },
    });
    expect(validateObject(ctp({ customHeader: { name: 'X-Client-IP' } }))).toEqual([]);
    expect(validateObject(ctp({ customHeader: { name: 'X-Client-IP' }, xForwardedFor: { numTrustedHops: 1 } })).join()).toMatch(/conjunction/);
    expect(validateObject(ctp({ xForwardedFor: { numTrustedHops: 1, trustedCIDRs: ['10.0.0.0/8'] } })).join()).toMatch(/only one of/);
    expect(validateObject(ctp({ xForwardedFor: { numTrustedHop: 1 } })).join()).toMatch(/numTrustedHop/);
  });

  it('HTTPRoute: a Service backend without a port; an unknown CRD kind', () => {
    const route: K8sObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'n', labels },
      spec: { parentRefs: [{ name: 'g' }], rules: [{ backendRefs: [{ name: 'app' }] }] },
    };
    expect(validateObject(route).join()).toMatch(/must set port/);
    expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' } }).join()).toMatch(/no schema/);
  });

  it('run label required where asked, and label values checked', () => {
    const o = svc({ type: 'ClusterIP' });
    o.metadata.labels = { a: 'not valid!' };
    const p = validateObject(o, { requireRunLabel: true }).join('\n');
    expect(p).toMatch(/not a valid label value/);
    expect(p).toMatch(/missing label exposure-lab.dev\/run-id/);
  });
});

describe('AWS annotations from catalog settings', () => {
  const nlb = (s: unknown) => catalog.nlb.settings.parse(s) as any;
  it('in-tree NLB with proxyProtocol v2 sets the Classic-only annotation and says it is ignored (facts row 7)', () => {
    const a = nlbAnnotations(nlb({ controller: 'in-tree', proxyProtocol: 'v2', scheme: 'internal' }), { k: 'v' });
    expect(a.annotations['service.beta.kubernetes.io/aws-load-balancer-type']).toBe('nlb');
    expect(a.annotations['service.beta.kubernetes.io/aws-load-balancer-proxy-protocol']).toBe('*');
    expect(a.annotations['service.beta.kubernetes.io/aws-load-balancer-internal']).toBe('true');
    expect(a.notes.join()).toMatch(/ignored/);
  });
  it('ip targets with client IP preservation on', () => {
    const a = nlbAnnotations(nlb({ targetType: 'ip', preserveClientIp: true }), {});
    expect(a.annotations['service.beta.kubernetes.io/aws-load-balancer-nlb-target-type']).toBe('ip');
    expect(a.annotations['service.beta.kubernetes.io/aws-load-balancer-target-group-attributes']).toBe('preserve_client_ip.enabled=true');
  });
  it('TLS listener without a certificate ARN is reported missing', () => {
    expect(nlbAnnotations(nlb({ listener: 'TLS' }), {}).missing.join()).toMatch(/EXPOSURE_LAB_CERT_ARN/);
  });
  it('Classic LB: PROXY v1 on every port, https needs a certificate', () => {
    const a = clbAnnotations(catalog.clb.settings.parse({ listener: 'tcp', proxyProtocol: 'v1' }) as any, {});
    expect(a.annotations['service.beta.kubernetes.io/aws-load-balancer-proxy-protocol']).toBe('*');
    expect(clbAnnotations(catalog.clb.settings.parse({ listener: 'https' }) as any, {}).missing).toHaveLength(1);
  });
});
