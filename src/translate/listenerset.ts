// ListenerSet phase (GEP-1713): which ListenerSets a Gateway admits (`spec.allowedListeners`), their merged
// listeners, and their status.

import type { Gateway, ListenerSet } from '../resources/gateway-api.ts';
import { GATEWAY_GROUP } from '../resources/gateway-api.ts';
import { selectorMatches } from '../resources/selector.ts';
import { condition } from './conditions.ts';
import { labelsOfNamespace, type TranslateContext } from './context.ts';
import {
  type ListenerVerdict,
  listenerServes,
  processListenerSetListeners,
  type Verdict,
} from './listener.ts';
import { listenerStatus } from './listenerstatus.ts';
import type { ObjectStatus } from './types.ts';

export interface ListenerSetVerdict {
  listenerSet: ListenerSet;
  accepted: Verdict;
  /** Empty unless the ListenerSet is admitted by its Gateway. */
  listeners: ListenerVerdict[];
}

/** ListenerSets whose parentRef names this Gateway, oldest first, with their listeners merged after `own`. */
export function attachListenerSets(
  context: TranslateContext,
  gateway: Gateway,
  gatewayAccepted: boolean,
  own: ListenerVerdict[],
): ListenerSetVerdict[] {
  const merged = [...own];
  const verdicts: ListenerSetVerdict[] = [];
  for (const listenerSet of context.listenerSets) {
    const ref = listenerSet.spec.parentRef;
    const namespace = ref.namespace ?? listenerSet.metadata.namespace;
    if ((ref.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (ref.kind ?? 'Gateway') !== 'Gateway') continue;
    if (ref.name !== gateway.metadata.name || namespace !== gateway.metadata.namespace) continue;
    if (!gatewayAccepted) {
      verdicts.push({
        listenerSet,
        accepted: { ok: false, reason: 'ParentNotAccepted', message: 'the parent Gateway is not accepted' },
        listeners: [],
      });
      continue;
    }
    if (!admitted(context, gateway, listenerSet)) {
      verdicts.push({
        listenerSet,
        accepted: {
          ok: false,
          reason: 'NotAllowed',
          message: `Gateway ${gateway.metadata.namespace}/${gateway.metadata.name} does not allow ListenerSets from namespace ${listenerSet.metadata.namespace}`,
        },
        listeners: [],
      });
      continue;
    }
    const listeners = processListenerSetListeners(
      context,
      gateway,
      listenerSet,
      listenerSet.spec.listeners,
      merged,
    );
    merged.push(...listeners);
    // A ListenerSet listener that cannot serve (conflict, unresolved certificate) counts as not valid.
    const valid = listeners.filter(listenerServes).length;
    verdicts.push({
      listenerSet,
      accepted:
        valid === listeners.length
          ? { ok: true, reason: 'Accepted', message: 'ListenerSet is accepted' }
          : {
              ok: valid > 0,
              reason: 'ListenersNotValid',
              message: `${listeners.length - valid} of ${listeners.length} listeners are not valid`,
            },
      listeners,
    });
  }
  return verdicts;
}

function admitted(context: TranslateContext, gateway: Gateway, listenerSet: ListenerSet): boolean {
  const namespaces = gateway.spec.allowedListeners?.namespaces;
  switch (namespaces?.from ?? 'None') {
    case 'All':
      return true;
    case 'Same':
      return listenerSet.metadata.namespace === gateway.metadata.namespace;
    case 'Selector':
      return (
        namespaces?.selector !== undefined &&
        selectorMatches(
          namespaces.selector,
          labelsOfNamespace(context, listenerSet.metadata.namespace ?? 'default'),
        )
      );
    default:
      return false;
  }
}

export function listenerSetStatus(verdict: ListenerSetVerdict, gatewayServing: boolean): ObjectStatus {
  const { listenerSet } = verdict;
  const serving = gatewayServing && verdict.accepted.ok && verdict.listeners.some(listenerServes);
  return {
    object: listenerSet,
    status: {
      conditions: [
        condition(
          listenerSet,
          'Accepted',
          verdict.accepted.ok,
          verdict.accepted.reason,
          verdict.accepted.message,
        ),
        serving
          ? condition(listenerSet, 'Programmed', true, 'Programmed', 'ListenerSet is serving')
          : !verdict.accepted.ok
            ? condition(listenerSet, 'Programmed', false, verdict.accepted.reason, verdict.accepted.message)
            : condition(
                listenerSet,
                'Programmed',
                false,
                'Invalid',
                'no listener of this ListenerSet can serve traffic',
              ),
      ],
      listeners: verdict.listeners.map((listener) => listenerStatus(listenerSet, listener, gatewayServing)),
    },
  };
}
