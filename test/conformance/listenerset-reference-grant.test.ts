// Conformance ListenerSetReferenceGrant (upstream listenerset-reference-grant.go): a ListenerSet
// listener may use a certificate from another namespace only when a ReferenceGrant there admits
// ListenerSets from the ListenerSet's namespace; otherwise the listener is RefNotPermitted and a
// ListenerSet without another listener is not Accepted (ListenersNotValid).

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { listenerSetMustBeRejected, listenerSetMustHaveCondition } from './harness/listenerset-status.ts';
import {
  gatewayMustHaveCondition,
  listenersMustHaveConditions,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 177, manifests: ['listenerset-reference-grant.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('ListenerSetReferenceGrant', async () => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'gateway-with-listener-sets-test-reference-grant' };
  await gatewayMustHaveCondition(suite, gateway, { type: 'Accepted', status: 'True' });
  // Upstream leaves the attached count unchecked: implementations differ on missing grants.

  const granted = { namespace: ns, name: 'listenerset-with-reference-grant' };
  await listenerSetMustHaveCondition(suite, granted, { type: 'Accepted', status: 'True' });
  await listenerSetMustHaveCondition(suite, granted, { type: 'Programmed', status: 'True' });
  await listenersMustHaveConditions(
    suite,
    'ListenerSet',
    granted,
    [{ type: 'ResolvedRefs', status: 'True' }],
    ['listenerset-with-reference-grant-listener'],
  );

  const ungranted = {
    namespace: 'gateway-api-listener-sets-test-reference-grant-ns',
    name: 'listenerset-without-reference-grant',
  };
  await listenerSetMustBeRejected(suite, ungranted, 'ListenersNotValid');
  await listenersMustHaveConditions(
    suite,
    'ListenerSet',
    ungranted,
    [{ type: 'ResolvedRefs', status: 'False', reason: 'RefNotPermitted' }],
    ['listenerset-without-reference-grant-listener'],
  );
});
