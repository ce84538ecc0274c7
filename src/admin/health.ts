// Liveness and readiness: /healthz answers while the process runs, /readyz once config is applied.

import type { AdminRoutes } from './respond.ts';
import { text } from './respond.ts';

export function healthRoutes(isReady: () => boolean): AdminRoutes {
  return {
    '/healthz': () => text('ok\n'),
    '/readyz': () => (isReady() ? text('ok\n') : text('no configuration applied yet\n', 503)),
  };
}
