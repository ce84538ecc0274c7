// /metrics: the data plane's Prometheus registry plus the configuration's own gauges.

import { Gauge, Registry } from 'prom-client';
import { metricsRegistry } from '../observability/metrics.ts';
import type { AdminRoutes } from './respond.ts';
import { text } from './respond.ts';

export interface ConfigGauges {
  /** Version of the snapshot last applied (0 before the first). */
  version(): number;
  /** How many configuration problems are current. */
  problems(): number;
}

export function metricsRoutes(config: ConfigGauges): AdminRoutes {
  // A registry per admin server, so the gauges read this server's sources and never clash when
  // several servers live in one process (tests).
  const own = new Registry();
  new Gauge({
    name: 'sluice_config_version',
    help: 'Version of the configuration snapshot last applied.',
    registers: [own],
    collect() {
      this.set(config.version());
    },
  });
  new Gauge({
    name: 'sluice_config_problems',
    help: 'Configuration problems currently reported (parse errors, invalid objects, conflicts).',
    registers: [own],
    collect() {
      this.set(config.problems());
    },
  });
  return {
    '/metrics': async () => {
      const [dataPlane, configuration] = await Promise.all([metricsRegistry.metrics(), own.metrics()]);
      return text(`${dataPlane.trimEnd()}\n${configuration}`, 200, metricsRegistry.contentType);
    },
  };
}
