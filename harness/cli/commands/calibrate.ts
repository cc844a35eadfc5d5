import { writeFileSync } from 'node:fs';
import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { readResult, resultFile } from '../../result/store.ts';
import { buildOverlay } from '../../calibration/build.ts';
import { overlayYaml } from '../../calibration/overlay.ts';

export const calibrate: Command = {
  name: 'calibrate',
  summary: 'fit per-hop latency distributions from your own measured runs into a calibration overlay file',
  help: `Usage: exposure-lab calibrate <run folder|result.json...> [--out calibration.yaml] [--name <label>] [--seed 1]

Reads measured runs (a team's own eks, cluster or kind runs; local runs fit the lab's emulation and are
marked so) and fits, per component, a lognormal of the latency it adds, wherever the data separates it:
  1. a segment timing of the hop alone (result.json segmentTimings: gateway access-log timings, the
     echo's own timing): fitted request by request;
  2. a stretch whose other parts are known: a segment timing of several hops, the whole path over the
     run's own direct control (floor.histogram), or over another run of the same provider that lacks only
     some of its hops (direct -> nodeport -> public-nlb): one unknown hop is fitted by deconvolution.
Prints each fit with its goodness (Kolmogorov-Smirnov distance, error at p50/p90/p99, samples) and what
could not be separated, and writes the overlay. Use it with:
  exposure-lab bench <scenario> --calibration <file>     (--provider local or model)

Options (defaults in brackets):
  --out <file>      where to write the overlay [calibration.yaml]
  --name <label>    the overlay's metadata.name, a DNS label [calibration]
  --seed <n>        seed of the Monte Carlo in deconvolution fits [1]

Example: exposure-lab calibrate reports/runs/*-direct reports/runs/*-nodeport reports/runs/*-public-nlb --out eks.yaml`,
  async run(argv) {
    const { values, positionals } = parseOptions('calibrate', argv, {
      out: { type: 'string' },
      name: { type: 'string' },
      seed: { type: 'string' },
    });
    if (!positionals.length) throw new UserError('calibrate: which runs?', 'pass run folders or result.json files: exposure-lab calibrate reports/runs/<time>-direct reports/runs/<time>-public-nlb');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new UserError(`calibrate: --seed must be an integer, got "${values.seed}"`, 'e.g. --seed 1');
    const name = values.name ?? 'calibration';
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) throw new UserError(`calibrate: --name "${name}" is not a lower-case DNS label`, 'e.g. --name team-eks-2026-11');
    const runs = positionals.map((p) => ({ file: resultFile(p), result: readResult(p) }));
    const { doc, notes } = buildOverlay(runs, { name, createdAt: new Date().toISOString(), seed });
    const out = values.out ?? 'calibration.yaml';
    for (const h of doc.spec.hops) {
      const f = h.fit;
      console.log(`${h.component.padEnd(14)} median ${h.medianMs} ms, p99 ${h.p99Ms} ms (${h.confidence}): ${f.method} fit of ${f.hop} in ${f.scenario} (${f.provider}), ${f.samples} requests, KS ${f.ks}, error p50/p90/p99 ${[f.relErr.p50, f.relErr.p90, f.relErr.p99].map((x) => `${(x * 100).toFixed(1)}%`).join('/')}`);
      if (f.caution) console.log(`${''.padEnd(14)} ${f.caution}`);
    }
    for (const n of doc.spec.notSeparated) console.log(`not separated: ${n.hops.join(' + ')} (${n.components.join(', ')}) in ${n.run}: ${n.why}`);
    for (const n of notes) console.error(`note: ${n}`);
    if (!doc.spec.hops.length) {
      throw new UserError('calibrate: no hop could be separated from these runs; nothing written', 'record segment timings or a same-run direct control, or add runs of the same provider that differ by one hop (e.g. direct and nodeport)', 1);
    }
    writeFileSync(out, overlayYaml(doc));
    console.log(out);
    return 0;
  },
};
