// Conformance GatewayWithAttachedRoutes (upstream gateway-with-attached-routes.go): attachedRoutes
// counts accepted routes only, and is reported even on a listener whose references do not resolve.

import { after, before, test } from 'node:test';
import { infraNamespace } from './harness/fixtures.ts';
import {
  type ExpectedListener,
  gatewayStatusMustHaveListeners,
  httpRouteMustHaveCondition,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 12, manifests: ['gateway-with-attached-routes.yaml'] });
before(() => suite.start());
after(() => suite.stop());

function acceptedHttpListener(attachedRoutes: number): ExpectedListener {
  return {
    name: 'http',
    supportedKinds: [{ kind: 'HTTPRoute' }],
    conditions: [
      { type: 'Accepted', status: 'True' },
      { type: 'ResolvedRefs', status: 'True' },
    ],
    attachedRoutes,
  };
}

test('GatewayWithAttachedRoutes', async (t) => {
  await t.test('Gateway listener should have one valid http routes attached', async () => {
    const gateway = { namespace: infraNamespace, name: 'gateway-with-one-attached-route' };
    await gatewayStatusMustHaveListeners(suite, gateway, [acceptedHttpListener(1)]);
  });

  await t.test('Gateway listener should have two valid http routes attached', async () => {
    const gateway = { namespace: infraNamespace, name: 'gateway-with-two-attached-routes' };
    await gatewayStatusMustHaveListeners(suite, gateway, [acceptedHttpListener(2)]);
    await httpRouteMustHaveCondition(
      suite,
      { namespace: infraNamespace, name: 'http-route-not-accepted' },
      gateway,
      {
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingListenerHostname',
      },
    );
  });

  await t.test(
    'Gateway listener should have AttachedRoutes set even when Gateway has unresolved refs',
    async () => {
      const gateway = {
        namespace: infraNamespace,
        name: 'unresolved-gateway-with-one-attached-unresolved-route',
      };
      await gatewayStatusMustHaveListeners(suite, gateway, [
        {
          name: 'tls',
          supportedKinds: [{ kind: 'HTTPRoute' }],
          conditions: [
            { type: 'Programmed', status: 'False' },
            { type: 'ResolvedRefs', status: 'False' },
          ],
          attachedRoutes: 1,
        },
      ]);
      await httpRouteMustHaveCondition(suite, { namespace: infraNamespace, name: 'http-route-4' }, gateway, {
        type: 'ResolvedRefs',
        status: 'False',
      });
    },
  );
});
