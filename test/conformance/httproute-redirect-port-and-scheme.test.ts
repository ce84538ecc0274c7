// Conformance HTTPRouteRedirectPortAndScheme (upstream httproute-redirect-port-and-scheme.go): a redirect
// without a port takes the scheme's well-known port, or the listener's port when the scheme is unset
// too; on listeners at 80, 8080 (a Gateway of its own) and 443 (over TLS).

import { after, before, test } from 'node:test';
import { type ExpectedResponse, testCaseName } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 57, manifests: ['httproute-redirect-port-and-scheme.yaml'] });
before(() => suite.start());
after(() => suite.stop());

/** An expected redirect to example.org; an unset port accepts the scheme's default, written or not. */
function redirect(path: string, scheme: string, port?: string, host?: string): ExpectedResponse {
  return {
    request: { path, ...(host ? { host } : {}) },
    response: { statusCode: 302 },
    redirectRequest: { scheme, host: 'example.org', ...(port ? { port } : {}) },
    namespace: ns,
  };
}

test('HTTPRouteRedirectPortAndScheme', { concurrency: true }, async (t) => {
  const accepted = async (gatewayName: string, routeName: string) => {
    const route = { namespace: ns, name: routeName };
    const gateway = { namespace: ns, name: gatewayName };
    const address = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
    await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);
    return address;
  };
  const gwAddr80 = await accepted('same-namespace', 'http-route-for-listener-on-port-80');
  const gwAddr8080 = await accepted(
    'same-namespace-with-http-listener-on-8080',
    'http-route-for-listener-on-port-8080',
  );
  const gwAddr443 = await accepted(
    'same-namespace-with-https-listener',
    'http-route-for-listener-on-port-443',
  );
  const serverCertificate = suite.certificates.tlsValidityChecks.certPem;

  const on80 = [
    redirect('/scheme-nil-and-port-nil', 'http'),
    redirect('/scheme-nil-and-port-80', 'http'),
    redirect('/scheme-nil-and-port-8080', 'http', '8080'),
    redirect('/scheme-https-and-port-nil', 'https'),
    redirect('/scheme-https-and-port-443', 'https'),
    redirect('/scheme-https-and-port-8443', 'https', '8443'),
  ];
  const on8080 = [
    redirect('/scheme-nil-and-port-nil', 'http', '8080'),
    redirect('/scheme-nil-and-port-80', 'http'),
    redirect('/scheme-https-and-port-nil', 'https'),
  ];
  const on443 = [
    redirect('/scheme-nil-and-port-nil', 'https', undefined, 'example.org'),
    redirect('/scheme-nil-and-port-443', 'https', undefined, 'example.org'),
    redirect('/scheme-nil-and-port-8443', 'https', '8443', 'example.org'),
    redirect('/scheme-http-and-port-nil', 'http', undefined, 'example.org'),
    redirect('/scheme-http-and-port-80', 'http', undefined, 'example.org'),
    redirect('/scheme-http-and-port-8080', 'http', '8080', 'example.org'),
  ];
  await Promise.all([
    ...on80.map((expected, index) =>
      t.test(`http-listener-on-80/${testCaseName(expected, index)}`, () =>
        suite.expectEventuallyConsistentResponse(gwAddr80, expected),
      ),
    ),
    ...on8080.map((expected, index) =>
      t.test(`http-listener-on-8080/${testCaseName(expected, index)}`, () =>
        suite.expectEventuallyConsistentResponse(gwAddr8080, expected),
      ),
    ),
    ...on443.map((expected, index) =>
      t.test(`https-listener-on-443/${testCaseName(expected, index)}`, () =>
        suite.expectEventuallyConsistentTlsResponse(gwAddr443, serverCertificate, 'example.org', expected),
      ),
    ),
  ]);
});
