// Provider lookup by name: the realizers (local, kind, eks) and the simulator (model). kind and eks check their
// tools and credentials in available() and say what is missing; local needs loopback aliases; model needs nothing.
import { PROVIDER_NAMES, type Provider } from './types.ts';
import { localProvider } from './local/index.ts';
import { modelProvider } from './model/index.ts';
import { kindProvider } from './kind/index.ts';
import { eksProvider } from './eks/index.ts';
import { UserError } from '../lib/errors.ts';

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
