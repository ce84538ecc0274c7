// Conformance GRPCExactMethodMatching (upstream grpcroute-exact-method-matching.go): exact
// service/method matches send Echo to v1 and EchoTwo to v2; a method no rule matches gets
// UNIMPLEMENTED.

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

const suite = new ConformanceSuite({ block: 179, manifests: ['grpcroute-exact-method-matching.yaml'] });
before(() => suite.start());
after(() => suite.stop());

test('GRPCExactMethodMatching', { concurrency: true }, async (t) => {
  const route = { namespace: ns, name: 'exact-matching' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndRoutesMustBeAccepted(suite, gateway, 'GRPCRoute', [route]);

  const cases: ExpectedGrpcResponse[] = [
    { method: 'Echo', backend: 'grpc-infra-backend-v1', namespace: ns },
    { method: 'EchoTwo', backend: 'grpc-infra-backend-v2', namespace: ns },
    { method: 'EchoThree', code: grpc.status.UNIMPLEMENTED },
  ];
  await Promise.all(
    cases.map((expected, index) =>
      t.test(grpcTestCaseName(expected, index), () =>
        expectEventuallyConsistentGrpcResponse(gwAddr, expected, () => suite.diagnostics()),
      ),
    ),
  );
});
