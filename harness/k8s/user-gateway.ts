// A user's own Envoy Gateway configuration (a scenario hop's `config.files`), prepared for the local run: the
// objects unchanged, plus only what connects them to the lab's chain, each addition listed for the report.
import type { UserGatewayConfig } from '../gateway-config/types.ts';

export interface UserGatewayObjects {
  objects: Array<Record<string, unknown>>;
  /** What the lab added or changed, one line each (the report's "added by the lab"). */
  added: string[];
  port: number;
  hostHeader?: string;
  probePath: string;
}

export function userEnvoyGatewayObjects(_o: { config: UserGatewayConfig; endpoints: Array<{ host: string; port: number }>; accessLogPath: string }): UserGatewayObjects {
  throw new Error('not yet');
}
