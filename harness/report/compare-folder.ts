// Reading and writing a comparison folder: compare.json (source of truth, every run's result.json embedded),
// report.md, report.html, charts/*.svg.
import { readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../lib/errors.ts';
import type { CompareDoc } from '../result/compare.ts';
import { resultIssues } from '../result/schema.ts';
import { compareCharts, renderCompareHtml, renderCompareMarkdown } from './compare-render.ts';
import { renderCharts, writeCharts } from './run-folder.ts';

export async function writeCompareFolder(dir: string, doc: CompareDoc, opts: { rewriteJson?: boolean } = {}): Promise<string[]> {
  const files: string[] = [];
  if (opts.rewriteJson !== false) {
    writeFileSync(join(dir, 'compare.json'), JSON.stringify(doc, null, 2) + '\n');
    files.push(join(dir, 'compare.json'));
  }
  writeFileSync(join(dir, 'report.md'), renderCompareMarkdown(doc));
  files.push(join(dir, 'report.md'));
  const charts = await renderCharts(compareCharts(doc));
  files.push(...writeCharts(dir, charts));
  writeFileSync(join(dir, 'report.html'), renderCompareHtml(doc, charts));
  files.push(join(dir, 'report.html'));
  return files;
}

export function isCompareFolder(path: string): boolean {
  return (existsSync(path) && statSync(path).isDirectory() && existsSync(join(path, 'compare.json'))) || path.endsWith('compare.json');
}

export function readCompare(path: string): CompareDoc {
  const file = path.endsWith('.json') ? path : join(path, 'compare.json');
  let doc: CompareDoc;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`cannot read ${file}: ${(e as Error).message}`, 'pass a comparison folder written by exposure-lab compare');
  }
  if (doc?.kind !== 'exposure-lab-compare' || !Array.isArray(doc.runs)) throw new UserError(`${file} is not an exposure-lab comparison`, 'pass reports/compare/<time>/ or its compare.json');
  doc.runs.forEach((r, i) => {
    const issues = resultIssues(r.result);
    if (issues.length) throw new UserError(`${file}: runs[${i}].result does not match the result.json schema: ${issues.slice(0, 5).map((x) => `${x.path}: ${x.message}`).join('; ')}`, 'see docs/result-format.md');
  });
  return doc;
}
