// Conformance HTTPRouteListenerPortMatching (upstream httproute-listener-port-matching.go): a parentRef
// port attaches a route to the Gateway's listeners on that port only (with sectionName, to the named
// one), so foo.com and bar.com reach different backends on 80, 8080 and 8090.

import { after, before, test } from 'node:test';
import { type ExpectedResponse, testCaseName } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 66, manifests: ['httproute-listener-port-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteListenerPortMatching', { concurrency: true }, async (t) => {
  // The test adds a Gateway to the infra namespace, so it waits for that to be ready.
  await namespacesMustBeReady(suite, [ns]);
  const gatewayName = 'httproute-listener-port-matching';
  const accepted = async (listener: string, routeName: string) => {
    const route = { namespace: ns, name: routeName };
    const gateway = { namespace: ns, name: gatewayName, listenerNames: [listener] };
    const address = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
    await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, { namespace: ns, name: gatewayName });
    return address;
  };
  const gwAddr80 = await accepted('listener-1', 'backend-v1');
  const gwAddr8080 = await accepted('listener-2', 'backend-v2');
  const gwAddr8090 = await accepted('listener-4', 'backend-v3');

  const cases: ExpectedResponse[] = [
    { request: { host: 'foo.com', path: '/' }, backend: 'infra-backend-v1', namespace: ns },
    { request: { host: 'foo.com:8080', path: '/' }, backend: 'infra-backend-v2', namespace: ns },
    { request: { host: 'bar.com:8080', path: '/' }, backend: 'infra-backend-v2', namespace: ns },
    { request: { host: 'foo.com:8090', path: '/' }, backend: 'infra-backend-v3', namespace: ns },
    { request: { host: 'bar.com:8090', path: '/' }, response: { statusCode: 404 } },
  ];
  // The port in the Host picks the listener the request is sent to.
  const addressFor = (host = '') => {
    const port = host.split(':')[1];
    return port === '8080' ? gwAddr8080 : port === '8090' ? gwAddr8090 : gwAddr80;
  };
  await Promise.all(
    cases.map((expected, index) =>
      t.test(testCaseName(expected, index), () =>
        suite.expectEventuallyConsistentResponse(addressFor(expected.request.host), expected),
      ),
    ),
  );
});
