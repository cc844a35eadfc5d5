// Writes a sweep folder from the sweep's data alone: sweep.json (the source of truth), report.md, each chart
// as a Vega-Lite spec (*.vl.json) and, unless charts are off, as SVG.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import type { SweepData } from '../result/sweep.ts';
import type { CalibrationRecord } from '../result/calibration.ts';
import { renderSweepMarkdown, sweepChartSpecs } from './sweep.ts';
import { specToSvg } from './svg.ts';

export async function writeSweepFolder(
  dir: string,
  data: SweepData,
  o: { calibration?: CalibrationRecord; profileSource: string; wallS: number; charts: boolean },
): Promise<string[]> {
  const files: string[] = [];
  const charts: string[] = [];
  for (const [k, spec] of Object.entries(sweepChartSpecs(data))) {
    files.push(join(dir, `${k}.vl.json`));
    writeFileSync(files[files.length - 1], JSON.stringify(spec, null, 2) + '\n');
    if (o.charts) {
      // In sequence: rendering is CPU-bound.
      writeFileSync(join(dir, `${k}.svg`), await specToSvg(spec as unknown as TopLevelSpec));
      files.push(join(dir, `${k}.svg`));
      charts.push(`${k}.svg`);
    }
  }
  writeFileSync(join(dir, 'sweep.json'), JSON.stringify({ ...data, calibration: o.calibration, profile: o.profileSource, wallS: o.wallS }, null, 2) + '\n');
  writeFileSync(join(dir, 'report.md'), renderSweepMarkdown(data, o.calibration, charts));
  files.push(join(dir, 'sweep.json'), join(dir, 'report.md'));
  return files;
}
