// Provider lookup by name: the realizers (local, kind, cluster, eks) and the simulator (model). kind, cluster
// and eks check their tools, kubeconfig and credentials in available() and say what is missing (and what a
// scenario needs in the cluster before anything is applied); local needs loopback aliases; model needs nothing.
import { PROVIDER_NAMES, type Provider } from './types.ts';
import { localProvider } from './local/index.ts';
import { modelProvider } from './model/index.ts';
import { kindProvider } from './kind/index.ts';
import { clusterProvider } from './cluster/index.ts';
import { eksProvider } from './eks/index.ts';
import { UserError } from '../lib/errors.ts';

export function getProvider(name: string): Provider {
  switch (name) {
    case 'local':
      return localProvider;
    case 'kind':
      return kindProvider;
    case 'cluster':
      return clusterProvider;
    case 'eks':
      return eksProvider;
    case 'model':
      return modelProvider;
    default:
      throw new UserError(`unknown provider "${name}"`, `providers: ${PROVIDER_NAMES.join(', ')}`);
  }
}
