// /api/v1/changes: the audit trail, what each configuration version added, modified or deleted.

import type { ChangeLog } from '../store/changelog.ts';
import type { AdminRoutes } from './respond.ts';
import { errorResponse, json } from './respond.ts';

export function changeRoutes(changes: ChangeLog): AdminRoutes {
  return {
    '/api/v1/changes': (url) => {
      const since = url.searchParams.get('since') ?? '0';
      if (!/^\d+$/.test(since))
        return errorResponse('bad_request', { reason: 'since must be a snapshot version' });
      return json({ items: changes.list(Number(since)) });
    },
  };
}
