// Cross serving (GEP-1016; GRPCRoute `spec.hostnames`): an HTTPRoute and a GRPCRoute attached to one
// listener with a hostname in common would compete for the same requests, so only one is accepted
// there: the older route, then the first by namespace/name. The other is not accepted on that listener,
// and a parentRef left with no listener reports Accepted=False/HostnameConflict. Gateway API v1.6 made
// this rejection optional; implementations that reject must pick the winner this way.

import type { KubeObject } from '../resources/object.ts';
import type { AttachmentResult } from './attachment.ts';
import { compareAge } from './context.ts';
import { hostnamesIntersect } from './hostnames.ts';
import type { ListenerVerdict } from './listener.ts';

export interface CrossServingRoute {
  route: KubeObject;
  kind: 'http' | 'grpc';
  /** The route is accepted where it attaches (it has rules to serve): only then does it hold its hostnames. */
  acceptable: boolean;
  /** One entry per parentRef; a conflict narrows or replaces its attachment. */
  parents: { attachment: AttachmentResult }[];
}

/** Hostnames a route holds on a listener. */
interface Claim {
  route: KubeObject;
  kind: CrossServingRoute['kind'];
  hostnames: string[];
}

export function resolveCrossServing(routes: CrossServingRoute[]): void {
  const claims = new Map<ListenerVerdict, Claim[]>();
  for (const entry of routes.toSorted((a, b) => compareAge(a.route, b.route))) {
    if (!entry.acceptable) continue;
    for (const parent of entry.parents) {
      const { attachment } = parent;
      if (!attachment.ok) continue;
      let lost: { listener: ListenerVerdict; winner: Claim } | undefined;
      const kept = attachment.attachments.filter(({ listener, hostnames }) => {
        const winner = claims
          .get(listener)
          ?.find((claim) => claim.kind !== entry.kind && hostnamesIntersect(claim.hostnames, hostnames));
        if (winner !== undefined) lost ??= { listener, winner };
        return winner === undefined;
      });
      for (const { listener, hostnames } of kept) {
        const held = claims.get(listener) ?? [];
        held.push({ route: entry.route, kind: entry.kind, hostnames });
        claims.set(listener, held);
      }
      if (lost === undefined) continue;
      parent.attachment =
        kept.length > 0
          ? { ok: true, attachments: kept }
          : { ok: false, reason: 'HostnameConflict', message: conflictMessage(entry.route, lost) };
    }
  }
}

function conflictMessage(route: KubeObject, lost: { listener: ListenerVerdict; winner: Claim }): string {
  const { winner } = lost;
  return (
    `${winner.route.kind} ${winner.route.metadata.namespace}/${winner.route.metadata.name} (older, or first by ` +
    `namespace/name) serves a hostname of this ${route.kind} on listener "${lost.listener.listener.name}": ` +
    'an HTTPRoute and a GRPCRoute cannot share a hostname on one listener'
  );
}
