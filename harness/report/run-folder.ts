// Writes a run folder from result.json alone: result.json, report.md, report.html and charts/*.svg. Used by
// bench (after a run) and by `exposure-lab report` (re-render), so both produce the same views.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from '../result/types.ts';
import { writeResult } from '../result/store.ts';
import { renderRunMarkdown } from './markdown.ts';
import { runCharts, type ChartDef } from './charts.ts';
import { specToSvg } from './svg.ts';
import { renderRunHtml, type RenderedChart } from './html.ts';

export async function renderCharts(defs: ChartDef[]): Promise<RenderedChart[]> {
  const out: RenderedChart[] = [];
  // In sequence: rendering is CPU-bound and this machine may be running load at the same time.
  for (const d of defs) out.push({ ...d, svg: await specToSvg(d.spec) });
  return out;
}

export function writeCharts(dir: string, charts: RenderedChart[]): string[] {
  const cdir = join(dir, 'charts');
  mkdirSync(cdir, { recursive: true });
  return charts.map((c) => {
    const file = join(cdir, `${c.id}.svg`);
    writeFileSync(file, c.svg.startsWith('<?xml') ? c.svg : `<?xml version="1.0" encoding="UTF-8"?>\n${c.svg}\n`);
    return file;
  });
}

/** Writes result.json, report.md, report.html and charts/, from result.json alone. */
export async function writeRunFolder(dir: string, result: RunResult, opts: { rewriteResult?: boolean } = {}): Promise<{ files: string[] }> {
  const files: string[] = [];
  if (opts.rewriteResult !== false) files.push(writeResult(dir, result));
  writeFileSync(join(dir, 'report.md'), renderRunMarkdown(result));
  files.push(join(dir, 'report.md'));
  const charts = await renderCharts(runCharts(result));
  files.push(...writeCharts(dir, charts));
  writeFileSync(join(dir, 'report.html'), renderRunHtml(result, charts));
  files.push(join(dir, 'report.html'));
  return { files };
}
