// The local provider's realizers, looked up by the key each catalog entry names (realize.local). A new
// component names one of these; a new way of realizing hops locally adds a key here and in the catalog type.
import type { LocalRealizer } from '../../catalog/realization.ts';
import type { Fidelity } from '../../result/types.ts';
import type { HopRole } from '../../emulation/spec.ts';

export interface LocalRealizerDef {
  /** The hop-process role that runs it (for a gateway: the built-in emulation when no real data plane does). */
  role: HopRole;
  /** A real data plane (Envoy Gateway + Envoy, nginx) may realize it instead of the hop process. */
  dataPlane: boolean;
  /**
   * Where cross-AZ latency is injected on the flows it forwards: by itself, or by the hop behind it on flows
   * arriving from another AZ (a real data plane injects nothing, and the choice of data plane is made at
   * provisioning time, so gateways always leave it to the receiver).
   */
  crossAzAt: 'sender' | 'receiver';
  fidelity: Fidelity;
  /** The report's "realized by" for the hop process (a data plane names itself). */
  realizedBy(component: string, tls: boolean): string;
}

const tlsNote = (tls: boolean) => (tls ? ', TLS terminated with a generated certificate' : '');

export const LOCAL_REALIZERS: Record<LocalRealizer, LocalRealizerDef> = {
  'l4-forwarder': {
    role: 'l4',
    dataPlane: false,
    crossAzAt: 'sender',
    fidelity: 'emulated',
    realizedBy: (c, tls) => `builtin L4 forwarder (${c} semantics${tlsNote(tls)})`,
  },
  'l7-proxy': {
    role: 'l7',
    dataPlane: false,
    crossAzAt: 'sender',
    fidelity: 'emulated',
    realizedBy: (c, tls) => `builtin L7 proxy (${c} semantics${tlsNote(tls)})`,
  },
  gateway: {
    role: 'l7',
    dataPlane: true,
    crossAzAt: 'receiver',
    fidelity: 'emulated',
    realizedBy: (c) => `builtin ${c} emulation (catalog semantics over node:http)`,
  },
  echo: {
    role: 'echo',
    dataPlane: false,
    crossAzAt: 'sender',
    fidelity: 'measured',
    realizedBy: () => 'builtin echo service (node:http)',
  },
};
