// Inference conformance GatewayFollowingEPPRoutingWithDataParallelism (upstream gateway_following_epp_routing_dp.go):
// with three target ports per pod (data-parallel ranks, each its own endpoint), the gateway still sends
// every request to a pod the picker chose, and to a port of it the picker allowed.

import { after, before, test } from 'node:test';
import { readyPoolRoute, selectedPodMustAnswer, selectionRequest } from './harness/endpoint-selection.ts';
import { appBackendNamespace as ns, primaryGateway } from './harness/resources.ts';
import { assertTrafficOnlyReachesToExpectedPods } from './harness/traffic.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({
  block: 214,
  manifests: ['gateway-following-epp-routing-dp.yaml'],
});
before(() => suite.start());
after(() => suite.stop());

/** The ranks' container ports in the base manifests. */
const dpPorts = [3000, 3002, 3004];

test('GatewayFollowingEPPRoutingWithDataParallelism', async (t) => {
  const app = 'dp-inference-model-server';
  const route = { namespace: ns, name: 'httproute-for-primary-gw-dp' };
  const { gwAddr, pods } = await readyPoolRoute(suite, route, primaryGateway, {
    pool: { namespace: ns, name: 'dp-inference-pool' },
    app,
    replicas: 3,
  });
  const target = { host: 'primary.example.com', path: '/primary-gateway-dp-test' };
  // Single-pod pins first, so the picker's header is known to work before the main cases.
  for (const pod of pods) await selectedPodMustAnswer(suite, gwAddr, target, pod);

  // Each selected pod with the container ports allowed for it; none listed means any rank.
  const cases: { name: string; allowed: Map<(typeof pods)[number], number[]> }[] = [
    { name: 'DP routes only to one designated pod (any rank)', allowed: new Map([[pods[1], []]]) },
    {
      name: 'DP routes only to two designated pods; one has a fixed rank',
      allowed: new Map([
        [pods[0], []],
        [pods[2], [3002]],
      ]),
    },
    {
      name: 'DP routes to all pods; one pod restricted to 3000,3004',
      allowed: new Map([
        [pods[0], []],
        [pods[1], [3000, 3004]],
        [pods[2], []],
      ]),
    },
  ];
  for (const { name, allowed } of cases) {
    // Upstream's header: the selected addresses in order, `ip` alone for any rank, else `ip:port` per rank.
    const selection = [...allowed]
      .sort(([a], [b]) => a.ip.localeCompare(b.ip))
      .flatMap(([pod, ports]) =>
        ports.length === 0 ? [pod.ip] : ports.map((port) => `${pod.ip}:${suite.port(port)}`),
      )
      .join(',');
    await t.test(name, () =>
      assertTrafficOnlyReachesToExpectedPods(
        suite,
        gwAddr,
        {
          request: selectionRequest(target, selection),
          response: { statusCode: 200 },
          backend: app,
          namespace: ns,
        },
        [...allowed.keys()].map((pod) => pod.name),
        (captured) => {
          if (captured.httpPort === '') return 'missing httpPort in the echo answer';
          const rank = suite.containerPort(Number(captured.httpPort));
          const pod = [...allowed.keys()].find((candidate) => candidate.name === captured.pod);
          const ports = pod === undefined ? [] : (allowed.get(pod) ?? []);
          const permitted = ports.length > 0 ? ports : dpPorts;
          return rank !== undefined && permitted.includes(rank)
            ? undefined
            : `pod ${captured.pod} answered on port ${captured.httpPort} (rank ${rank}), allowed: ${permitted.join(', ')}`;
        },
      ),
    );
  }
});
