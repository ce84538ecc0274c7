// /api/v1/problems: what is wrong with the configuration right now (parse errors, invalid objects).

import type { AdminRoutes } from './respond.ts';
import { json } from './respond.ts';

export function problemRoutes(problems: () => readonly unknown[]): AdminRoutes {
  return {
    '/api/v1/problems': () => json({ items: problems() }),
  };
}
