// Upstream `conformance/utils/http/mirror.go` and `AddRequestIDQueryParam`: did mirrored requests reach
// the mirror backends? Upstream greps the mirror pods' logs for "Echoing back request made to <URI>";
// here the echo pods' request logs say the same.

import { randomUUID } from 'node:crypto';
import type { ExpectedResponse } from './expect.ts';
import type { Pod } from './fixtures.ts';

/** Upstream `MirroredBackend`: a Deployment (its `app` label) that must see mirrored requests. */
export interface MirroredBackend {
  name: string;
  namespace: string;
  /** The share of requests it must see, for percentage mirrors. */
  percent?: number;
}

/** Where the echo pods of a Deployment (label `app`) are found: the running suite. */
export interface PodSource {
  pods(app: string): Pod[];
}

/** What a mirror test needs of the running suite. */
export interface MirrorSuite extends PodSource {
  expectEventuallyConsistentResponse(gatewayAddress: string, expected: ExpectedResponse): Promise<void>;
}

/** Upstream's `RequestTimeout`, the time a mirrored request has to show up in the logs. */
const mirrorTimeoutMs = 10_000;
const pollIntervalMs = 100;
const requestIdQueryParam = 'gateway-api-conformance-request-id';

/**
 * Upstream `AddRequestIDQueryParam`: a copy of `expected` whose request, and expected backend request,
 * carry `requestId` in the query, so the logs of this one request can be told apart.
 */
export function withRequestId(expected: ExpectedResponse, requestId: string): ExpectedResponse {
  const path = addQueryParam(expected.request.path, requestIdQueryParam, requestId);
  const wanted = expected.expectedRequest;
  return {
    ...expected,
    request: { ...expected.request, path },
    ...(wanted
      ? {
          expectedRequest: {
            ...wanted,
            path: wanted.path === '' ? path : addQueryParam(wanted.path, requestIdQueryParam, requestId),
          },
        }
      : {}),
  };
}

/** Go's `query.Set` then `query.Encode()`: the parameter replaced or added, keys sorted. */
function addQueryParam(path: string, name: string, value: string): string {
  const queryStart = path.indexOf('?');
  const query = new URLSearchParams(queryStart < 0 ? '' : path.slice(queryStart + 1));
  query.set(name, value);
  query.sort();
  return `${queryStart < 0 ? path : path.slice(0, queryStart)}?${query}`;
}

/** How many times the pods of `backend` echoed exactly `requestUri`. */
export function echoedCount(source: PodSource, backend: MirroredBackend, requestUri: string): number {
  return source
    .pods(backend.name)
    .filter((pod) => pod.namespace === backend.namespace)
    .reduce((count, pod) => count + pod.echo.requests.filter((uri) => uri === requestUri).length, 0);
}

/**
 * Upstream `ExpectMirroredRequest`: every backend in `mirroredTo` echoes `requestUri` within the
 * request timeout. Start it before sending the request, and await it with the request's own check.
 */
export async function expectMirroredRequest(
  source: PodSource,
  mirroredTo: MirroredBackend[],
  requestUri: string,
): Promise<void> {
  const deadline = Date.now() + mirrorTimeoutMs;
  const missing = () => mirroredTo.filter((backend) => echoedCount(source, backend, requestUri) === 0);
  while (missing().length > 0) {
    if (Date.now() >= deadline) {
      const names = missing().map((backend) => `"${backend.namespace}/${backend.name}"`);
      throw new Error(`Couldn't find mirrored request ${requestUri} in ${names.join(', ')} logs`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

/**
 * One case of upstream's mirror tests: tagged with a fresh request id, the request is answered as
 * `expected` says, and every backend of `mirroredTo` sees it too.
 */
export async function expectMirroredResponse(
  suite: MirrorSuite,
  gatewayAddress: string,
  expected: ExpectedResponse,
  mirroredTo: MirroredBackend[],
): Promise<void> {
  const tagged = withRequestId(expected, randomUUID());
  // The mirror check starts before the request is sent, as upstream's log reader does.
  await Promise.all([
    expectMirroredRequest(suite, mirroredTo, tagged.request.path),
    suite.expectEventuallyConsistentResponse(gatewayAddress, tagged),
  ]);
}
