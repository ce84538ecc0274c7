// Conformance HTTPRouteBackendProtocolH2C (upstream httproute-backend-protocol-h2c.go): a client speaking
// HTTP/2 with prior knowledge reaches a Service port whose appProtocol is kubernetes.io/h2c, which the
// echo pods serve with cleartext HTTP/2 only.

import { after, before, test } from 'node:test';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { gatewayAndHTTPRoutesMustBeAccepted } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 78, manifests: ['httproute-backend-protocol-h2c.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('HTTPRouteBackendProtocolH2C', async (t) => {
  const route = { namespace: ns, name: 'backend-protocol-h2c' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);

  // The deprecated h2c upgrade from HTTP/1.1 is not tested (RFC 9113 §3.1).
  await t.test('http2 prior knowledge request should reach backend', () =>
    suite.expectEventuallyConsistentResponse(gwAddr, {
      request: { path: '/', protocol: 'H2C_PRIOR_KNOWLEDGE' },
      response: { statusCode: 200 },
      backend: 'infra-backend-v1',
      namespace: ns,
    }),
  );
});
