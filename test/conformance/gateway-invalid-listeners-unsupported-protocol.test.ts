// Conformance GatewayListenerUnsupportedProtocol (upstream
// gateway-invalid-listeners-unsupported-protocol.go): a listener with an unknown protocol is not
// Accepted (UnsupportedProtocol); the Gateway is Accepted only if another listener is.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import {
  gatewayMustHaveCondition,
  gatewayMustHaveLatestConditions,
  gatewayStatusMustHaveListeners,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 5,
  manifests: ['gateway-invalid-listeners-unsupported-protocol.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

const invalidListener = {
  name: 'invalid',
  supportedKinds: [],
  conditions: [{ type: 'Accepted', status: 'False', reason: 'UnsupportedProtocol' } as const],
  attachedRoutes: 0,
};

test('GatewayListenerUnsupportedProtocol', { concurrency: true }, async (t) => {
  await Promise.all([
    t.test(
      'Gateway with no accepted listeners should not be accepted and the listener should have the Accepted condition set to False with reason UnsupportedProtocol',
      async () => {
        const gateway = { namespace: infraNamespace, name: 'gateway-only-unsupported-protocols' };
        await gatewayMustHaveLatestConditions(suite, gateway);
        await gatewayMustHaveCondition(suite, gateway, {
          type: 'Accepted',
          status: 'False',
          reason: 'ListenersNotValid',
        });
        await gatewayStatusMustHaveListeners(suite, gateway, [invalidListener]);
      },
    ),
    t.test(
      'Gateway with at least one accepted listeners should be accepted and the listeners should have the Accepted condition set accordingly',
      async () => {
        const gateway = { namespace: infraNamespace, name: 'gateway-supported-and-unsupported-protocols' };
        await gatewayMustHaveLatestConditions(suite, gateway);
        await gatewayMustHaveCondition(suite, gateway, {
          type: 'Accepted',
          status: 'True',
          reason: 'ListenersNotValid',
        });
        await gatewayStatusMustHaveListeners(suite, gateway, [
          {
            name: 'http',
            supportedKinds: [{ kind: 'HTTPRoute' }],
            conditions: [{ type: 'Accepted', status: 'True', reason: 'Accepted' }],
            attachedRoutes: 0,
          },
          invalidListener,
        ]);
      },
    ),
  ]);
});
