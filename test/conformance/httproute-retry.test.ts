// Conformance HTTPRouteRetry (upstream httproute-retry.go): failures with a listed code are retried up to
// the attempts limit, then the backend's own error comes back; an unlisted code is not retried. The
// echo backend's /retry/ simulator fails each request id a set number of times.

import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { awaitConvergence, type ExpectedResponse, makeRequest, roundTripFailure } from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 76, manifests: ['httproute-retry.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const code500 = '/retry/code-500-attempts-3';
const codeAll = '/retry/code-all-attempts-2';

const cases = [
  {
    name: 'succeeds after 2 retries when retry is configured for status code 500 and max attempts is 3',
    path: code500,
    responseCode: 500,
    succeedAfter: 2,
    statusCode: 200,
  },
  {
    name: 'fails when required retries on 500 exceed max attempts',
    path: code500,
    responseCode: 500,
    succeedAfter: 4,
    statusCode: 500,
  },
  {
    name: 'does not retry on 503 when retry is only configured for status code 500',
    path: code500,
    responseCode: 503,
    succeedAfter: 2,
    statusCode: 503,
  },
  ...[500, 502, 503, 504].flatMap((responseCode) => [
    {
      name: `succeeds after 1 retry on ${responseCode} when retry is configured for all status code and max attempts is 2`,
      path: codeAll,
      responseCode,
      succeedAfter: 1,
      statusCode: 200,
    },
    {
      name: `fails when required retries on ${responseCode} exceed max attempts`,
      path: codeAll,
      responseCode,
      succeedAfter: 3,
      statusCode: responseCode,
    },
  ]),
];

test('HTTPRouteRetry', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'retries' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  await Promise.all(
    cases.map(({ name, path, responseCode, succeedAfter, statusCode }, index) =>
      t.test(`${index} request to '${path}' ${name}`, () =>
        // Every attempt has a fresh uuid, so the simulator counts its failures from zero.
        awaitConvergence(
          `GET ${path}`,
          async () => {
            // Keys sorted as Go's url.Values.Encode writes them.
            const query = new URLSearchParams({
              responseCode: String(responseCode),
              succeedAfter: String(succeedAfter),
              uuid: randomUUID(),
            });
            const expected: ExpectedResponse = {
              request: { path: `${path}?${query}` },
              response: { statusCode },
              backend: 'infra-backend-v3',
              namespace: ns,
            };
            return roundTripFailure(makeRequest(expected, gwAddr, 'http'), expected);
          },
          () => suite.diagnostics(),
        ),
      ),
    ),
  );
});
