// Conformance GatewayHTTPListenerIsolation (upstream gateway-http-listener-isolation.go): a request is
// served only by routes of the most specific listener its host selects, never by a less specific one;
// with hostnames on the listeners only, and with route hostnames that also cover other listeners.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({
  block: 69,
  manifests: [
    'gateway-http-listener-isolation.yaml',
    'gateway-http-listener-isolation-with-hostname-intersection.yaml',
  ],
});
before(() => suite.start());
after(() => suite.stop());

/** The path each listener's route serves, by the host that selects that listener. */
const listeners = [
  { host: 'bar.com', path: '/empty-hostname' },
  { host: 'bar.example.com', path: '/wildcard-example-com' },
  { host: 'bar.foo.example.com', path: '/wildcard-foo-example-com' },
  { host: 'abc.foo.example.com', path: '/abc-foo-example-com' },
];

// Every host against every listener's path: only its own listener's path reaches the backend.
const cases: ExpectedResponse[] = listeners.flatMap(({ host, path: own }) =>
  listeners.map(({ path }) =>
    path === own
      ? { request: { host, path }, backend: 'infra-backend-v1', namespace: ns }
      : { request: { host, path }, response: { statusCode: 404 } },
  ),
);

test('GatewayHTTPListenerIsolation', async (t) => {
  await namespacesMustBeReady(suite, [ns]);
  const routeSuffixes = [
    'empty-hostname',
    'wildcard-example-com',
    'wildcard-foo-example-com',
    'abc-foo-example-com',
  ];
  const variants = [
    { name: 'hostnames are configured only in listeners', gateway: 'http-listener-isolation', suffix: '' },
    {
      name: 'intersecting hostnames are configured in listeners and HTTPRoutes',
      gateway: 'http-listener-isolation-with-hostname-intersection',
      suffix: '-with-hostname-intersection',
    },
  ];
  for (const variant of variants) {
    await t.test(variant.name, { concurrency: true }, async (t) => {
      const gateway = { namespace: ns, name: variant.gateway };
      const routes = routeSuffixes.map((listener) => ({
        namespace: ns,
        name: `attaches-to-${listener}${variant.suffix}`,
      }));
      const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, routes);
      for (const route of routes) await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
      await suite.expectResponses(t, gwAddr, cases);
    });
  }
});
