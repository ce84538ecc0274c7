// `utilization-detector` as a profile filter: drops saturated endpoints (long queue, full KV cache or
// stale metrics), keeping them all when every one is saturated — better a slow answer than none.

import { hasHeadroom, readSaturationThresholds } from '../../flowcontrol/saturation.ts';
import type { PluginType } from '../registry.ts';

export const saturationFilter: PluginType = {
  type: 'utilization-detector',
  kinds: ['filter'],
  configure(parameters) {
    const thresholds = readSaturationThresholds(parameters);
    return (name, { clock }) => ({
      type: 'utilization-detector',
      name,
      filter(_request, endpoints) {
        const now = clock.now();
        const fit = endpoints.filter((endpoint) => hasHeadroom(endpoint, now, thresholds));
        return fit.length > 0 ? fit : endpoints;
      },
    });
  },
};
