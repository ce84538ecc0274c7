// Session persistence (GEP-1619) of HTTPRoute and GRPCRoute rules → IR.

import type { IRSessionPersistence } from '../ir/types.ts';
import type { SessionPersistence } from '../resources/gateway-api.ts';
import { durationMs } from '../resources/gateway-shared.ts';
import type { KubeObject } from '../resources/object.ts';

/** Without `sessionName` each rule gets its own cookie or header name, so two rules never share a session. */
export function compileSessionPersistence(
  session: SessionPersistence | undefined,
  route: KubeObject,
  ruleIndex: number,
): IRSessionPersistence | undefined {
  if (!session) return undefined;
  const type = session.type ?? 'Cookie';
  const fallback = `sluice-session-${route.metadata.namespace}-${route.metadata.name}-${ruleIndex}`;
  const name = session.sessionName ?? (type === 'Header' ? `x-${fallback}` : fallback);
  return {
    type,
    name,
    lifetime: session.cookieConfig?.lifetimeType ?? 'Session',
    ...(session.absoluteTimeout ? { absoluteTimeoutMs: durationMs(session.absoluteTimeout) } : {}),
  };
}
