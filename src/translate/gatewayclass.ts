// GatewayClass phase: which classes are Sluice's and whether they are accepted.

import type { GatewayClass } from '../resources/gateway-api.ts';
import { condition } from './conditions.ts';
import type { TranslateContext } from './context.ts';
import { supportedFeatures } from './features.ts';
import type { ObjectStatus } from './types.ts';

export interface ClassVerdict {
  gatewayClass: GatewayClass;
  accepted: boolean;
}

/** Classes owned by this controller, with their status. Classes of other controllers are left alone. */
export function processGatewayClasses(context: TranslateContext, status: Map<string, ObjectStatus>) {
  const verdicts = new Map<string, ClassVerdict>();
  for (const gatewayClass of context.gatewayClasses.values()) {
    if (gatewayClass.spec.controllerName !== context.options.controllerName) continue;
    // Sluice has no class parameters kind: any parametersRef cannot be honoured.
    const parametersRef = gatewayClass.spec.parametersRef;
    const accepted = parametersRef === undefined;
    const conditions = [
      accepted
        ? condition(gatewayClass, 'Accepted', true, 'Accepted', 'Handled by Sluice')
        : condition(
            gatewayClass,
            'Accepted',
            false,
            'InvalidParameters',
            `parametersRef ${parametersRef.group}/${parametersRef.kind} ${parametersRef.name} is not a kind Sluice supports`,
          ),
      condition(gatewayClass, 'SupportedVersion', true, 'SupportedVersion', 'Gateway API v1.6 is supported'),
    ];
    status.set(`GatewayClass/${gatewayClass.metadata.name}`, {
      object: gatewayClass,
      status: { conditions, supportedFeatures: supportedFeatures.map((name) => ({ name })) },
    });
    verdicts.set(gatewayClass.metadata.name, { gatewayClass, accepted });
  }
  return verdicts;
}
