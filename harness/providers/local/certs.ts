// A self-signed certificate for TLS-terminating entry hops (NLB TLS listener, ALB/CLB https, CloudFront,
// API Gateway, Lattice https). Generated once per process: RSA key generation in JS takes a moment.
import selfsigned from 'selfsigned';

let cached: { key: string; cert: string } | null = null;

export function labCertificate(): { key: string; cert: string } {
  if (!cached) {
    const r = selfsigned.generate([{ name: 'commonName', value: 'exposure-lab.local' }], {
      days: 2,
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'exposure-lab.local' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    cached = { key: r.private, cert: r.cert };
  }
  return cached;
}
