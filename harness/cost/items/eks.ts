// EKS control plane: per cluster-hour (standard or extended support). The same for every topology.
import type { CostItem } from './context.ts';

export const eksControlPlane: CostItem = ({ profile, month, price }) => {
  const plane = profile.cluster.controlPlane;
  if (plane === 'none') return [];
  return [{
    component: 'eks', item: `control plane (${plane} support)`, quantity: month.billableHours, unit: 'cluster-hour',
    price: price(plane === 'extended' ? 'eks.cluster-hour-extended' : 'eks.cluster-hour'), note: 'baseline: the same for every topology',
  }];
};
