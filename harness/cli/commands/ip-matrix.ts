import type { Command } from '../command.ts';
import { parseOptions, numberOption } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { MATRIX_ROWS, renderMatrix, runIpMatrix } from '../../measure/ip-matrix.ts';
import { emulationChoice, kernelEmulation } from '../../labns/capability.ts';
import { runInLabNamespace } from '../../labns/run-inside.ts';

export const ipMatrix: Command = {
  name: 'ip-matrix',
  summary: 'run the rows of facts/client-ip.md as scenario variants with real traffic; measured vs documented (exit 1 on a mismatch)',
  help: `Usage: exposure-lab ip-matrix [--rows 4,6,11] [--probes 4] [--builtin] [--json]

For every row of facts/client-ip.md the local lab can realize, builds a scenario variant, starts it on
loopback, sends real requests from known 127.x sources (each with its own forged X-Forwarded-For) and
records what arrives where the gateway pod sits: L4 source, PROXY header, X-Forwarded-For, Forwarded,
mapped header. For rows the facts call recoverable it then puts an Envoy gateway with the documented
recovering setting there and checks the application sees every true source.

Options:
  --rows LIST     only these row ids (default: all: ${MATRIX_ROWS.map((r) => r.id).join(',')})
  --probes N      requests per row and stage, each from a distinct source (default 4)
  --builtin       use the built-in gateway emulation even when a real data plane is installed
  --json          print the results as JSON instead of the table

Exit status: 0 when every row matches, 1 on any mismatch.
Example: exposure-lab ip-matrix --rows 4,5,6`,
  async run(argv) {
    const { values } = parseOptions('ip-matrix', argv, {
      rows: { type: 'string' },
      probes: { type: 'string' },
      builtin: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    }, false);
    const rows = values.rows ? String(values.rows).split(',').map((s) => s.trim()).filter(Boolean) : undefined;
    const unknown = rows?.filter((r) => !MATRIX_ROWS.some((m) => m.id === r)) ?? [];
    if (unknown.length) throw new UserError(`ip-matrix: unknown row(s) ${unknown.join(', ')}`, `rows: ${MATRIX_ROWS.map((r) => r.id).join(', ')}`);
    const probes = numberOption('ip-matrix', 'probes', values.probes as string | undefined, 4, 1);
    const ac = new AbortController();
    const onInt = () => ac.abort();
    process.once('SIGINT', onInt);
    try {
      const log = (l: string) => process.stderr.write(l + '\n');
      const input = { rows, probes, gatewayRealization: values.builtin ? ('builtin' as const) : ('auto' as const) };
      // Where kernel NAT can realize the L4 hops, the matrix runs inside a lab network namespace of its own.
      const k = emulationChoice() === 'loopback' ? null : await kernelEmulation();
      if (k && !k.ok && emulationChoice() === 'netns') throw new UserError(`EXPOSURE_LAB_EMULATION=netns, but ${k.reason}`, k.hint);
      if (k && !k.ok) log(`emulation: loopback processes (${k.reason})`);
      const results = k?.ok
        ? await runInLabNamespace<Awaited<ReturnType<typeof runIpMatrix>>>({ module: 'harness/measure/ip-matrix.ts', fn: 'runIpMatrix', input }, { log, signal: ac.signal })
        : await runIpMatrix({ ...input, signal: ac.signal, log });
      log(`realization: ${k?.ok ? 'kernel NAT for L4 hops in a lab network namespace, processes for the rest' : 'loopback processes'}`);
      if (values.json) console.log(JSON.stringify(results, null, 2));
      else console.log(renderMatrix(results));
      if (ac.signal.aborted) return 130;
      return results.every((r) => r.match) && results.length ? 0 : 1;
    } finally {
      process.off('SIGINT', onInt);
    }
  },
};
