// Inference conformance GatewayFollowingEPPRouting (upstream gateway_following_epp_routing.go): the gateway
// sends each request to an endpoint the picker returned — one pod, two pods, or all three.

import { after, before, test } from 'node:test';
import { readyPoolRoute, selectedPodMustAnswer, selectionRequest } from './harness/endpoint-selection.ts';
import {
  appBackendNamespace as ns,
  primaryGateway,
  primaryModelServerApp,
  primaryPoolPods,
} from './harness/resources.ts';
import { assertTrafficOnlyReachesToExpectedPods } from './harness/traffic.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 213,
  manifests: ['gateway-following-epp-routing.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

test('GatewayFollowingEPPRouting', async (t) => {
  const route = { namespace: ns, name: 'httproute-for-primary-gw' };
  const { gwAddr, pods } = await readyPoolRoute(suite, route, primaryGateway, primaryPoolPods);
  const target = { host: 'primary.example.com', path: '/primary-gateway-test' };
  // Each pod alone first, so the gateway and picker are known to work before the main cases.
  for (const pod of pods) await selectedPodMustAnswer(suite, gwAddr, target, pod);

  const cases = [
    { name: 'should route traffic to a single designated pod', selected: [pods[2]] },
    { name: 'should route traffic to two designated pods', selected: [pods[0], pods[1]] },
    { name: 'should route traffic to all available pods', selected: pods },
  ];
  for (const { name, selected } of cases) {
    await t.test(name, () =>
      assertTrafficOnlyReachesToExpectedPods(
        suite,
        gwAddr,
        {
          request: selectionRequest(target, selected.map((pod) => pod.ip).join(',')),
          response: { statusCode: 200 },
          backend: primaryModelServerApp,
          namespace: ns,
        },
        selected.map((pod) => pod.name),
      ),
    );
  }
});
