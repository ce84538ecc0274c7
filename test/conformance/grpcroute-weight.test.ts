// Conformance GRPCRouteWeight (upstream grpcroute-weight.go): calls split 70/30 within ±5% over 500
// calls, each on a fresh channel, and the weight-0 backend gets none.

import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { infraNamespace as ns } from './harness/fixtures.ts';
import {
  type ExpectedGrpcResponse,
  expectEventuallyConsistentGrpcResponse,
  GrpcEchoClient,
  withEntropy,
} from './harness/grpc.ts';
import { gatewayAndRoutesMustBeAccepted } from './harness/status.ts';
import { maxWeightTestRetries, weightedDistributionProblems } from './harness/weight.ts';
import { ConformanceSuite } from './harness.ts';

const suite = new ConformanceSuite({ block: 182, manifests: ['grpcroute-weight.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const callTimeoutMs = 30_000;

test('GRPCRouteWeight', async (t) => {
  const route = { namespace: ns, name: 'weighted-backends' };
  const gateway = { namespace: ns, name: 'same-namespace' };
  const gwAddr = await gatewayAndRoutesMustBeAccepted(suite, gateway, 'GRPCRoute', [route]);

  await t.test('Requests should have a distribution that matches the weight', async (t) => {
    const expected: ExpectedGrpcResponse = { method: 'Echo', code: grpc.status.OK, namespace: ns };
    await expectEventuallyConsistentGrpcResponse(gwAddr, expected, () => suite.diagnostics());

    // Upstream's sampler dials a new client for every call.
    const send = async (): Promise<string> => {
      const client = new GrpcEchoClient();
      try {
        const response = await client.send(gwAddr, withEntropy(expected), callTimeoutMs);
        if (response.code !== grpc.status.OK)
          throw new Error(`expected OK response, got ${grpc.status[response.code]}`);
        return response.response?.assertions?.context?.pod ?? '';
      } finally {
        client.close();
      }
    };
    const weights = {
      'grpc-infra-backend-v1': 0.7,
      'grpc-infra-backend-v2': 0.3,
      'grpc-infra-backend-v3': 0,
    };
    for (let attempt = 1; attempt <= maxWeightTestRetries; attempt++) {
      const problems = await weightedDistributionProblems(send, weights);
      if (problems === undefined) return;
      t.diagnostic(`Traffic distribution test failed (${attempt}/${maxWeightTestRetries}): ${problems}`);
    }
    throw new Error('Weighted distribution tests failed');
  });
});
