// Conformance GRPCRouteListenerHostnameMatching (upstream grpcroute-listener-hostname-matching.go):
// among listeners sharing port 80, a call goes by its :authority to the most specific hostname match
// (exact, then the longest wildcard); a wildcard never matches its apex, which gets UNIMPLEMENTED.

import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  type ExpectedGrpcResponse,
  expectEventuallyConsistentGrpcResponse,
  grpcTestCaseName,
} from './harness/grpc.ts';
import { gatewayAndRoutesMustBeAccepted, namespacesMustBeReady } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 181, manifests: ['grpcroute-listener-hostname-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

function echo(authority: string, backend?: string): ExpectedGrpcResponse {
  return backend
    ? { method: 'Echo', requestMetadata: { authority }, backend, namespace: ns }
    : { method: 'Echo', requestMetadata: { authority }, code: grpc.status.UNIMPLEMENTED };
}

test('GRPCRouteListenerHostnameMatching', { concurrency: true }, async (t) => {
  // This test adds a Gateway to the infra namespace, which must be ready too.
  await namespacesMustBeReady(suite, [ns]);
  const gateway = { namespace: ns, name: 'grpcroute-listener-hostname-matching' };
  await gatewayAndRoutesMustBeAccepted(suite, { ...gateway, listenerNames: ['listener-1'] }, 'GRPCRoute', [
    { namespace: ns, name: 'backend-v1' },
  ]);
  await gatewayAndRoutesMustBeAccepted(suite, { ...gateway, listenerNames: ['listener-2'] }, 'GRPCRoute', [
    { namespace: ns, name: 'backend-v2' },
  ]);
  const gwAddr = await gatewayAndRoutesMustBeAccepted(
    suite,
    { ...gateway, listenerNames: ['listener-3', 'listener-4'] },
    'GRPCRoute',
    [{ namespace: ns, name: 'backend-v3' }],
  );

  const v3 = 'grpc-infra-backend-v3';
  const cases = [
    echo('bar.com', 'grpc-infra-backend-v1'),
    echo('foo.bar.com', 'grpc-infra-backend-v2'),
    echo('baz.bar.com', v3),
    echo('boo.bar.com', v3),
    echo('multiple.prefixes.bar.com', v3),
    echo('multiple.prefixes.foo.com', v3),
    echo('foo.com'),
    echo('no.matching.host'),
  ];
  await Promise.all(
    cases.map((expected, index) =>
      t.test(grpcTestCaseName(expected, index), () =>
        expectEventuallyConsistentGrpcResponse(gwAddr, expected, () => suite.diagnostics()),
      ),
    ),
  );
});
