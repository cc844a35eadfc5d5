// `exposure-lab cost`: the monthly bill of a scenario for a traffic profile, a comparison across scenarios,
// or cost against request rate with crossovers. Thin: parse, call harness/cost, print.
import type { Command } from '../command.ts';
import { parseOptions } from '../command.ts';
import { UserError } from '../../lib/errors.ts';
import { loadScenarioOrThrow, scenarioNames } from '../../scenario/resolve.ts';
import { loadProfile, loadPriceSnapshot, priceScenarioExact, renderBill, renderCompare, renderSweep, sweepCost, logSpaced, type CostFormat } from '../../cost/index.ts';

const FORMATS: CostFormat[] = ['table', 'md', 'json'];

export function parseRpsRange(raw: string): number[] {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(raw);
  const from = m ? Number(m[1]) : NaN;
  const to = m ? Number(m[2]) : NaN;
  const points = m?.[3] ? Number(m[3]) : 1000;
  if (!m || !(from > 0) || !(to > from) || points < 2 || points > 100_000) {
    throw new UserError(`cost: --rps-range must be <from>:<to>[:<points>] with 0 < from < to and 2-100000 points, got "${raw}"`, 'e.g. --rps-range 1:100000:1000 (log-spaced rates)');
  }
  return logSpaced(from, to, points);
}

export const cost: Command = {
  name: 'cost',
  summary: 'monthly AWS bill of a scenario for a traffic profile (modeled), comparisons, cost vs request rate',
  help: `Usage: exposure-lab cost <scenario|file> --profile <file> [--format table|md|json]
       exposure-lab cost --compare <scenario> <scenario> [...] --profile <file> [--format ...]
       exposure-lab cost [<scenario> ...] --rps-range <from>:<to>[:<points>] --profile <file> [--format ...]

Prices every line of the monthly bill (component, item, quantity, unit, unit price, USD/month) from the
dated price snapshot in infra/prices/ for the profile's region. Every figure is MODELED (computed), never
measured. The month is the profile's hoursPerMonth (730 by default, as AWS's examples use).

Options:
  --profile <file>      traffic profile (required), e.g. profiles/medium.yaml (format: profiles/README.md)
  --format <f>          table (default), md, or json ({ scenario, region, monthlyUsd, lines: [...] })
  --compare             price every scenario given and print one table, cheapest first
  --rps-range <a:b:n>   sweep n log-spaced request rates from a to b (default n 1000) across the given
                        scenarios (all scenarios when none is given) and print the crossovers
  --region <r>          use this region's snapshot instead of the profile's region

Examples:
  exposure-lab cost public-nlb --profile profiles/medium.yaml
  exposure-lab cost --compare public-nlb alb-nlb-gateway apigw-nlb-gateway --profile profiles/medium.yaml
  exposure-lab cost public-nlb apigw-nlb-gateway lattice-gateway-api --rps-range 1:100000 --profile profiles/small.yaml`,
  async run(argv) {
    const { values, positionals } = parseOptions('cost', argv, {
      profile: { type: 'string' },
      format: { type: 'string', default: 'table' },
      compare: { type: 'boolean', default: false },
      'rps-range': { type: 'string' },
      region: { type: 'string' },
    });
    const format = values.format as CostFormat;
    if (!FORMATS.includes(format)) throw new UserError(`cost: --format must be one of ${FORMATS.join(', ')}, got "${values.format}"`, 'e.g. --format md');
    if (!values.profile) throw new UserError('cost: which traffic profile?', 'add --profile profiles/medium.yaml (or small.yaml, large.yaml)');
    let profile = loadProfile(values.profile);
    if (values.region) profile = { ...profile, region: values.region };
    const prices = loadPriceSnapshot(profile.region);

    if (values['rps-range'] !== undefined) {
      const rps = parseRpsRange(values['rps-range']);
      const names = positionals.length ? positionals : scenarioNames();
      const scenarios = names.map((n) => loadScenarioOrThrow(n));
      const { points, crossovers } = sweepCost(scenarios, profile, rps, prices);
      console.log(renderSweep(points, crossovers, format));
      return 0;
    }
    if (values.compare) {
      if (positionals.length < 2) throw new UserError('cost --compare: name at least two scenarios', 'e.g. exposure-lab cost --compare public-nlb alb-nlb-gateway --profile profiles/medium.yaml');
      console.log(renderCompare(positionals.map((n) => priceScenarioExact(loadScenarioOrThrow(n), profile, prices)), format));
      return 0;
    }
    if (positionals.length !== 1) {
      throw new UserError(positionals.length ? `cost: one scenario at a time (got ${positionals.join(', ')})` : 'cost: which scenario?',
        positionals.length ? 'use --compare to price several side by side' : 'exposure-lab cost public-nlb --profile profiles/medium.yaml (names: exposure-lab list)');
    }
    console.log(renderBill(priceScenarioExact(loadScenarioOrThrow(positionals[0]), profile, prices), format));
    return 0;
  },
};
