// Inference conformance GatewayDestinationEndpointServed (upstream gateway_destination_endpoint_served.go): the
// gateway reports the endpoint that served each request, and it is the one the picker chose.
//
// Upstream reads the report from `x-conformance-test-served-endpoint`, which its conformance picker copies
// from the gateway's `x-gateway-destination-endpoint-served`; Sluice sends that report to the client itself.

import { after, before, test } from 'node:test';
import { readyPoolRoute, selectedPodMustAnswer } from './harness/endpoint-selection.ts';
import {
  appBackendNamespace as ns,
  primaryGateway,
  primaryPoolPods,
  servedEndpointHeader,
} from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 212,
  manifests: ['gateway-destination-endpoint-served.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayDestinationEndpointServed', async (t) => {
  const route = { namespace: ns, name: 'httproute-for-destination-endpoint-served' };
  const { gwAddr, pods } = await readyPoolRoute(suite, route, primaryGateway, primaryPoolPods);
  const target = { host: 'primary.example.com', path: '/destination-endpoint-served-test' };

  await t.test('Request is served by the selected backend pod', async () => {
    for (const pod of pods) {
      // The echo server's port 3000, as the pods really serve it.
      await selectedPodMustAnswer(suite, gwAddr, target, pod, {
        headers: { [servedEndpointHeader]: `${pod.ip}:${suite.port(3000)}` },
      });
    }
  });
});
