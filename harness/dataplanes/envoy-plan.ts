// How an envoy-gateway hop's settings become Envoy HTTP connection manager (HCM) options, the way Envoy
// Gateway translates a ClientTrafficPolicy: one place, read by the Envoy bootstrap and by HAProxy standing in.
import type { EnvoySettings } from '../catalog/components/envoy-gateway.ts';

export interface EnvoyHcmPlan {
  /** HCM use_remote_address. Envoy refuses it together with original_ip_detection_extensions. */
  useRemoteAddress: boolean;
  /** HCM xff_num_trusted_hops (only without extensions). */
  xffNumTrustedHops: number;
  /** original_ip_detection_extensions: custom_header with this header name. */
  customHeader: string | null;
  /** original_ip_detection_extensions: xff with xff_trusted_cidrs (Envoy walks past every trusted entry). */
  trustedCidrs: string[];
  /**
   * Entries of X-Forwarded-For skipped from the right before the client address is taken; null when
   * X-Forwarded-For is not read (client = remote address, or a custom header / CIDR walk decides).
   */
  xffSkipFromRight: number | null;
  /** Envoy appends the remote address to X-Forwarded-For (use_remote_address: true). */
  appendXff: boolean;
}

export function envoyHcmPlan(s: EnvoySettings): EnvoyHcmPlan {
  if (s.clientIpHeader) {
    // Envoy Gateway clientIPDetection.customHeader: extension on, use_remote_address off (Envoy rejects the mix).
    return { useRemoteAddress: false, xffNumTrustedHops: 0, customHeader: s.clientIpHeader, trustedCidrs: [], xffSkipFromRight: null, appendXff: false };
  }
  if (s.trustedCidrs.length) {
    return { useRemoteAddress: false, xffNumTrustedHops: 0, customHeader: null, trustedCidrs: [...s.trustedCidrs], xffSkipFromRight: null, appendXff: false };
  }
  if (s.useRemoteAddress) {
    // Nth from the right with N trusted hops (Envoy counts before appending its own peer); 0 hops: the peer.
    return { useRemoteAddress: true, xffNumTrustedHops: s.xffNumTrustedHops, customHeader: null, trustedCidrs: [], xffSkipFromRight: s.xffNumTrustedHops > 0 ? s.xffNumTrustedHops - 1 : null, appendXff: true };
  }
  // use_remote_address false: Envoy trusts the (N+1)th entry from the right and appends nothing.
  return { useRemoteAddress: false, xffNumTrustedHops: s.xffNumTrustedHops, customHeader: null, trustedCidrs: [], xffSkipFromRight: s.xffNumTrustedHops, appendXff: false };
}
