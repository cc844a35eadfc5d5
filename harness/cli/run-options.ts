// The options every command that runs scenarios shares (bench, compare, regress): parsed and checked in one
// place. Unset options stay undefined, so each command applies its own defaults (regress: the baseline's).
import { numberOption } from './command.ts';
import { UserError } from '../lib/errors.ts';
import { PROVIDER_NAMES, type ProviderName } from '../providers/types.ts';

export const RUN_OPTIONS = {
  provider: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  warmup: { type: 'string' },
  profile: { type: 'string' },
  seed: { type: 'string' },
  'no-latency': { type: 'boolean' },
} as const;

export interface RunOptionValues {
  provider?: ProviderName;
  rate?: number;
  durationS?: number;
  warmupS?: number;
  profile?: string;
  seed?: number;
  /** false only when --no-latency was given. */
  injectLatency?: boolean;
}

type Raw = { provider?: string; rate?: string; duration?: string; warmup?: string; profile?: string; seed?: string; 'no-latency'?: boolean };

export function runOptions(command: string, v: Raw): RunOptionValues {
  const num = (name: string, raw: string | undefined, min: number) => (raw === undefined ? undefined : numberOption(command, name, raw, 0, min));
  if (v.provider !== undefined && !(PROVIDER_NAMES as readonly string[]).includes(v.provider)) {
    throw new UserError(`${command}: unknown provider "${v.provider}"`, `use one of: ${PROVIDER_NAMES.join(', ')}`);
  }
  return {
    provider: v.provider as ProviderName | undefined,
    rate: num('rate', v.rate, 0.1),
    durationS: num('duration', v.duration, 0.5),
    warmupS: num('warmup', v.warmup, 0),
    profile: v.profile || undefined,
    seed: num('seed', v.seed, 0),
    injectLatency: v['no-latency'] ? false : undefined,
  };
}
