// Conformance HTTPRouteRequestPercentageMirror (upstream httproute-request-percentage-mirror.go,
// provisional): a mirror with a percent or fraction copies that share of requests, within three
// binomial standard deviations over 500 requests, also after a RequestHeaderModifier.

import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import {
  awaitConvergence,
  type ExpectedResponse,
  makeRequest,
  roundTripFailure,
  testCaseName,
} from './harness/expect.ts';
import { infraNamespace as ns } from './harness/fixtures.ts';
import { echoedCount, type MirroredBackend, withRequestId } from './harness/mirror.ts';
import {
  gatewayAndHTTPRoutesMustBeAccepted,
  httpRouteMustHaveResolvedRefsConditionsTrue,
} from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 73, manifests: ['httproute-request-percentage-mirror.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const concurrentRequests = 10;
const totalRequests = 500;
/** Half-width of the accepted band in binomial standard deviations (~0.3% false failures per check). */
const toleranceStdDevs = 3;
const distributionChecks = 5;

interface PercentageCase {
  expected: ExpectedResponse;
  mirroredTo: Required<MirroredBackend>[];
}

const cases: PercentageCase[] = [
  {
    expected: {
      request: { path: '/percent-mirror' },
      expectedRequest: { path: '/percent-mirror' },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
    mirroredTo: [{ name: 'infra-backend-v2', namespace: ns, percent: 20 }],
  },
  {
    expected: {
      request: { path: '/percent-mirror-fraction' },
      expectedRequest: { path: '/percent-mirror-fraction' },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
    mirroredTo: [{ name: 'infra-backend-v2', namespace: ns, percent: 50 }],
  },
  {
    expected: {
      request: {
        path: '/percent-mirror-and-modify-headers',
        headers: { 'X-Header-Remove': 'remove-val', 'X-Header-Add-Append': 'append-val-1' },
      },
      expectedRequest: {
        path: '/percent-mirror-and-modify-headers',
        headers: {
          'X-Header-Add': 'header-val-1',
          'X-Header-Add-Append': 'append-val-1,header-val-2',
          'X-Header-Set': 'set-overwrites-values',
        },
        absentHeaders: ['X-Header-Remove'],
      },
      backend: 'infra-backend-v1',
      namespace: ns,
    },
    mirroredTo: [{ name: 'infra-backend-v2', namespace: ns, percent: 35 }],
  },
];

/** Sends `totalRequests` requests, `concurrentRequests` at a time, each until it is answered as expected. */
async function sendAll(gwAddr: string, expected: ExpectedResponse): Promise<void> {
  const request = makeRequest(expected, gwAddr, 'http');
  let sent = 0;
  const worker = async (): Promise<void> => {
    while (sent < totalRequests) {
      sent++;
      await awaitConvergence(
        `GET http://${request.host}${request.path}`,
        () => roundTripFailure(request, expected),
        () => suite.diagnostics(),
        1,
      );
    }
  };
  await Promise.all(Array.from({ length: concurrentRequests }, worker));
}

/**
 * Upstream `testMirroredRequestsDistribution`: each mirror's count is within the binomial band. Returns
 * one line per mirror backend and whether all of them passed.
 */
function checkDistribution(
  mirroredTo: Required<MirroredBackend>[],
  requestUri: string,
): { report: string[]; passed: boolean } {
  const results = mirroredTo.map((backend) => {
    const share = backend.percent / 100;
    const mean = totalRequests * share;
    const margin = toleranceStdDevs * Math.sqrt(totalRequests * share * (1 - share));
    const actual = echoedCount(suite, backend, requestUri);
    const passed = actual >= mean - margin && actual <= mean + margin;
    const line = `${backend.name}: expected ${mean} (min ${(mean - margin).toFixed(1)}, max ${(mean + margin).toFixed(1)}), got ${actual}`;
    return { line, passed };
  });
  return { report: results.map((result) => result.line), passed: results.every((result) => result.passed) };
}

test('HTTPRouteRequestPercentageMirror', async (t) => {
  const route = { namespace: ns, name: 'request-percentage-mirror' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndHTTPRoutesMustBeAccepted(suite, gateway, [route]);
  await httpRouteMustHaveResolvedRefsConditionsTrue(suite, route, gateway);

  for (const [index, { expected, mirroredTo }] of cases.entries()) {
    await t.test(testCaseName(expected, index), async (t) => {
      // The route must serve before the distribution is checked.
      await suite.expectEventuallyConsistentResponse(gwAddr, expected);
      for (let check = 1; check <= distributionChecks; check++) {
        const tagged = withRequestId(expected, randomUUID());
        await sendAll(gwAddr, tagged);
        const { report, passed } = checkDistribution(mirroredTo, tagged.request.path);
        for (const line of report) t.diagnostic(line);
        if (passed) return;
        t.diagnostic(`Traffic distribution test failed (${check}/${distributionChecks})`);
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      throw new Error('Percentage based mirror distribution tests failed');
    });
  }
});
