// Conformance HTTPRouteListenerHostnameMatching (upstream httproute-listener-hostname-matching.go):
// among listeners sharing a port, a request goes to the most specific hostname match (exact, then
// the longest wildcard); a wildcard never matches its apex.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 24, manifests: ['httproute-listener-hostname-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteListenerHostnameMatching', { concurrency: true }, async (t) => {
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'httproute-listener-hostname-matching' };
  const route1 = { namespace: ns, name: 'backend-v1' };
  const route2 = { namespace: ns, name: 'backend-v2' };
  const route3 = { namespace: ns, name: 'backend-v3' };
  await gatewayAndHTTPRoutesMustBeAccepted(suite, { ...gateway, listenerNames: ['listener-1'] }, [route1]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route1, gateway);
  await gatewayAndHTTPRoutesMustBeAccepted(suite, { ...gateway, listenerNames: ['listener-2'] }, [route2]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route2, gateway);
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(
    suite,
    { ...gateway, listenerNames: ['listener-3', 'listener-4'] },
    [route3],
  );
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route3, gateway);

  const v3 = { backend: 'infra-backend-v3', namespace: ns };
  await suite.expectResponses(t, gwAddr, [
    { request: { host: 'bar.com', path: '/' }, backend: 'infra-backend-v1', namespace: ns },
    { request: { host: 'foo.bar.com', path: '/' }, backend: 'infra-backend-v2', namespace: ns },
    { request: { host: 'baz.bar.com', path: '/' }, ...v3 },
    { request: { host: 'boo.bar.com', path: '/' }, ...v3 },
    { request: { host: 'multiple.prefixes.bar.com', path: '/' }, ...v3 },
    { request: { host: 'multiple.prefixes.foo.com', path: '/' }, ...v3 },
    { request: { host: 'foo.com', path: '/' }, response: { statusCode: 404 } },
    { request: { host: 'no.matching.host', path: '/' }, response: { statusCode: 404 } },
  ]);
});
