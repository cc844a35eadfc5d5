// VPC Lattice bill: service-hours, GB processed, and requests above the FREE 300,000 PER HOUR PER SERVICE
// (pitfall 8: the allowance is hourly, so a daily peak pays even when the monthly average would not). A
// TLS-passthrough listener is charged per TCP connection instead of per request. No inter-AZ charge.
import type { CostModel } from '../../cost/types.ts';
import { perHour } from '../../cost/hours.ts';
import { LATTICE_FREE_REQUESTS_PER_HOUR, SECONDS_PER_HOUR, gbPerHour, fmtNum } from '../../cost/units.ts';
import type { LatticeSettings } from './lattice.ts';

export const latticeCost: CostModel<LatticeSettings> = {
  priceKeys: ['lattice.service-hour', 'lattice.gb', 'lattice.requests'],
  lines: ({ settings: s, traffic: t, month, instances, price }) => {
    const perConnection = s.listener === 'tls-passthrough';
    const ratePerS = perConnection ? t.newConnectionsPerSecond : t.requestsPerSecond;
    const billedPerService = perHour(month, (k) => Math.max(0, ratePerS * k * SECONDS_PER_HOUR - LATTICE_FREE_REQUESTS_PER_HOUR));
    const gb = instances * perHour(month, (k) => gbPerHour(t.requestsPerSecond * k, t.requestBytes + t.responseBytes));
    const what = perConnection ? 'connections' : 'requests';
    return [
      { item: 'service hours', quantity: instances * month.billableHours, unit: 'service-hour', price: price('lattice.service-hour'),
        note: instances > 1 ? `${instances} Lattice services (one per Service)` : undefined },
      { item: 'data processed', quantity: gb, unit: 'GB', price: price('lattice.gb'), note: 'no separate inter-AZ charge' },
      { item: `${what} above 300,000/hour/service`, quantity: (instances * billedPerService) / 1e6, unit: `million ${what}`, price: price('lattice.requests'),
        note: `mean hour: ${fmtNum(ratePerS * SECONDS_PER_HOUR, 0)} ${what} per service, ${fmtNum(LATTICE_FREE_REQUESTS_PER_HOUR, 0)} free per hour` },
    ];
  },
};
