// Provider lookup. local is embedded; kind and eks need tools and credentials this file does not check
// for yet, and model is built in harness/providers/model/ (another change): each says what is missing.
import type { Provider, ProviderName } from './types.ts';
import { localProvider } from './local/index.ts';
import { modelProvider } from './model/index.ts';
import { kindProvider } from './kind/index.ts';
import { eksProvider } from './eks/index.ts';
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
      return kindProvider;
    case 'eks':
      return eksProvider;
    case 'model':
      return modelProvider;
    default:
      throw new UserError(`unknown provider "${name}"`, `providers: ${PROVIDER_NAMES.join(', ')}`);
  }
}
