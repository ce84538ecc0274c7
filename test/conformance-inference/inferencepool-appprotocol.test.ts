// Inference conformance InferencePoolAppProtocol (upstream inferencepool_appprotocol.go): a pool's appProtocol
// decides how the gateway talks to its endpoints — cleartext HTTP/2 for kubernetes.io/h2c, HTTP/1.1 for http
// or when omitted. The appProtocol pods serve HTTP/1.1 on 3000 and only h2c on 3001, so a request that the
// selected pod answers proves the protocol was honoured.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { selectedPodMustAnswer } from './harness/endpoint-selection.ts';
import {
  getGatewayEndpoint,
  httpRouteMustBeAcceptedAndResolved,
  inferencePoolMustBeAcceptedByParent,
} from './harness/inference-status.ts';
import {
  appProtocolH2cPool,
  appProtocolHttpPool,
  appProtocolModelServerApp,
  appBackendNamespace as ns,
  primaryGateway,
  primaryModelServerApp,
  primaryPool,
  servedEndpointHeader,
} from './harness/resources.ts';
import { InferenceConformanceSuite } from './harness.ts';

const suite = new InferenceConformanceSuite({ block: 219, manifests: ['inferencepool-appprotocol.yaml'] });
before(() => suite.start());
after(() => suite.stop());

const requestBody = `{
  "model": "conformance-fake-model",
  "prompt": "Describe San Francisco in one sentence."
}`;

test('InferencePoolAppProtocol', async (t) => {
  const gwAddr = await getGatewayEndpoint(suite, primaryGateway);
  const cases = [
    {
      name: 'explicit cleartext HTTP/2 appProtocol',
      hostname: 'appprotocol-h2c.example.com',
      path: '/inferencepool-app-protocol-h2c',
      targetPort: 3001,
      route: 'httproute-for-inferencepool-appprotocol-h2c',
      pool: appProtocolH2cPool,
      app: appProtocolModelServerApp,
    },
    {
      name: 'explicit HTTP/1.1 appProtocol',
      hostname: 'appprotocol-http.example.com',
      path: '/inferencepool-app-protocol-http',
      targetPort: 3000,
      route: 'httproute-for-inferencepool-appprotocol-http',
      pool: appProtocolHttpPool,
      app: appProtocolModelServerApp,
    },
    {
      name: 'omitted appProtocol defaults to HTTP/1.1',
      hostname: 'appprotocol-default.example.com',
      path: '/inferencepool-app-protocol-default',
      targetPort: 3000,
      route: 'httproute-for-inferencepool-appprotocol-default',
      pool: primaryPool,
      app: primaryModelServerApp,
    },
  ];
  for (const { name, hostname, path, targetPort, route, pool, app } of cases) {
    await t.test(name, async (t) => {
      await httpRouteMustBeAcceptedAndResolved(suite, { namespace: ns, name: route }, primaryGateway);
      await inferencePoolMustBeAcceptedByParent(suite, pool, primaryGateway);
      const pods = suite.pods(app);
      assert.notEqual(pods.length, 0, 'expected at least one backend pod for the appProtocol test');
      for (const pod of pods) {
        const selectedEndpoint = `${pod.ip}:${suite.port(targetPort)}`;
        await t.test(`selected pod ${pod.name}`, () =>
          selectedPodMustAnswer(suite, gwAddr, { host: hostname, path, body: requestBody }, pod, {
            selection: selectedEndpoint,
            headers: { [servedEndpointHeader]: selectedEndpoint },
          }),
        );
      }
    });
  }
});
