// Listener status, shared by Gateway listeners and ListenerSet listeners.

import type { KubeObject } from '../resources/object.ts';
import { condition } from './conditions.ts';
import { type ListenerVerdict, listenerServes } from './listener.ts';
import type { StatusCondition } from './types.ts';

export function listenerStatus(owner: KubeObject, listener: ListenerVerdict, parentAccepted: boolean) {
  return {
    name: listener.listener.name,
    supportedKinds: listener.supportedKinds,
    attachedRoutes: listener.attachedRoutes,
    conditions: listenerConditions(owner, listener, parentAccepted),
  };
}

function listenerConditions(
  gateway: KubeObject,
  listener: ListenerVerdict,
  gatewayAccepted: boolean,
): StatusCondition[] {
  const serves = gatewayAccepted && listenerServes(listener);
  // A conflicted listener is neither accepted nor programmed, for the reason of its conflict.
  const { conflicted } = listener;
  return [
    conflicted
      ? condition(gateway, 'Accepted', false, conflicted.reason, conflicted.message)
      : condition(
          gateway,
          'Accepted',
          listener.accepted.ok,
          listener.accepted.reason,
          listener.accepted.message,
        ),
    serves
      ? condition(gateway, 'Programmed', true, 'Programmed', 'Listener is serving')
      : conflicted
        ? condition(gateway, 'Programmed', false, conflicted.reason, conflicted.message)
        : condition(
            gateway,
            'Programmed',
            false,
            'Invalid',
            'Listener cannot serve traffic; see its other conditions',
          ),
    condition(
      gateway,
      'ResolvedRefs',
      listener.resolvedRefs.ok,
      listener.resolvedRefs.reason,
      listener.resolvedRefs.message,
    ),
    listener.conflicted
      ? condition(gateway, 'Conflicted', true, listener.conflicted.reason, listener.conflicted.message)
      : condition(gateway, 'Conflicted', false, 'NoConflicts', 'No conflicts'),
  ];
}
