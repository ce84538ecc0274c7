// Conformance HTTPRouteHostnameIntersection (upstream httproute-hostname-intersection.go): a route
// serves only the hostnames it shares with a listener (the Host port is ignored), a route sharing none
// is not Accepted (NoMatchingListenerHostname) nor counted, and a listener without hostname takes the
// route's own hostnames.

import { after, before, test } from 'node:test';
import type { ExpectedResponse } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  type ExpectedListener,
  gatewayAndHTTPRoutesMustBeAccepted,
  gatewayStatusMustHaveListeners,
  httpRouteMustHaveParents,
  httpRouteMustHaveResolvedRefsConditionsTrue,
  namespacesMustBeReady,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 17, manifests: ['httproute-hostname-intersection.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const v1 = { backend: 'infra-backend-v1', namespace: ns };
const v2 = { backend: 'infra-backend-v2', namespace: ns };
const v3 = { backend: 'infra-backend-v3', namespace: ns };
const notFound = { response: { statusCode: 404 } };

test('HTTPRouteHostnameIntersection', async (t) => {
  const gateway = { namespace: ns, name: 'httproute-hostname-intersection' };
  await namespacesMustBeReady(suite, [ns]);

  await t.test('HTTPRoutes that do intersect with listener hostnames', { concurrency: true }, async (t) => {
    const routes = [
      'specific-host-matches-listener-specific-host',
      'specific-host-matches-listener-wildcard-host',
      'wildcard-host-matches-listener-specific-host',
      'wildcard-host-matches-listener-wildcard-host',
    ].map((name) => ({ namespace: ns, name }));
    const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, routes);
    for (const route of routes) await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

    const cases: ExpectedResponse[] = [
      // specific-host-matches-listener-specific-host
      { request: { host: 'very.specific.com', path: '/s1' }, ...v1 },
      { request: { host: 'very.specific.com:1234', path: '/s1' }, ...v1 },
      { request: { host: 'non.matching.com', path: '/s1' }, ...notFound },
      { request: { host: 'foo.nonmatchingwildcard.io', path: '/s1' }, ...notFound },
      { request: { host: 'foo.wildcard.io', path: '/s1' }, ...notFound },
      { request: { host: 'very.specific.com', path: '/non-matching-prefix' }, ...notFound },
      // specific-host-matches-listener-wildcard-host
      { request: { host: 'foo.wildcard.io', path: '/s2' }, ...v2 },
      { request: { host: 'bar.wildcard.io', path: '/s2' }, ...v2 },
      { request: { host: 'foo.bar.wildcard.io', path: '/s2' }, ...v2 },
      { request: { host: 'non.matching.com', path: '/s2' }, ...notFound },
      { request: { host: 'wildcard.io', path: '/s2' }, ...notFound },
      { request: { host: 'very.specific.com', path: '/s2' }, ...notFound },
      { request: { host: 'foo.wildcard.io', path: '/non-matching-prefix' }, ...notFound },
      // wildcard-host-matches-listener-specific-host
      { request: { host: 'very.specific.com', path: '/s3' }, ...v3 },
      { request: { host: 'non.matching.com', path: '/s3' }, ...notFound },
      { request: { host: 'foo.specific.com', path: '/s3' }, ...notFound },
      { request: { host: 'foo.wildcard.io', path: '/s3' }, ...notFound },
      { request: { host: 'very.specific.com', path: '/non-matching-prefix' }, ...notFound },
      // wildcard-host-matches-listener-wildcard-host
      { request: { host: 'foo.anotherwildcard.io', path: '/s4' }, ...v1 },
      { request: { host: 'bar.anotherwildcard.io', path: '/s4' }, ...v1 },
      { request: { host: 'foo.bar.anotherwildcard.io', path: '/s4' }, ...v1 },
      { request: { host: 'anotherwildcard.io', path: '/s4' }, ...notFound },
      { request: { host: 'foo.wildcard.io', path: '/s4' }, ...notFound },
      { request: { host: 'very.specific.com', path: '/s4' }, ...notFound },
      { request: { host: 'foo.anotherwildcard.io', path: '/non-matching-prefix' }, ...notFound },
    ];
    await suite.expectResponses(t, gwAddr, cases);
  });

  await t.test(
    'HTTPRoutes that do not intersect with listener hostnames',
    { concurrency: true },
    async (t) => {
      const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, []);
      const route = { namespace: ns, name: 'no-intersecting-hosts' };
      await httpRouteMustHaveParents(
        suite,
        route,
        [
          {
            parentRef: {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              namespace: ns,
              name: gateway.name,
            },
            controllerName: suite.controllerName,
            conditions: [{ type: 'Accepted', status: 'False', reason: 'NoMatchingListenerHostname' }],
          },
        ],
        true,
      );
      await suite.expectResponses(t, gwAddr, [
        { request: { host: 'specific.but.wrong.com', path: '/s5' }, ...notFound },
        { request: { host: 'wildcard.io', path: '/s5' }, ...notFound },
      ]);
    },
  );

  await t.test('HTTPRoutes have to be counted in AttachedRoutes only if they are Accepted', async () => {
    const listener = (name: string, attachedRoutes: number): ExpectedListener => ({
      name,
      supportedKinds: [{ kind: 'HTTPRoute' }],
      conditions: [
        { type: 'Accepted', status: 'True' },
        { type: 'ResolvedRefs', status: 'True' },
      ],
      attachedRoutes,
    });
    // listener-1: the two routes narrowed to very.specific.com; listener-2 and -3 one route each.
    await gatewayStatusMustHaveListeners(suite, gateway, [
      listener('listener-1', 2),
      listener('listener-2', 1),
      listener('listener-3', 1),
    ]);
  });

  await t.test(
    'HTTPRoutes intersects with an unspecified hostname listener',
    { concurrency: true },
    async (t) => {
      const allGateway = { namespace: ns, name: 'httproute-hostname-intersection-all' };
      const route = { namespace: ns, name: 'httproute-hostname-intersection-all' };
      const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, allGateway, [route]);
      await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, allGateway);
      await suite.expectResponses(t, gwAddr, [
        { request: { host: 'first.com', path: '/' }, ...v2 },
        { request: { host: 'sub.first.com', path: '/' }, ...v2 },
        { request: { host: 'second.com', path: '/' }, ...v2 },
        { request: { host: 'sub.second.com', path: '/' }, ...v2 },
        { request: { host: 'third.com', path: '/' }, namespace: ns, ...notFound },
        { request: { host: 'sub.third.com', path: '/' }, namespace: ns, ...notFound },
      ]);
    },
  );
});
