// Provider lookup. local is embedded; kind and eks need tools and credentials this file does not check
// for yet, and model is built in harness/providers/model/ (another change): each says what is missing.
import type { Provider, ProviderName } from './types.ts';
import { localProvider } from './local/index.ts';
import { modelProvider } from './model/index.ts';
import { UserError } from '../lib/errors.ts';

function unavailable(name: ProviderName, reason: string, hint: string): Provider {
  return {
    name,
    available: async () => ({ ok: false, reason, hint }),
    provision: async () => {
      throw new UserError(`provider ${name} is not available: ${reason}`, hint);
    },
  };
}

export const PROVIDER_NAMES: ProviderName[] = ['local', 'kind', 'eks', 'model'];

export function getProvider(name: string): Provider {
  switch (name) {
    case 'local':
      return localProvider;
    case 'kind':
      return unavailable('kind', 'the kind provider is not implemented in this build (it needs docker, kind and kubectl)', 'use PROVIDER=local (embedded default)');
    case 'eks':
      return unavailable('eks', 'the eks provider is not implemented in this build (it needs a kubeconfig for an EKS cluster and AWS credentials)', 'use PROVIDER=local');
    case 'model':
      return modelProvider;
    default:
      throw new UserError(`unknown provider "${name}"`, `providers: ${PROVIDER_NAMES.join(', ')}`);
  }
}
