// The traffic loops of upstream's routing tests: many requests, a few in flight at once, each on a new
// connection and each compared like `CompareRoundTrip`; `assertTrafficOnlyReachesToExpectedPods` on top.
//
// Upstream retries a request that meets a 404 or 503 for up to two minutes (cloud gateways converge slowly).
// The loops here run after the route answered consistently, when a standalone gateway has nothing left to
// converge, so every answer counts.

import { compareRoundTrip, type ExpectedResponse, makeRequest } from '../../conformance/harness/expect.ts';
import { type CapturedRequest, captureRoundTrip } from '../../conformance/harness/roundtrip.ts';
import type { InferenceConformanceSuite } from '../harness.ts';

/**
 * Sends `expected.request` `total` times, `concurrency` at a time; every answer must match `expected`, and
 * `check` (why not, or undefined) must accept what the echo backend captured. Returns the captures.
 */
export async function sendConcurrently(
  gatewayAddress: string,
  expected: ExpectedResponse,
  total: number,
  concurrency: number,
  check: (captured: CapturedRequest) => string | undefined = () => undefined,
): Promise<CapturedRequest[]> {
  const request = makeRequest(expected, gatewayAddress, 'http');
  const captures: CapturedRequest[] = [];
  const failures: string[] = [];
  let sent = 0;
  const worker = async () => {
    while (sent < total && failures.length === 0) {
      sent++;
      try {
        const { request: captured, response } = await captureRoundTrip(request);
        const failure = compareRoundTrip(request, captured, response, expected) ?? check(captured);
        if (failure === undefined) captures.push(captured);
        else failures.push(failure);
      } catch (error) {
        failures.push(`request failed: ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (failures.length > 0)
    throw new Error(`${request.method} http://${request.host}${request.path}: ${failures[0]}`);
  return captures;
}

/**
 * Upstream `assertTrafficOnlyReachesToExpectedPods`: once the request answers consistently, 100 requests,
 * 10 at a time, are all answered by pods named in `podNames` (and pass `check`).
 */
export async function assertTrafficOnlyReachesToExpectedPods(
  suite: InferenceConformanceSuite,
  gatewayAddress: string,
  expected: ExpectedResponse,
  podNames: string[],
  check: (captured: CapturedRequest) => string | undefined = () => undefined,
): Promise<void> {
  await suite.expectEventuallyConsistentResponse(gatewayAddress, expected);
  await sendConcurrently(gatewayAddress, expected, 100, 10, (captured) =>
    podNames.includes(captured.pod)
      ? check(captured)
      : `handled by unexpected pod ${captured.pod} (expected one of ${podNames.join(', ')})`,
  );
}
