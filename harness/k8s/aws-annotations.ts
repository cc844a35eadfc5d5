// Annotations that make the AWS controllers create the load balancer a scenario hop describes. Keys and value
// encodings are those documented by the AWS Load Balancer Controller (service and ingress annotations) and
// the in-tree cloud provider's service controller (kubernetes/cloud-provider-aws docs/service_controller.md).
import type { NlbSettings } from '../catalog/components/nlb.ts';
import type { ClbSettings } from '../catalog/components/clb.ts';
import type { AlbSettings } from '../catalog/components/alb.ts';
import { stringMap } from './names.ts';

const SVC = 'service.beta.kubernetes.io/';
const ALB = 'alb.ingress.kubernetes.io/';

export interface Annotated {
  annotations: Record<string, string>;
  notes: string[];
  /** Missing inputs that keep the LB from being created as described (eks). */
  missing: string[];
}

/** NLB for a Service of type LoadBalancer. */
export function nlbAnnotations(s: NlbSettings, tags: Record<string, string>, opts: { certificateArn?: string } = {}): Annotated {
  const a: Record<string, string> = {};
  const notes: string[] = [];
  const missing: string[] = [];
  if (s.controller === 'aws-load-balancer-controller') {
    a[SVC + 'aws-load-balancer-type'] = 'external';
    a[SVC + 'aws-load-balancer-nlb-target-type'] = s.targetType;
    a[SVC + 'aws-load-balancer-scheme'] = s.scheme;
    const tg: Record<string, string | boolean> = {};
    // Explicit even when it equals the default, so the manifest documents what the run measured.
    if (s.preserveClientIp !== undefined) tg['preserve_client_ip.enabled'] = s.preserveClientIp;
    if (s.proxyProtocol === 'v2') tg['proxy_protocol_v2.enabled'] = true;
    if (Object.keys(tg).length) a[SVC + 'aws-load-balancer-target-group-attributes'] = stringMap(tg);
    a[SVC + 'aws-load-balancer-attributes'] = stringMap({ 'load_balancing.cross_zone.enabled': s.crossZone });
    a[SVC + 'aws-load-balancer-additional-resource-tags'] = stringMap(tags);
  } else {
    a[SVC + 'aws-load-balancer-type'] = 'nlb';
    if (s.scheme === 'internal') a[SVC + 'aws-load-balancer-internal'] = 'true';
    if (s.proxyProtocol !== 'none') {
      // Reproduces the documented pitfall on purpose (facts row 7): the in-tree controller ignores it on NLBs.
      a[SVC + 'aws-load-balancer-proxy-protocol'] = '*';
      notes.push('in-tree NLB: aws-load-balancer-proxy-protocol is Classic-only and silently ignored (facts row 7); no PROXY header will arrive');
    }
    if (s.crossZone) a[SVC + 'aws-load-balancer-cross-zone-load-balancing-enabled'] = 'true';
    if (s.targetType === 'ip') notes.push('in-tree NLB supports instance targets only; ip targets need the AWS Load Balancer Controller');
    if (s.preserveClientIp !== undefined) notes.push('in-tree NLB: preserve_client_ip cannot be set by annotation; the AWS default applies');
    a[SVC + 'aws-load-balancer-additional-resource-tags'] = stringMap(tags);
  }
  if (s.listener === 'TLS') {
    if (opts.certificateArn) {
      a[SVC + 'aws-load-balancer-ssl-cert'] = opts.certificateArn;
      a[SVC + 'aws-load-balancer-ssl-ports'] = '443';
    } else missing.push('TLS listener needs an ACM certificate ARN (EXPOSURE_LAB_CERT_ARN)');
  }
  if (s.listener === 'UDP') missing.push('UDP listener: the echo application speaks HTTP over TCP');
  return { annotations: a, notes, missing };
}

/** Classic LB from the in-tree cloud provider (no type annotation: Classic is the default). */
export function clbAnnotations(s: ClbSettings, tags: Record<string, string>, opts: { certificateArn?: string } = {}): Annotated {
  const a: Record<string, string> = {};
  const notes: string[] = [
    'Classic LB needs the in-tree cloud provider path; with the AWS Load Balancer Controller v2.5+ installed, its service mutator webhook turns type LoadBalancer into an NLB unless it is disabled (enableServiceMutatorWebhook=false)',
  ];
  const missing: string[] = [];
  if (s.scheme === 'internal') a[SVC + 'aws-load-balancer-internal'] = 'true';
  const backend = s.listener === 'http' || s.listener === 'https' ? 'http' : s.listener === 'ssl' ? 'ssl' : 'tcp';
  a[SVC + 'aws-load-balancer-backend-protocol'] = backend === 'ssl' ? 'tcp' : backend;
  if (s.listener === 'https' || s.listener === 'ssl') {
    if (opts.certificateArn) {
      a[SVC + 'aws-load-balancer-ssl-cert'] = opts.certificateArn;
      a[SVC + 'aws-load-balancer-ssl-ports'] = '443';
    } else missing.push(`${s.listener} listener needs an ACM certificate ARN (EXPOSURE_LAB_CERT_ARN)`);
  }
  if (s.proxyProtocol === 'v1') a[SVC + 'aws-load-balancer-proxy-protocol'] = '*';
  if (s.crossZone) a[SVC + 'aws-load-balancer-cross-zone-load-balancing-enabled'] = 'true';
  a[SVC + 'aws-load-balancer-additional-resource-tags'] = stringMap(tags);
  return { annotations: a, notes, missing };
}

/** ALB from an Ingress of class alb (AWS Load Balancer Controller). */
export function albIngressAnnotations(s: AlbSettings, tags: Record<string, string>, opts: { certificateArn?: string; wafAclArn?: string; waf: boolean }): Annotated {
  const a: Record<string, string> = {};
  const notes: string[] = [];
  const missing: string[] = [];
  a[ALB + 'scheme'] = s.scheme;
  a[ALB + 'target-type'] = s.targetType;
  a[ALB + 'healthcheck-path'] = '/';
  const attrs: Record<string, string | boolean> = { 'routing.http.xff_header_processing.mode': s.xffMode };
  if (s.xffClientPort) attrs['routing.http.xff_client_port.enabled'] = true;
  a[ALB + 'load-balancer-attributes'] = stringMap(attrs);
  if (s.https) {
    a[ALB + 'listen-ports'] = '[{"HTTPS":443}]';
    // Without one the controller can only discover a certificate from the Ingress host (the lab sets none):
    // no ALB would ever come up. An input the run cannot start without, checked before anything is applied.
    if (opts.certificateArn) a[ALB + 'certificate-arn'] = opts.certificateArn;
    else missing.push('HTTPS listener (the ALB default, https: true) needs an ACM certificate ARN (EXPOSURE_LAB_CERT_ARN), or set https: false');
  } else a[ALB + 'listen-ports'] = '[{"HTTP":80}]';
  if (opts.waf) {
    if (opts.wafAclArn) a[ALB + 'wafv2-acl-arn'] = opts.wafAclArn;
    else missing.push('WAF on the ALB needs a WAFv2 web ACL ARN (EXPOSURE_LAB_WAF_ACL_ARN)');
  }
  if (s.mutualTls) missing.push('ALB mutual TLS needs a trust store; not generated by the lab');
  a[ALB + 'tags'] = stringMap(tags);
  return { annotations: a, notes, missing };
}
