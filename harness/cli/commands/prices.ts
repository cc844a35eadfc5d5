// `exposure-lab prices`: show a price snapshot, or rebuild it from the AWS Price List API when AWS
// credentials exist (and say clearly when they do not).
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { PRICES_DIR, loadPriceSnapshot, snapshotFiles, type SnapshotDoc } from '../../cost/prices.ts';
import { CREDENTIAL_PLACES, findCredentials, onDemandDimensions, priceQueries, toSnapshotPrice, type PriceDimension } from '../../cost/refresh.ts';

function showSnapshot(region: string): string {
  const s = loadPriceSnapshot(region);
  const rows = Object.values(s.prices).map((p) => {
    const v = p.nano !== undefined ? `$${Number(p.nano) / 1e9}` : p.tiers!.map((t) => `$${Number(t.nano) / 1e9}${t.upTo === null ? '' : ` to ${t.upTo}`}`).join(', ');
    return `${p.key.padEnd(34)} ${(v + ' per ' + p.unit).padEnd(60)} ${p.uncertain ? 'UNCERTAIN ' : ''}${p.source}${p.note ? ` (${p.note})` : ''}`;
  });
  return [`Price snapshot ${region}, dated ${s.snapshotDate} (${s.file}): ${rows.length} prices`, '', ...rows].join('\n');
}

async function refresh(region: string, outDir: string): Promise<number> {
  const found = findCredentials();
  if (!found) {
    throw new UserError(`prices refresh: no AWS credentials found (looked for: ${CREDENTIAL_PLACES}); the snapshot was NOT changed`,
      `the lab keeps using ${snapshotFiles().get(region)?.[0]?.file ?? 'the shipped snapshot'}; provide credentials with pricing:GetProducts to refresh`, 3);
  }
  const previous = snapshotFiles().get(region)?.[0];
  if (!previous) throw new UserError(`prices refresh: no previous snapshot for ${region} to start from`, 'copy infra/prices/us-east-1.*.json as a starting point');
  const old = JSON.parse(readFileSync(previous.file, 'utf8')) as SnapshotDoc;
  // Only now load the SDK; never let it probe the instance metadata address.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const { PricingClient, GetProductsCommand } = await import('@aws-sdk/client-pricing');
  const client = new PricingClient({ region: 'us-east-1' });
  const today = new Date().toISOString().slice(0, 10);
  const prices = { ...old.prices };
  const report: string[] = [];
  for (const [key, q] of Object.entries(priceQueries(region))) {
    try {
      const res = await client.send(new GetProductsCommand({
        ServiceCode: q.serviceCode, MaxResults: 20,
        Filters: Object.entries(q.filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value })),
      }));
      const dims = (res.PriceList ?? []).flatMap((item: unknown) => onDemandDimensions(item as string)).filter((d: PriceDimension) => Number(d.usd) > 0 || d.endRange !== null);
      const p = toSnapshotPrice(dims, q.unit, `AWS Price List API (${q.serviceCode}, ${today})`, q.scale ?? 1);
      if (!p) throw new Error('no on-demand price in the answer');
      prices[key] = p;
      report.push(`updated ${key}`);
    } catch (e) {
      prices[key] = { ...old.prices[key], note: `carried over from the ${old.snapshotDate} snapshot: Price List API failed (${(e as Error).message})` };
      report.push(`kept ${key}: ${(e as Error).message}`);
    }
  }
  for (const key of Object.keys(old.prices)) {
    if (!(key in priceQueries(region))) prices[key] = { ...old.prices[key], note: [old.prices[key].note, `carried over from the ${old.snapshotDate} snapshot (no Price List query for it)`].filter(Boolean).join('; ') };
  }
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `${region}.${today}.json`);
  writeFileSync(file, JSON.stringify({ ...old, snapshotDate: today, prices }, null, 2) + '\n');
  console.log([`credentials: ${found}`, ...report, `wrote ${file}`].join('\n'));
  return 0;
}

export const prices: Command = {
  name: 'prices',
  summary: 'show the dated price snapshot, or refresh it from the AWS Price List API (needs credentials)',
  help: `Usage: exposure-lab prices show [--region <r>]
       exposure-lab prices refresh [--region <r>] [--out <dir>]

show      prints every price of the newest snapshot for the region (default us-east-1) with its source
          and whether it is uncertain.
refresh   queries the AWS Price List API (@aws-sdk/client-pricing) and writes <region>.<today>.json next
          to the old snapshot (default dir infra/prices); prices it cannot query are carried over and say
          so. Without AWS credentials it changes nothing and says so (exit code 3).

Example: exposure-lab prices show --region eu-west-1`,
  async run(argv) {
    const { values, positionals } = parseOptions('prices', argv, { region: { type: 'string', default: 'us-east-1' }, out: { type: 'string', default: PRICES_DIR } });
    const sub = positionals[0] ?? 'show';
    if (sub === 'show') {
      console.log(showSnapshot(values.region!));
      return 0;
    }
    if (sub === 'refresh') return refresh(values.region!, values.out!);
    throw new UserError(`prices: unknown subcommand "${sub}"`, 'use: exposure-lab prices show | refresh');
  },
};
