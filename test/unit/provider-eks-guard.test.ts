import { describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertTargetAllowed, isLoopbackTarget, RemoteTargetRefused } from '../../harness/cluster/guard.ts';
import { credentialSource, diagnoseEks } from '../../harness/providers/eks/available.ts';
import { eksRenderInputs } from '../../harness/providers/eks/index.ts';

describe('eks loopback guard', () => {
  it('allows literal loopback targets only', () => {
    for (const h of ['127.0.0.1', '127.22.1.3', '127.255.255.254', '::1', 'localhost']) expect(isLoopbackTarget(h)).toBe(true);
    for (const h of ['k8s-lab-abc.elb.eu-west-1.amazonaws.com', '10.0.1.5', '128.0.0.1', 'localhost.evil.com', '127.0.0.1.nip.io', '1270.0.0.1']) expect(isLoopbackTarget(h)).toBe(false);
  });
  it('refuses a load balancer hostname unless EXPOSURE_LAB_ALLOW_REMOTE=1', () => {
    const host = 'k8s-lab-abc.elb.eu-west-1.amazonaws.com';
    expect(() => assertTargetAllowed(host, {})).toThrow(RemoteTargetRefused);
    expect(() => assertTargetAllowed(host, { EXPOSURE_LAB_ALLOW_REMOTE: 'true' })).toThrow(/EXPOSURE_LAB_ALLOW_REMOTE=1/);
    expect(() => assertTargetAllowed(host, { EXPOSURE_LAB_ALLOW_REMOTE: '1' })).not.toThrow();
    expect(() => assertTargetAllowed('127.0.0.1', {})).not.toThrow();
  });
});

describe('eks availability (no AWS call is made)', () => {
  it('finds credentials in env vars and shared files, and none in an empty home', () => {
    const home = mkdtempSync(join(tmpdir(), 'lab-home-'));
    try {
      expect(credentialSource({}, home)).toBeNull();
      expect(credentialSource({ AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }, home)).toMatch(/environment/);
      mkdirSync(join(home, '.aws'));
      writeFileSync(join(home, '.aws', 'config'), '[default]\nregion=eu-west-1\n');
      expect(credentialSource({ AWS_PROFILE: 'lab' }, home)).toMatch(/shared config file .*profile lab/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
  it('lists every missing piece with what to do (what a scenario needs in the cluster is the preflight\'s)', () => {
    const r = diagnoseEks({ context: null, credentials: null });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toMatch(/kubeconfig context.*AWS credentials/);
      expect(r.hint).toMatch(/update-kubeconfig.*AWS_PROFILE/);
    }
    const c = diagnoseEks({ context: 'arn:aws:eks:eu-west-1:1:cluster/lab', credentials: 'environment', apiError: 'not asked: the API server x is not on loopback' });
    expect(!c.ok && c.reason).toMatch(/API server of context arn:aws:eks.*not on loopback/);
    expect(diagnoseEks({ context: 'lab', credentials: 'environment' })).toEqual({ ok: true });
  });
  it('render inputs come from EXPOSURE_LAB_* variables', () => {
    const i = eksRenderInputs({ EXPOSURE_LAB_VPC_CIDR: '10.1.0.0/16', EXPOSURE_LAB_CLOUDFRONT_CIDRS: '130.176.0.0/17, 64.252.64.0/18', EXPOSURE_LAB_CERT_ARN: 'arn:aws:acm:x' });
    expect(i.networks.vpc).toEqual(['10.1.0.0/16']);
    expect(i.networks.cloudfront).toEqual(['130.176.0.0/17', '64.252.64.0/18']);
    expect(i.networks.lattice).toEqual(['169.254.171.0/24']);
    expect(i.aws.certificateArn).toBe('arn:aws:acm:x');
    expect(eksRenderInputs({ EXPOSURE_LAB_LATTICE_SERVICE_NETWORK: 'lab-net' }).aws.latticeServiceNetwork).toBe('lab-net');
  });
});

describe('eks: the cluster API server is subject to the same rule', () => {
  it('apiServerHost reads the current cluster, and a remote one is refused by the guard', async () => {
    const { apiServerHost } = await import('../../harness/providers/eks/index.ts');
    const { kubeConfigFrom } = await import('../../harness/cluster/kube.ts');
    const yaml = (server: string) =>
      `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${server}\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\nusers:\n- name: u\n  user:\n    token: t\n`;
    const remote = apiServerHost(await kubeConfigFrom({ yaml: yaml('https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com') }));
    expect(remote).toBe('abcdef.gr7.eu-west-1.eks.amazonaws.com');
    expect(() => assertTargetAllowed(remote, {})).toThrow(RemoteTargetRefused);
    expect(apiServerHost(await kubeConfigFrom({ yaml: yaml('https://127.0.0.1:39211') }))).toBe('127.0.0.1');
  });
});
