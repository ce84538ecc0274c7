// Route attachment: which listeners of a parent (Gateway or ListenerSet) accept a route, or why none does.

import type { ParentReference } from '../resources/gateway-api.ts';
import type { KubeObject } from '../resources/object.ts';
import { selectorMatches } from '../resources/selector.ts';
import { labelsOfNamespace, type TranslateContext } from './context.ts';
import type { GatewayVerdict } from './gateway.ts';
import { intersectHostnames } from './hostnames.ts';
import type { ListenerVerdict, Verdict } from './listener.ts';
import type { ListenerSetVerdict } from './listenerset.ts';

export interface Attachment {
  listener: ListenerVerdict;
  /** Route hostnames served on this listener; `[]` means any host the listener accepts. */
  hostnames: string[];
}

export type AttachmentResult =
  | { ok: true; attachments: Attachment[] }
  | {
      ok: false;
      reason:
        | 'NoMatchingParent'
        | 'NotAllowedByListeners'
        | 'NoMatchingListenerHostname'
        | 'HostnameConflict';
      message: string;
    };

/** What a route attaches to: a Gateway's own listeners, or those of a ListenerSet attached to it. */
export interface AttachmentParent {
  kind: 'Gateway' | 'ListenerSet';
  accepted: Verdict;
  listeners: ListenerVerdict[];
  /** The parent's namespace: what `allowedRoutes.namespaces.from: Same` compares with. */
  namespace: string;
}

export function gatewayParent(verdict: GatewayVerdict): AttachmentParent {
  return {
    kind: 'Gateway',
    accepted: verdict.accepted,
    listeners: verdict.listeners,
    namespace: verdict.gateway.metadata.namespace ?? 'default',
  };
}

export function listenerSetParent(gateway: GatewayVerdict, set: ListenerSetVerdict): AttachmentParent {
  return {
    kind: 'ListenerSet',
    accepted: gateway.accepted.ok ? set.accepted : gateway.accepted,
    listeners: set.listeners,
    namespace: set.listenerSet.metadata.namespace ?? 'default',
  };
}

export function attachRoute(
  context: TranslateContext,
  route: KubeObject & { spec: { hostnames?: string[] } },
  parentRef: ParentReference,
  parent: AttachmentParent,
): AttachmentResult {
  if (!parent.accepted.ok) {
    return {
      ok: false,
      reason: 'NoMatchingParent',
      message: `${parent.kind} is not accepted: ${parent.accepted.message}`,
    };
  }
  const targeted = parent.listeners.filter(
    (listener) =>
      (parentRef.sectionName === undefined || listener.listener.name === parentRef.sectionName) &&
      (parentRef.port === undefined || listener.listener.port === parentRef.port),
  );
  if (targeted.length === 0) {
    const wanted = [
      parentRef.sectionName !== undefined ? `sectionName ${parentRef.sectionName}` : '',
      parentRef.port !== undefined ? `port ${parentRef.port}` : '',
    ].filter(Boolean);
    return {
      ok: false,
      reason: 'NoMatchingParent',
      message: `the ${parent.kind} has no listener with ${wanted.join(' and ')}`,
    };
  }
  const routeNamespace = route.metadata.namespace ?? 'default';
  const allowed = targeted.filter(
    (listener) =>
      listener.supportedKinds.some((kind) => kind.kind === route.kind) &&
      namespaceAllowed(context, listener, parent.namespace, routeNamespace),
  );
  if (allowed.length === 0) {
    return {
      ok: false,
      reason: 'NotAllowedByListeners',
      message: `no targeted listener allows ${route.kind}s from namespace ${routeNamespace}`,
    };
  }
  const attachments: Attachment[] = [];
  for (const listener of allowed) {
    const hostnames = intersectHostnames(listener.listener.hostname, route.spec.hostnames ?? []);
    if (hostnames !== null) attachments.push({ listener, hostnames });
  }
  if (attachments.length === 0) {
    return {
      ok: false,
      reason: 'NoMatchingListenerHostname',
      message: 'no route hostname intersects the hostname of a targeted listener',
    };
  }
  return { ok: true, attachments };
}

function namespaceAllowed(
  context: TranslateContext,
  listener: ListenerVerdict,
  gatewayNamespace: string,
  routeNamespace: string,
): boolean {
  const namespaces = listener.listener.allowedRoutes?.namespaces;
  switch (namespaces?.from ?? 'Same') {
    case 'All':
      return true;
    case 'Selector':
      return (
        namespaces?.selector !== undefined &&
        selectorMatches(namespaces.selector, labelsOfNamespace(context, routeNamespace))
      );
    default:
      return routeNamespace === gatewayNamespace;
  }
}
