// Conformance ListenerSetDefaultNotAllowed (upstream listenerset-default-not-allowed.go): a Gateway
// without allowedListeners attaches no ListenerSet, and the ListenerSet reports NotAllowed.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayMustHaveAttachedListeners, listenerSetMustBeRejected } from './harness/listenerset-status.ts';
import { gatewayMustHaveCondition, namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 171, manifests: ['listenerset-default-not-allowed.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetDefaultNotAllowed', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-default-does-not-allow-listenerset' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  await gatewayMustHaveAttachedListeners(suite, gateway, 0);

  const disallowed = { namespace: ns, name: 'listenerset-default-not-allowed' };
  await listenerSetMustBeRejected(suite, disallowed, 'NotAllowed');
});
