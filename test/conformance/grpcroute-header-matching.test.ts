// Conformance GRPCRouteHeaderMatching (upstream grpcroute-header-matching.go): header matches over
// gRPC metadata, ANDed within a match and ORed across matches, the most specific rule first; a call
// no rule matches gets UNIMPLEMENTED.

import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  type ExpectedGrpcResponse,
  expectEventuallyConsistentGrpcResponse,
  grpcTestCaseName,
} from './harness/grpc.ts';
import { gatewayAndRoutesMustBeAccepted } from './harness/status.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 180, manifests: ['grpcroute-header-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

function echo(metadata: Record<string, string>, backend?: string): ExpectedGrpcResponse {
  return backend
    ? { method: 'Echo', requestMetadata: { metadata }, backend, namespace: ns }
    : { method: 'Echo', requestMetadata: { metadata }, code: grpc.status.UNIMPLEMENTED };
}

test('GRPCRouteHeaderMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'grpc-header-matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndRoutesMustBeAccepted(suite, gateway, 'GRPCRoute', [route]);

  const v1 = 'grpc-infra-backend-v1';
  const v2 = 'grpc-infra-backend-v2';
  const cases = [
    echo({ Version: 'one' }, v1),
    echo({ Version: 'two' }, v2),
    echo({ Version: 'two', Color: 'orange' }, v1),
    echo({ Version: 'two', Color: 'blue' }, v2),
    echo({ Color: 'orange' }),
    echo({ 'Some-Other-Header': 'one' }),
    echo({ Color: 'blue' }, v1),
    echo({ Color: 'green' }, v1),
    echo({ Color: 'red' }, v2),
    echo({ Color: 'yellow' }, v2),
    echo({ Color: 'purple' }),
  ];
  await Promise.all(
    cases.map((expected, index) =>
      t.test(grpcTestCaseName(expected, index), () =>
        expectEventuallyConsistentGrpcResponse(gwAddr, expected, () => suite.diagnostics()),
      ),
    ),
  );
});
