// /api/v1/config: the IR the data plane serves right now, with private keys redacted.

import type { IR } from '../ir/types.ts';
import type { AdminRoutes } from './respond.ts';
import { json } from './respond.ts';

export interface AppliedConfig {
  version: number;
  ir: IR;
}

/** IR fields that hold private key material. */
const privateFields = new Set(['keyPem']);

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, child]) => [
        key,
        privateFields.has(key) ? '<redacted>' : redact(child),
      ]),
    );
  }
  return value;
}

export function configRoutes(applied: () => AppliedConfig | undefined): AdminRoutes {
  return {
    '/api/v1/config': () => {
      const current = applied();
      return json(current ? { version: current.version, ir: redact(current.ir) } : { version: 0, ir: null });
    },
  };
}
