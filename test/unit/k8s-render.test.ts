import { describe, expect, it } from 'vitest';
import { loadScenarioOrThrow, scenarioNames } from '../../harness/scenario/resolve.ts';
import { renderScenario } from '../../harness/k8s/render.ts';
import { SWEPT_KINDS } from '../../harness/cluster/sweep.ts';
import { validateManifest } from '../../harness/k8s/validate.ts';
import { manifestYaml } from '../../harness/k8s/yaml.ts';
import { eksNetworks } from '../../harness/k8s/networks.ts';
import { LABELS } from '../../harness/k8s/names.ts';
import type { K8sObject, Manifest, RenderTarget } from '../../harness/k8s/types.ts';

const RUN = 'mabc123-4242';
const IMAGE = 'exposure-lab/lab:0.1.0';
const EKS_NET = eksNetworks({ vpcCidr: '10.0.0.0/16', cloudfrontCidrs: ['130.176.0.0/17'] }).networks;
const ARNS = { certificateArn: 'arn:aws:acm:eu-west-1:111122223333:certificate/abc', wafAclArn: 'arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/lab/abc' };

function render(name: string, target: RenderTarget): Manifest {
  const s = loadScenarioOrThrow(name);
  return renderScenario(s, { runId: RUN, target, echoImage: IMAGE, networks: target === 'eks' ? EKS_NET : undefined, aws: target === 'eks' ? ARNS : undefined });
}
const objs = (m: Manifest, kind: string): K8sObject[] => m.entries.map((e) => e.object).filter((o) => o.kind === kind);
const one = (m: Manifest, kind: string): any => {
  const l = objs(m, kind);
  expect(l, `${kind} count`).toHaveLength(1);
  return l[0];
};
const ann = (o: any, k: string): string | undefined => o.metadata.annotations?.[k] ?? o.spec?.provider?.kubernetes?.envoyService?.annotations?.[k];
const SVC = 'service.beta.kubernetes.io/';

describe('k8s manifests for every scenario', () => {
  for (const name of scenarioNames()) {
    for (const target of ['kind', 'cluster', 'eks'] as const) {
      it(`${name} on ${target}: every object validates and carries the run label`, () => {
        const m = render(name, target);
        expect(validateManifest(m)).toEqual([]);
        for (const e of m.entries) if (e.ownership === 'run') expect(e.object.metadata.labels?.[LABELS.runId]).toBe(RUN);
        expect(objs(m, 'Deployment').length).toBeGreaterThan(0);
        if (target === 'kind') expect(m.nodePorts.every((p) => p.nodePort! >= 30080)).toBe(true);
        // An existing cluster allocates NodePorts itself (two runs never ask for the same one).
        if (target === 'cluster') expect(m.nodePorts.length && m.nodePorts.every((p) => p.nodePort === undefined)).toBe(true);
        if (target === 'cluster') expect(JSON.stringify(m.entries)).not.toMatch(/"nodePort"/);
        if (target === 'eks') expect(m.nodePorts).toEqual([]);
      });
    }
  }
});

describe('k8s manifests: what each setting turns into', () => {
  it('public-nlb on eks: controller NLB, instance targets, internet-facing, ETP Local on the Envoy Service', () => {
    const m = render('public-nlb', 'eks');
    const ep = one(m, 'EnvoyProxy');
    const svc = ep.spec.provider.kubernetes.envoyService;
    expect(svc.type).toBe('LoadBalancer');
    expect(svc.externalTrafficPolicy).toBe('Local');
    expect(ann(ep, SVC + 'aws-load-balancer-type')).toBe('external');
    expect(ann(ep, SVC + 'aws-load-balancer-nlb-target-type')).toBe('instance');
    expect(ann(ep, SVC + 'aws-load-balancer-scheme')).toBe('internet-facing');
    expect(ann(ep, SVC + 'aws-load-balancer-additional-resource-tags')).toContain(`exposure-lab.dev/run-id=${RUN}`);
    expect(ep.spec.provider.kubernetes.envoyDeployment.replicas).toBe(2);
    expect(objs(m, 'ClientTrafficPolicy')).toHaveLength(0); // defaults: nothing to override
    expect(m.unrealized).toEqual([]);
  });

  it('public-nlb-proxy-protocol: PROXY v2 target-group attribute, cross-zone, ETP Cluster, Envoy parses PROXY', () => {
    const m = render('public-nlb-proxy-protocol', 'eks');
    const ep = one(m, 'EnvoyProxy');
    expect(ann(ep, SVC + 'aws-load-balancer-target-group-attributes')).toBe('proxy_protocol_v2.enabled=true');
    expect(ann(ep, SVC + 'aws-load-balancer-attributes')).toBe('load_balancing.cross_zone.enabled=true');
    expect(ep.spec.provider.kubernetes.envoyService.externalTrafficPolicy).toBe('Cluster');
    // Envoy Gateway v1.9: proxyProtocol (enableProxyProtocol is deprecated); no `optional`, so a connection without PROXY is refused.
    expect(one(m, 'ClientTrafficPolicy').spec.proxyProtocol).toEqual({});
  });

  it('apigw-nlb-gateway: Envoy reads the mapped header; on eks API Gateway and the VPC link are made by the AWS SDK, outside the manifests', () => {
    const m = render('apigw-nlb-gateway', 'eks');
    const ctp = one(m, 'ClientTrafficPolicy');
    expect(ctp.spec.clientIPDetection).toEqual({ customHeader: { name: 'X-Client-IP', failClosed: false } });
    expect(ann(one(m, 'EnvoyProxy'), SVC + 'aws-load-balancer-scheme')).toBe('internal');
    expect(m.unrealized).toEqual([]);
    expect(m.outside.map((o) => `${o.component}:${o.how.match(/\((\S+),/)?.[1]}`)).toEqual(['apigw-rest:apigw-rest-api', 'vpc-link:apigw-vpc-link']);
    const kind = render('apigw-nlb-gateway', 'kind');
    expect(kind.unrealized).toEqual([]);
    expect(kind.outside.map((o) => `${o.component}:${o.how.split(' ')[0]}`)).toEqual(['apigw-rest:LocalStack', 'vpc-link:lab', 'nlb:lab']);
  });

  it('apigw-nlb-ingress: ingress-nginx ConfigMap keys from the scenario, trust mapped per target', () => {
    const eks = render('apigw-nlb-ingress', 'eks');
    const cm = objs(eks, 'ConfigMap').find((c) => c.metadata.name === 'ingress-nginx-controller') as any;
    expect(cm.data).toMatchObject({
      'use-proxy-protocol': 'false',
      'use-forwarded-headers': 'true',
      'compute-full-forwarded-for': 'false',
      'proxy-real-ip-cidr': '10.0.0.0/16',
      'forwarded-for-header': 'X-Client-IP',
    });
    expect(eks.entries.find((e) => e.object === cm)!.ownership).toBe('shared');
    const kind = render('apigw-nlb-ingress', 'kind');
    const kcm = objs(kind, 'ConfigMap').find((c) => c.metadata.name === 'ingress-nginx-controller') as any;
    expect(kcm.data['proxy-real-ip-cidr']).toBe('10.244.0.0/16,172.16.0.0/12');
    const ing = objs(kind, 'Ingress')[0] as any;
    expect(ing.spec.ingressClassName).toBe('nginx');
  });

  it('eks without the VPC CIDR: trusting "vpc" is reported as not realized', () => {
    const s = loadScenarioOrThrow('apigw-nlb-ingress');
    const m = renderScenario(s, { runId: RUN, target: 'eks', echoImage: IMAGE });
    expect(m.unrealized.some((u) => u.component === 'ingress-nginx' && u.hint.includes('EXPOSURE_LAB_VPC_CIDR'))).toBe(true);
    // and the empty CIDR list it would otherwise apply is caught by validation
    expect(validateManifest(m).join('\n')).toContain('proxy-real-ip-cidr');
  });

  it('alb-ingress-gateway on eks: Ingress of class alb (ip targets, XFF append) in front of a ClusterIP Envoy Service', () => {
    const m = render('alb-ingress-gateway', 'eks');
    const ing = objs(m, 'Ingress').find((i: any) => i.spec.ingressClassName === 'alb') as any;
    expect(ing.metadata.namespace).toBe('envoy-gateway-system');
    expect(ing.metadata.annotations['alb.ingress.kubernetes.io/target-type']).toBe('ip');
    expect(ing.metadata.annotations['alb.ingress.kubernetes.io/load-balancer-attributes']).toBe('routing.http.xff_header_processing.mode=append');
    expect(ing.metadata.annotations['alb.ingress.kubernetes.io/certificate-arn']).toBe(ARNS.certificateArn);
    const ep = one(m, 'EnvoyProxy');
    expect(ep.spec.provider.kubernetes.envoyService.type).toBe('ClusterIP');
    expect(ing.spec.rules[0].http.paths[0].backend.service.name).toBe(ep.spec.provider.kubernetes.envoyService.name);
    expect(one(m, 'ClientTrafficPolicy').spec.clientIPDetection).toEqual({ xForwardedFor: { numTrustedHops: 1 } });
  });

  it('alb-nlb-gateway on eks: the standalone ALB and its WAF are made by the AWS SDK, outside the manifests', () => {
    const m = render('alb-nlb-gateway', 'eks');
    expect(m.unrealized).toEqual([]);
    expect(m.outside.map((o) => o.component)).toEqual(['alb', 'waf']);
    expect(m.outside.every((o) => o.how.includes('AWS SDK'))).toBe(true);
  });

  it('clb-per-service: N Services of type LoadBalancer, Classic (no type annotation), TCP backend, ETP Cluster', () => {
    const m = render('clb-per-service', 'eks');
    const lbs = objs(m, 'Service').filter((s: any) => s.spec.type === 'LoadBalancer') as any[];
    expect(lbs).toHaveLength(5);
    for (const s of lbs) {
      expect(s.metadata.annotations[SVC + 'aws-load-balancer-type']).toBeUndefined();
      expect(s.metadata.annotations[SVC + 'aws-load-balancer-backend-protocol']).toBe('tcp');
      expect(s.spec.externalTrafficPolicy).toBe('Cluster');
    }
    expect(objs(m, 'Deployment')).toHaveLength(5);
    const kind = render('clb-per-service', 'kind');
    expect(kind.nodePorts.map((p) => p.nodePort)).toEqual([30080, 30081, 30082, 30083, 30084]);
  });

  it('cloudfront-waf-clb-nginx: Classic HTTP listener (backend-protocol http), ETP Local on the controller Service', () => {
    const m = render('cloudfront-waf-clb-nginx', 'eks');
    const svc = objs(m, 'Service').find((s: any) => s.spec.type === 'LoadBalancer') as any;
    expect(svc.metadata.namespace).toBe('ingress-nginx');
    expect(svc.metadata.annotations[SVC + 'aws-load-balancer-backend-protocol']).toBe('http');
    expect(svc.spec.externalTrafficPolicy).toBe('Local');
    expect(m.unrealized).toEqual([]);
    expect(m.outside.map((o) => o.component)).toEqual(['cloudfront', 'waf']);
  });

  it('lattice-gateway-api: Gateway of class amazon-vpc-lattice, HTTPRoute 75/25 over per-version Services', () => {
    const m = render('lattice-gateway-api', 'eks');
    expect(one(m, 'Gateway').spec.gatewayClassName).toBe('amazon-vpc-lattice');
    const refs = one(m, 'HTTPRoute').spec.rules[0].backendRefs;
    expect(refs.map((r: any) => [r.name, r.weight])).toEqual([
      ['app-v1', 75],
      ['app-v2', 25],
    ]);
    expect(objs(m, 'Deployment').map((d: any) => [d.metadata.name, d.spec.replicas])).toEqual([
      ['app-v1', 2],
      ['app-v2', 2],
    ]);
    const kind = render('lattice-gateway-api', 'kind');
    expect(objs(kind, 'Gateway')).toHaveLength(0);
    expect(kind.nodePorts.map((p) => p.version)).toEqual(['v1', 'v2']);
  });

  it('nodeport: a NodePort Service with ETP Cluster; direct on eks is reported as reachable only in-cluster', () => {
    const m = render('nodeport', 'eks');
    const svc = objs(m, 'Service')[0] as any;
    expect(svc.spec.type).toBe('NodePort');
    expect(svc.spec.externalTrafficPolicy).toBe('Cluster');
    expect(render('direct', 'eks').unrealized).toHaveLength(1);
  });

  it('the echo reads the client IP the way the scenario says', () => {
    const m = render('lattice-gateway-api', 'eks');
    const env = (objs(m, 'Deployment')[0] as any).spec.template.spec.containers[0].env;
    expect(env).toContainEqual({ name: 'ECHO_CLIENT_IP_FROM', value: 'xff-rightmost' });
    const g = render('public-nlb', 'eks');
    expect((objs(g, 'Deployment')[0] as any).spec.template.spec.containers[0].env).toContainEqual({ name: 'ECHO_CLIENT_IP_FROM', value: 'gateway' });
  });
});

describe('k8s manifests: what Envoy Gateway and the AWS controllers need (defects found on a real API server)', () => {
  const EG_OWNED = ['app.kubernetes.io/name', 'app.kubernetes.io/component', 'app.kubernetes.io/managed-by', 'gateway.envoyproxy.io/owning-gateway-name', 'gateway.envoyproxy.io/owning-gateway-namespace', 'gateway.envoyproxy.io/owning-gatewayclass'];
  for (const name of scenarioNames())
    for (const target of ['kind', 'cluster', 'eks'] as const) {
      const m = render(name, target);
      const ep = objs(m, 'EnvoyProxy')[0] as any;
      if (!ep) continue;
      it(`${name} on ${target}: EnvoyProxy labels its pods and Service with the run, never with a key Envoy Gateway's selector owns`, () => {
        const k = ep.spec.provider.kubernetes;
        for (const labels of [k.envoyDeployment.pod.labels, k.envoyService.labels]) {
          expect(labels[LABELS.runId]).toBe(RUN);
          for (const key of EG_OWNED) expect(labels, key).not.toHaveProperty(key);
        }
        // The provider finds the Envoy pods by the owning-gateway labels Envoy Gateway puts on them.
        const gw = one(m, 'Gateway');
        expect(m.gatewayPods).toMatchObject({ namespace: 'envoy-gateway-system', createdForRun: true, gateway: { namespace: m.namespace, name: gw.metadata.name } });
        expect(m.gatewayPods!.selector).toBe(`gateway.envoyproxy.io/owning-gateway-namespace=${m.namespace},gateway.envoyproxy.io/owning-gateway-name=${gw.metadata.name}`);
      });
    }

  it('public-nlb-tls on eks: the NLB TLS listener targets Service port 443, and the Envoy Service has that port (ssl-ports 443)', () => {
    const m = render('public-nlb-tls', 'eks');
    const ep = one(m, 'EnvoyProxy');
    expect(ann(ep, SVC + 'aws-load-balancer-ssl-ports')).toBe('443');
    // Envoy Gateway gives the Envoy Service one port per Gateway listener port.
    expect(one(m, 'Gateway').spec.listeners.map((l: any) => l.port)).toEqual([443]);
    expect(m.front).toMatchObject({ via: 'service-lb', port: 443, createdBy: 'envoy-gateway' });
    // Plain NLBs keep port 80.
    expect(one(render('public-nlb', 'eks'), 'Gateway').spec.listeners[0].port).toBe(80);
  });

  it('an ALB with its default HTTPS listener and no certificate ARN is refused up front (not a note, then a timeout)', () => {
    const s = loadScenarioOrThrow('alb-ingress-gateway');
    const m = renderScenario(s, { runId: RUN, target: 'eks', echoImage: IMAGE, networks: EKS_NET });
    expect(m.unrealized.map((u) => [u.component, u.reason])).toEqual([['alb', expect.stringMatching(/certificate ARN.*EXPOSURE_LAB_CERT_ARN/)]]);
    expect(render('alb-ingress-gateway', 'eks').unrealized).toEqual([]);
  });

  it('Lattice: the Gateway is named after the service network the user names', () => {
    const s = loadScenarioOrThrow('lattice-gateway-api');
    const m = renderScenario(s, { runId: RUN, target: 'eks', echoImage: IMAGE, networks: EKS_NET, aws: { latticeServiceNetwork: 'team-net' } });
    expect(one(m, 'Gateway').metadata.name).toBe('team-net');
    expect(m.front).toMatchObject({ via: 'lattice-route', namespace: m.namespace, port: 443 });
  });

  it('where the client enters: the Service, Ingress, route or NodePort each target names', () => {
    expect(render('public-nlb', 'eks').front).toMatchObject({ via: 'service-lb', namespace: 'envoy-gateway-system', name: 'envoy-mabc123-4242-envoy', port: 80 });
    expect(render('alb-ingress-gateway', 'eks').front).toMatchObject({ via: 'ingress-lb', port: 443 });
    expect(render('clb-per-service', 'eks').front).toMatchObject({ via: 'service-lb', name: 'app' });
    expect(render('nodeport', 'eks').front).toMatchObject({ via: 'node-port', name: 'app', port: 80 });
    expect(render('public-nlb', 'cluster').front).toMatchObject({ via: 'node-port', namespace: 'envoy-gateway-system' });
  });
});

describe('k8s manifests: snapshots for review', () => {
  for (const [name, target] of [
    ['public-nlb-proxy-protocol', 'eks'],
    ['apigw-nlb-ingress', 'kind'],
    ['lattice-gateway-api', 'eks'],
  ] as const) {
    it(`${name} on ${target}`, async () => {
      await expect(manifestYaml(render(name, target))).toMatchFileSnapshot(`__snapshots__/k8s-${name}.${target}.yaml`);
    });
  }
});

describe('the leak sweep knows every kind the lab creates', () => {
  it('every kind any scenario renders for any target is swept', () => {
    const swept = new Set(SWEPT_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
    for (const name of scenarioNames())
      for (const target of ['kind', 'cluster', 'eks'] as const)
        for (const e of render(name, target).entries) if (e.ownership === 'run') expect(swept, `${name} ${target}: ${e.object.kind}`).toContain(`${e.object.apiVersion}/${e.object.kind}`);
  });
});
